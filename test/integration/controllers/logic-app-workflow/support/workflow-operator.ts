// One LogicAppWorkflow controller per test file, built from its factory exactly as the wiring
// would: the wiring's informers (createInformers) scoped to the file's namespace (namespaces
// cluster-wide), the real SDK
// clients over HTTPS to an in-process emulator whose CA this process trusts, a real event
// recorder. Only the workflow controller runs: a binding's ledger is simulated by patching
// its status as admin.
import tls from 'node:tls';
import { LogicManagementClient } from '@azure/arm-logic';
import { ClientSecretCredential } from '@azure/identity';
import { CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP, type Emulator, startEmulator } from '@logicops/azure-emulator';
import { pino } from 'pino';
import { expect } from 'vitest';
import { AzureCalls, createAzureClients, createAzureGateways } from '../../../../../src/azure/index.ts';
import { createInformers, type OperatorInformers } from '../../../../../src/controllers/informers.ts';
import { createLogicAppWorkflowController } from '../../../../../src/controllers/logic-app-workflow/index.ts';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../../src/controllers/resource-kinds.ts';
import { namespacePolicy } from '../../../../../src/controllers/shared/namespace-policy.ts';
import type { OperatorRecords } from '../../../../../src/controllers/shared/records/operator-records.ts';
import { allCrds, GROUP, type LogicAppWorkflow, VERSION } from '../../../../../src/crds/index.ts';
import { KubeEventRecorder } from '../../../../../src/runtime/events.ts';
import { type Controller, KubeClient } from '../../../../../src/runtime/index.ts';
import { PatchStrategy, type ResourceKind } from '../../../../../src/runtime/kube-client.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../../../src/vocabulary.ts';
import { everyNamespaceAs } from '../../../../support/azure-actors.ts';
import { eventually } from '../../../../support/eventually.ts';
import {
  adminKubeConfig,
  type CrdManifest,
  createTestNamespace,
  deleteTestNamespace,
  installCrd,
} from '../../../support/cluster.ts';
import { startRecords } from '../../../support/records.ts';

export const CLUSTER_ID = 'it-cluster';

export interface WorkflowOperatorEnv {
  namespace: string;
  emu: Emulator;
  /** An SDK client as an out-of-band Azure user (drift, pre-existing workflows). */
  logic: LogicManagementClient;
  kube: KubeClient;
  custom: CustomObjectsApi;
  controller: Controller<LogicAppWorkflow>;
  /** The operator's records, as the binding controller would write grant ledgers there. */
  records: OperatorRecords;
  /** The controller's caches, to see what the operator holds. */
  informers: OperatorInformers;
  /** Every GET the controller made, as `plural namespace/name`. */
  operatorGets: readonly string[];
  stop(): Promise<void>;
}

class CountingKubeClient extends KubeClient {
  readonly gets: string[] = [];

  override get<K extends KubernetesObject>(kind: ResourceKind, namespace: string | undefined, name: string) {
    this.gets.push(`${kind.plural} ${namespace}/${name}`);
    return super.get<K>(kind, namespace, name);
  }
}

export interface WorkflowOperatorOptions {
  prefix: string;
  /** Resource groups the namespace may use (ARM id globs); default every group of the subscription. */
  allowedResourceGroups?: (subscriptionRoot: string) => string;
  quota?: { workflowsPerRegion: number; managedIdentityWorkflowsPerSubscriptionRegion: number };
}

