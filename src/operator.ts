// Assembles one operator process from its configuration: Kubernetes clients and informers,
// Azure gateways (one set per subscription, all through one instrumented call seam), both
// controllers, and the manager that runs them. Used by `logicops run`, `logicops dev` and
// the integration tests, so all three run the same wiring.
import { hostname } from 'node:os';
import type { KubeConfig, V1Namespace } from '@kubernetes/client-node';
import { type AzureActor, operatorActor } from './azure/actor.ts';
import { createCredential } from './azure/credentials.ts';
import { GatewayPool } from './azure/gateway-pool.ts';
import type { AzureGateways } from './azure/gateways.ts';
import type { AzureCallsSettings } from './azure/instrumentation.ts';
import { logicopsVersion } from './cli/version.ts';
import type { OperatorConfig } from './config.ts';
import { createInformers } from './controllers/informers.ts';
import { createLogicAppConnectionController } from './controllers/logic-app-connection/controller.ts';
import { createLogicAppWorkflowController } from './controllers/logic-app-workflow/controller.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS } from './controllers/logic-app-workflow/workflow-counts.ts';
import { CONFIG_MAP_RESOURCE, NAMESPACE_RESOURCE } from './controllers/resource-kinds.ts';
import { RoleAssignmentCounts } from './controllers/shared/grants/role-assignment-counts.ts';
import { NamespaceActors } from './controllers/shared/namespace-actors.ts';
import { namespacePolicy } from './controllers/shared/namespace-policy.ts';
import { OperatorRecords } from './controllers/shared/records/operator-records.ts';
import {
  parseRecordConfigMap,
  type RecordConfigMap,
  recordSelector,
} from './controllers/shared/records/record-configmap.ts';
import { createVaultSecretBindingController } from './controllers/vault-secret-binding/controller.ts';
import { createWorkflowRoleAssignmentController } from './controllers/workflow-role-assignment/controller.ts';
import {
  LOGIC_APP_CONNECTION,
  LOGIC_APP_WORKFLOW,
  VAULT_SECRET_BINDING,
  WORKFLOW_ROLE_ASSIGNMENT,
} from './crds/index.ts';
import type { Logger } from './observability/logger.ts';
import { OperatorMetrics } from './observability/metrics.ts';
import { collectObjectMetrics } from './observability/object-metrics.ts';
import { systemClock } from './runtime/clock.ts';
import { KubeEventRecorder } from './runtime/events.ts';
import { Informer } from './runtime/informer.ts';
import { KubeClient } from './runtime/kube-client.ts';
import { KubeConnections } from './runtime/kube-connections.ts';
import { ProcessFence } from './runtime/leadership/fence.ts';
import { FencedKubeClient } from './runtime/leadership/fenced-kube-client.ts';
import { Manager } from './runtime/manager.ts';

