// One binding-controller instance for one test file: the real API server (its own namespace),
// the emulator in-process over HTTPS (CA trusted in-process), the real SDK clients behind the
// real gateways. The Azure workflow and its identity are made through the SDK, and the identity
// is vouched for in the operator's records (and reported in the LogicAppWorkflow's status, patched
// as admin) as the workflow controller would, since it is not running.
import { CustomObjectsApi, type V1Namespace } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP, type Emulator } from '@logicops/azure-emulator';
import { DEFINITION, operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { AzureCalls, createAzureClients, createAzureGateways } from '../../../../src/azure/index.ts';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  NAMESPACE_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../../src/controllers/resource-kinds.ts';
import { namespacePolicy } from '../../../../src/controllers/shared/namespace-policy.ts';
import { createVaultSecretBindingController } from '../../../../src/controllers/vault-secret-binding/controller.ts';
import type { ConsistentReads } from '../../../../src/controllers/vault-secret-binding/observe/vault-consistency.ts';
import type {
  LogicAppWorkflow,
  VaultSecretBinding,
  VaultSecretBindingSpec,
} from '../../../../src/crds/index.ts';
import { silentLogger } from '../../../../src/observability/logger.ts';
import { KubeEventRecorder } from '../../../../src/runtime/events.ts';
import { type Controller, Informer, isNotFound, KubeClient } from '../../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { everyNamespaceAs } from '../../../support/azure-actors.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { policyAnnotations, startEmulatorWorld } from '../../support/emulator-world.ts';
import { startRecords } from '../../support/records.ts';

export interface BindingOperator {
  emu: Emulator;
  namespace: string;
  kube: KubeClient;
  clients: ReturnType<typeof createAzureClients>;
  vaultId(name: string): string;
  /** Creates the Azure workflow (system-assigned identity) and the LogicAppWorkflow with its identity in status. */
  createWorkflow(name: string): Promise<{ principalId: string }>;
  createBinding(
    name: string,
    spec: Partial<VaultSecretBindingSpec> & Pick<VaultSecretBindingSpec, 'vaultId'>,
  ): Promise<void>;
  readBinding(name: string): Promise<VaultSecretBinding>;
  deleteBinding(name: string): Promise<void>;
  deleteWorkflow(name: string): Promise<void>;
  annotateBinding(name: string, annotations: Record<string, string>): Promise<void>;
  bindingGone(name: string): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startBindingOperator(
  prefix: string,
  options: { consistentReads?: ConsistentReads } = {},
): Promise<BindingOperator> {
  const vaultsOf = (subscriptionRoot: string, name: string) =>
    `${subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${name}`;
  // The namespace may bind any vault of the demo resource group (no resource-group annotation).
  const world = await startEmulatorWorld({
    namespacePrefixes: [prefix],
    annotations: (subscriptionRoot) => policyAnnotations({ vaults: vaultsOf(subscriptionRoot, '*') }),
  });
  const { emulator: emu, subscriptionRoot } = world;
  const [namespace] = world.namespaces as [string];
  const vaultId = (name: string) => vaultsOf(subscriptionRoot, name);

  const kc = adminKubeConfig();
  const kube = new KubeClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const group = { group: 'logicops.io', version: 'v1alpha1', namespace };
  const create = (plural: string, body: object) =>
    custom.createNamespacedCustomObject({ ...group, plural, body });
  const logger = silentLogger();
  const scoped = { client: kube, namespaces: [namespace], logger };
  const bindings = new Informer<VaultSecretBinding>({ ...scoped, kind: VAULT_SECRET_BINDING_RESOURCE });
  const workflows = new Informer<LogicAppWorkflow>({ ...scoped, kind: LOGIC_APP_WORKFLOW_RESOURCE });
  const namespaces = new Informer<V1Namespace>({ client: kube, kind: NAMESPACE_RESOURCE, logger });
  const { informer: recordConfigMaps, records } = startRecords(kube, [namespace], logger);
  const clients = createAzureClients({
    armEndpoint: emu.armEndpoint,
    subscriptionId: emu.subscriptionId,
    credential: operatorCredential(emu),
    maxRetries: 0,
  });
  const gateways = createAzureGateways(clients, new AzureCalls());
  const controller: Controller<VaultSecretBinding> = createVaultSecretBindingController({
    bindings,
    workflows,
    namespaces,
    records,
    kube,
    actors: everyNamespaceAs(),
    gatewaysFor: () => gateways,
    events: new KubeEventRecorder(kc, { instance: `test-${prefix}` }, logger),
    logger,
    settings: {
      clusterId: 'integration',
      namespacePolicy: namespacePolicy(true),
      quota: { accessPoliciesPerVault: 1024, roleAssignmentsPerSubscription: 4000 },
      workers: 2,
      waitingRequeueMs: 500,
      // The emulator replicates principals at once: no 60 s hold before Ready in these tests.
      principalPropagationMs: 0,
      ...(options.consistentReads ? { consistentReads: options.consistentReads } : {}),
    },
  });
  bindings.start();
  workflows.start();
  namespaces.start();
  await controller.start();

  return {
    emu,
    namespace,
    kube,
    clients,
    vaultId,
    async createWorkflow(name) {
      const azureName = `${namespace}-${name}`;
      const created = await clients.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, azureName, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
        state: 'Enabled',
        definition: DEFINITION,
      });
      const principalId = created.identity?.principalId ?? '';
      const tenantId = created.identity?.tenantId ?? emu.tenantId;
      await create(LOGIC_APP_WORKFLOW_RESOURCE.plural, {
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'LogicAppWorkflow',
        // A finalizer of the test's own keeps a deleted workflow around with a deletionTimestamp,
        // as the workflow controller's would while it waits for bindings.
        metadata: { name, namespace, finalizers: ['test.logicops.io/hold'] },
        spec: {
          subscriptionId: emu.subscriptionId,
          resourceGroup: DEMO_RESOURCE_GROUP,
          location: 'westeurope',
          azureName,
          identity: { type: 'SystemAssigned' },
          state: 'Enabled',
          definition: DEFINITION,
          deletionPolicy: 'Delete',
          secureRunHistory: true,
        },
      });
      const identity = {
        type: 'SystemAssigned' as const,
        principalId,
        tenantId,
        principalObservedAt: new Date().toISOString(),
      };
      await records.write('identity', { namespace, name }, identity);
      await kube.patch(
        LOGIC_APP_WORKFLOW_RESOURCE,
        { namespace, name, subresource: 'status' },
        PatchStrategy.MergePatch,
        { status: { identity } },
      );
      return { principalId };
    },
    async createBinding(name, spec) {
      await create(VAULT_SECRET_BINDING_RESOURCE.plural, {
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'VaultSecretBinding',
        metadata: { name, namespace },
        spec: { workflowRef: { name: 'wf' }, secretName: 'partner-api-key', ...spec },
      });
    },
    deleteBinding: async (name) => {
      await custom.deleteNamespacedCustomObject({
        ...group,
        plural: VAULT_SECRET_BINDING_RESOURCE.plural,
        name,
      });
    },
    deleteWorkflow: async (name) => {
      await custom.deleteNamespacedCustomObject({
        ...group,
        plural: LOGIC_APP_WORKFLOW_RESOURCE.plural,
        name,
      });
    },
    annotateBinding: async (name, annotations) => {
      await kube.patch(VAULT_SECRET_BINDING_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, {
        metadata: { annotations },
      });
    },
    async bindingGone(name) {
      try {
        await kube.get(VAULT_SECRET_BINDING_RESOURCE, namespace, name);
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    },
    readBinding: (name) => kube.get<VaultSecretBinding>(VAULT_SECRET_BINDING_RESOURCE, namespace, name),
    async stop() {
      await controller.stop();
      await Promise.all([bindings.stop(), workflows.stop(), namespaces.stop(), recordConfigMaps.stop()]);
      // The namespace stays: the test file deletes it after reading what it needs.
      await emu.close();
    },
  };
}