export async function startWorkflowOperator(options: WorkflowOperatorOptions): Promise<WorkflowOperatorEnv> {
  for (const crd of allCrds()) await installCrd(crd as unknown as CrdManifest);
  const emu = await startEmulator({ seed: 'demo' });
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), emu.caCertPem]);
  const root = `/subscriptions/${emu.subscriptionId}`;
  const namespace = await createTestNamespace(options.prefix, {
    [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: options.allowedResourceGroups?.(root) ?? `${root}/resourceGroups/*`,
    [ALLOWED_VAULTS_ANNOTATION]: `${root}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
  });

  const logger = pino({ level: process.env.LOGICOPS_TEST_LOG_LEVEL ?? 'silent' });
  const kubeConfig = adminKubeConfig();
  const kube = new KubeClient(kubeConfig);
  // The operator's own client, counting its reads: which objects it fetched beyond its caches.
  const operatorKube = new CountingKubeClient(kubeConfig);
  // The caches the operator's wiring builds (what each keeps of an object included).
  const cached = createInformers({ client: operatorKube, namespaces: [namespace], logger });
  const { workflows, bindings, connections, configMaps, namespaces } = cached;
  const { informer: recordConfigMaps, records } = startRecords(kube, [namespace], logger);
  const informers = [workflows, bindings, connections, configMaps, namespaces];
  const stopRecords = () => recordConfigMaps.stop();

  const credential = new ClientSecretCredential(
    emu.tenantId,
    emu.operatorClientId,
    emu.operatorClientSecret,
    {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
    },
  );
  const calls = new AzureCalls();
  const gateways = createAzureGateways(
    createAzureClients({
      armEndpoint: emu.armEndpoint,
      subscriptionId: emu.subscriptionId,
      credential,
      maxRetries: 0,
    }),
    calls,
  );
  const controller = createLogicAppWorkflowController({
    workflows,
    bindings,
    configMaps,
    connections,
    namespaces,
    records,
    kube: operatorKube,
    actors: everyNamespaceAs(),
    gatewaysFor: () => gateways,
    events: new KubeEventRecorder(kubeConfig, { instance: namespace }, logger),
    logger,
    settings: {
      clusterId: CLUSTER_ID,
      namespacePolicy: namespacePolicy(true),
      quota: options.quota ?? {
        workflowsPerRegion: 1000,
        managedIdentityWorkflowsPerSubscriptionRegion: 5000,
      },
      workers: 2,
      // Short, so tests that wait on a resync or a poll do not wait long.
      resync: { periodMs: 3_000, jitterFraction: 0.1 },
      waitPollMs: 1_000,
    },
  });
  for (const informer of informers) informer.start();
  await controller.start();

  return {
    namespace,
    emu,
    logic: new LogicManagementClient(credential, emu.subscriptionId, { endpoint: emu.armEndpoint }),
    kube,
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    controller,
    records,
    informers: cached,
    operatorGets: operatorKube.gets,
    async stop() {
      await controller.stop();
      await Promise.all([...informers.map((informer) => informer.stop()), stopRecords()]);
      await emu.close();
      await deleteTestNamespace(namespace);
    },
  };
}

export const DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  parameters: {},
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {},
  outputs: {},
};

/** Reads Key Vault with the managed identity, then hands the secret on to two more actions. */
export function keyVaultDefinition(parameter: string) {
  return {
    ...DEFINITION,
    parameters: { [parameter]: { type: 'String' } },
    actions: {
      Get_secret: {
        type: 'Http',
        runAfter: {},
        inputs: {
          method: 'GET',
          uri: `@{parameters('${parameter}')}?api-version=7.4`,
          authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
        },
      },
      Parse: {
        type: 'Compose',
        runAfter: { Get_secret: ['Succeeded'] },
        inputs: "@body('Get_secret')?['value']",
      },
      Call_partner: {
        type: 'Http',
        runAfter: { Parse: ['Succeeded'] },
        inputs: {
          method: 'POST',
          uri: 'https://partner.example.com/',
          headers: { 'Api-key': "@{outputs('Parse')}" },
        },
      },
      Unrelated: { type: 'Compose', runAfter: {}, inputs: 'hello' },
    },
  };
}

export function workflowManifest(
  namespace: string,
  name: string,
  spec: Partial<LogicAppWorkflow['spec']> & { subscriptionId: string },
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'LogicAppWorkflow',
    metadata: { name, namespace, annotations },
    spec: { resourceGroup: DEMO_RESOURCE_GROUP, location: 'westeurope', definition: DEFINITION, ...spec },
  };
}

export async function createWorkflow(
  env: WorkflowOperatorEnv,
  manifest: ReturnType<typeof workflowManifest>,
) {
  await env.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: env.namespace,
    plural: 'logicappworkflows',
    body: manifest,
  });
}

export async function readWorkflow(
  env: WorkflowOperatorEnv,
  name: string,
): Promise<LogicAppWorkflow | undefined> {
  return env.kube
    .get<LogicAppWorkflow>(LOGIC_APP_WORKFLOW_RESOURCE, env.namespace, name)
    .catch((error: unknown) => {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    });
}

export async function annotate(
  env: WorkflowOperatorEnv,
  name: string,
  annotations: Record<string, string | null>,
) {
  await env.kube.patch(
    LOGIC_APP_WORKFLOW_RESOURCE,
    { namespace: env.namespace, name },
    PatchStrategy.MergePatch,
    {
      metadata: { annotations },
    },
  );
}

export function condition(workflow: LogicAppWorkflow | undefined, type: string) {
  return workflow?.status?.conditions?.find((c) => c.type === type);
}

/** Writes made to workflows in the emulator so far. */
export function workflowWrites(env: WorkflowOperatorEnv): number {
  return env.emu.counters().byOperation['Microsoft.Logic/workflows/write']?.count ?? 0;
}

/** Waits until the workflow is Ready (Succeeded) at `generation`; returns it as then read. */
export async function waitWorkflowReady(
  env: WorkflowOperatorEnv,
  name: string,
  generation: number,
  timeoutMs: number,
): Promise<LogicAppWorkflow> {
  return eventually(async () => {
    const workflow = await readWorkflow(env, name);
    expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(workflow?.status?.observedGeneration).toBe(generation);
    return workflow as LogicAppWorkflow;
  }, timeoutMs);
}