export interface Operator {
  manager: Manager;
  metrics: OperatorMetrics;
  /** Runs until stopped (resolves) or leadership is lost (rejects). */
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface OperatorDependencies {
  config: OperatorConfig;
  kubeConfig: KubeConfig;
  logger: Logger;
  /** The identity of this process in events and the lease; default hostname + pid. */
  instance?: string;
}

export async function createOperator({
  config,
  kubeConfig: given,
  logger,
  instance,
}: OperatorDependencies): Promise<Operator> {
  // The leadership fence (runtime/leadership/fence.ts): closed until the manager, built after the
  // clients, says who leads; every write asks it at the time of the write.
  const fence = new ProcessFence();
  // Every client below is built from this KubeConfig: one connection pool per API server, not one
  // per request, and with several replicas writes are fenced again on the wire. Verified before
  // anything runs: the operator refuses to start when a hook it relies on is missing.
  const connections = new KubeConnections(given, {
    fence: config.leaderElection.enabled ? fence : undefined,
  });
  await connections.verify();
  const kubeConfig = connections.kubeConfig;
  const identity = instance ?? `${hostname()}-${process.pid}`;
  const clusterId = config.clusterId ?? (await kubeSystemUid(kubeConfig));
  // Status and finalizer patches go through this client: none leaves a deposed leader.
  const kube = new FencedKubeClient(kubeConfig, fence);
  const metrics = new OperatorMetrics({ identifyingLabels: config.metricsIdentifyingLabels });
  const {
    workflows,
    bindings,
    roleAssignments,
    connections: apiConnections,
    configMaps,
    namespaces,
  } = createInformers({
    client: kube,
    namespaces: config.namespaces,
    labelSelector: config.labelSelector,
    logger,
  });
  // The operator's own records, in its own namespace (teams have no rights there): what was
  // granted and which principals are vouched for. Not sharded: shared access-policy entries are
  // counted across every watched namespace.
  const recordConfigMaps = new Informer<RecordConfigMap>({
    client: kube,
    kind: CONFIG_MAP_RESOURCE,
    namespaces: [config.recordsNamespace],
    labelSelector: recordSelector(config.namespaces),
    logger,
    transform: parseRecordConfigMap,
  });
  const records = new OperatorRecords(recordConfigMaps, kube, config.recordsNamespace);

  collectObjectMetrics(metrics, [
    { kind: LOGIC_APP_WORKFLOW.kind, list: () => workflows.list() },
    { kind: VAULT_SECRET_BINDING.kind, list: () => bindings.list() },
    { kind: WORKFLOW_ROLE_ASSIGNMENT.kind, list: () => roleAssignments.list() },
    { kind: LOGIC_APP_CONNECTION.kind, list: () => apiConnections.list() },
  ]);

  const observer: AzureCallsSettings['observer'] = {
    beforeWrite: (operation) => {
      if (!fence.mayWrite()) {
        throw new Error(
          `refused Azure write ${operation}: this instance is not the leader (or its lease is stale)`,
        );
      }
    },
    callCompleted: (record) =>
      metrics.azureCall(record.operation, record.statusCode ?? record.outcome, record.durationMs),
    rateLimiterWaited: (operationClass, waitedMs) => metrics.rateLimiterWaited(operationClass, waitedMs),
  };
  const credential = createCredential(config.azure.credential, { authorityHost: config.azure.authorityHost });
  // One set of clients and one client-side ARM budget per (identity, subscription): ARM counts
  // requests per subscription and principal (issue 23). Reported at each scrape.
  const gateways = new GatewayPool({
    clients: {
      armEndpoint: config.azure.armEndpoint,
      maxRetries: config.azure.maxRetries,
      requestTimeoutMs: config.azure.requestTimeoutMs,
      // The instance in the User-Agent: the emulator's request log and ARM's activity log name the replica.
      userAgent: { version: logicopsVersion(), instance: identity },
      // Asked again right before each write attempt is sent, after token and retry waits.
      writeFence: fence,
    },
    budget: config.azure.budget,
    observer,
    clock: systemClock,
  });
  metrics.onCollect(() =>
    metrics.armBudget(
      gateways.budgets().flatMap(({ subscriptionId, remaining }) =>
        Object.entries(remaining).map(([operationClass, left]) => ({
          subscription: subscriptionId,
          class: operationClass,
          remaining: left,
        })),
      ),
    ),
  );
  const gatewaysFor = (actor: AzureActor, subscriptionId: string): AzureGateways =>
    gateways.gatewaysFor(actor, subscriptionId);
  // Who acts in Azure for each namespace: its own credential Secret where the admin listed one.
  const actors = new NamespaceActors(kube, {
    credentials: config.azure.namespaceCredentials,
    operator: config.azure.operatorIdentityForOthers ? operatorActor(credential) : undefined,
    authorityHost: config.azure.authorityHost,
    cloud: config.azure.cloud,
  });

  const events = new KubeEventRecorder(kubeConfig, { instance: identity, fence }, logger);
  const policy = namespacePolicy(config.namespacePolicy);
  const resync = { periodMs: config.resyncPeriodMs, jitterFraction: 0.1 };
  // What every controller is built from (shared/controller-deps.ts).
  const controllerDeps = {
    workflows,
    bindings,
    namespaces,
    records,
    kube,
    actors,
    gatewaysFor,
    events,
    logger,
    metrics,
  };
  const workflowController = createLogicAppWorkflowController({
    ...controllerDeps,
    configMaps,
    connections: apiConnections,
    settings: {
      clusterId,
      namespacePolicy: policy,
      quota: {
        workflowsPerRegion: config.quota.workflowsPerRegion,
        managedIdentityWorkflowsPerSubscriptionRegion:
          config.quota.managedIdentityWorkflowsPerSubscriptionRegion,
      },
      workers: config.workers,
      resync,
      // A vault's URI never changes: read it once per vault, not once per workflow pass.
      vaultUriTtlMs: config.resyncPeriodMs,
      // Issue 25: runs are read only at a pass, so never more often than the resync period; 0: off.
      runReportIntervalMs:
        config.runStatusPeriodMs === 0 ? 0 : Math.max(config.runStatusPeriodMs, config.resyncPeriodMs),
      // status.quota is refreshed from this listing at every pass: never older than one resync.
      quotaListTtlMs: Math.min(DEFAULT_QUOTA_LIST_TTL_MS, config.resyncPeriodMs),
    },
  });
  // Role assignments of bindings (RBAC mode) and of WorkflowRoleAssignments count against one
  // budget per subscription: one shared count.
  const roleAssignmentCounts = new RoleAssignmentCounts(systemClock);
  const bindingController = createVaultSecretBindingController({
    ...controllerDeps,
    roleAssignmentCounts,
    settings: {
      clusterId,
      namespacePolicy: policy,
      quota: {
        accessPoliciesPerVault: config.quota.accessPoliciesPerVault,
        roleAssignmentsPerSubscription: config.quota.roleAssignmentsPerSubscription,
      },
      workers: config.workers,
      resync,
      principalPropagationMs: config.principalPropagationMs,
      consistentReads: config.consistentVaultReads,
    },
  });

  const roleAssignmentController = createWorkflowRoleAssignmentController({
    ...controllerDeps,
    roleAssignments,
    roleAssignmentCounts,
    settings: {
      clusterId,
      namespacePolicy: policy,
      roleAssignmentsPerSubscription: config.quota.roleAssignmentsPerSubscription,
      workers: config.workers,
      resync,
      principalPropagationMs: config.principalPropagationMs,
    },
  });

  const connectionController = createLogicAppConnectionController({
    ...controllerDeps,
    connections: apiConnections,
    settings: { clusterId, namespacePolicy: policy, workers: config.workers, resync },
  });

  const manager = new Manager({
    kubeConfig,
    logger,
    metrics,
    informers: [
      workflows,
      bindings,
      roleAssignments,
      apiConnections,
      configMaps,
      namespaces,
      recordConfigMaps,
    ],
    controllers: [workflowController, bindingController, roleAssignmentController, connectionController],
    leaderElection: config.leaderElection.enabled
      ? {
          namespace: config.leaderElection.namespace,
          leaseName: config.leaderElection.leaseName,
          identity,
          leaseDurationMs: config.leaderElection.leaseDurationMs,
          renewDeadlineMs: config.leaderElection.renewDeadlineMs,
          retryPeriodMs: config.leaderElection.retryPeriodMs,
        }
      : undefined,
    probes: { healthPort: config.healthPort, metricsPort: config.metricsPort },
    shutdownGraceMs: config.shutdownGraceMs,
  });
  fence.follow(manager);
  logger.info(
    {
      clusterId,
      instance: identity,
      namespaces: config.namespaces,
      recordsNamespace: config.recordsNamespace,
    },
    'Assembled the operator',
  );
  return { manager, metrics, run: () => manager.run(), stop: () => manager.stop() };
}

/**
 * The default cluster id: kube-system's uid is stable for a cluster's life and unique across clusters.
 * Read with the runtime's own client: client-node's CoreV1Api would add ~560 KiB of generated
 * code to the bundle, and to the operator's heap, for this one call.
 */
async function kubeSystemUid(kubeConfig: KubeConfig): Promise<string> {
  try {
    const namespace = await new KubeClient(kubeConfig).get<V1Namespace>(
      NAMESPACE_RESOURCE,
      undefined,
      'kube-system',
    );
    const uid = namespace.metadata?.uid;
    if (uid) return uid;
  } catch {
    // fall through to the error below
  }
  throw new Error(
    'could not read the kube-system namespace to derive the cluster id; set --cluster-id (env LOGICOPS_CLUSTER_ID) or grant get on namespaces/kube-system',
  );
}
