// Shared helpers for the "must show" integration tests of issues 8 and 9: a full operator
// (both controllers, wired exactly as `logicops run`) watching one or more fresh namespaces
// with namespace-policy annotations of the test's choosing, the test's own SDK clients as an
// out-of-band Azure user, and readers of the emulator's request log. Azure-side claims are
// judged from the emulator (state, counters, request log), never from the operator's status.
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { CustomObjectsApi, type KubernetesObject, Watch } from '@kubernetes/client-node';
import { pino } from 'pino';
import { createAzureClients } from '../../../src/azure/index.ts';
import { loadConfig } from '../../../src/config.ts';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../src/controllers/shared/namespace-policy.ts';
import {
  allCrds,
  GROUP,
  type LogicAppWorkflow,
  type VaultSecretBinding,
  VERSION,
} from '../../../src/crds/index.ts';
import {
  DEMO_RESOURCE_GROUP,
  type Emulator,
  type RequestLogEntry,
  type StartEmulatorOptions,
  startEmulator,
} from '../../../src/emulator/index.ts';
import { createOperator, type Operator } from '../../../src/operator.ts';
import { isNotFound, KubeClient } from '../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import {
  adminKubeConfig,
  type CrdManifest,
  createTestNamespace,
  deleteTestNamespace,
  installCrd,
} from '../support/cluster.ts';

export const CLUSTER_ID = 'test-cluster';

export interface MustShowEnv {
  /** The namespaces the operator watches, in the order of `prefixes`. */
  namespaces: string[];
  emulator: Emulator;
  operator: Operator;
  kube: KubeClient;
  custom: CustomObjectsApi;
  /** The test's own SDK clients (an out-of-band Azure user with the operator app's rights). */
  azure: ReturnType<typeof createAzureClients>;
  credential: ClientSecretCredential;
  subscriptionRoot: string;
  stop(): Promise<void>;
}

export interface MustShowEnvOptions {
  prefixes: string[];
  emulator?: StartEmulatorOptions;
  /** Extra `logicops run` flags, e.g. a short --resync-period. */
  flags?: string[];
  /** Namespace-policy annotations; default: every resource group and vault of the subscription. */
  policy?: (subscriptionRoot: string) => { resourceGroups: string; vaults: string };
}

/** Emulator + operator (both controllers, as `logicops run` wires them) watching fresh namespaces. */
export async function startMustShowEnv(options: MustShowEnvOptions): Promise<MustShowEnv> {
  for (const crd of allCrds()) await installCrd(crd as unknown as CrdManifest);
  const emulator = await startEmulator({ seed: 'demo', ...options.emulator });
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), emulator.caCertPem]);
  const subscriptionRoot = `/subscriptions/${emulator.subscriptionId}`;
  const policy = options.policy?.(subscriptionRoot) ?? {
    resourceGroups: `${subscriptionRoot}/resourceGroups/*`,
    vaults: `${subscriptionRoot}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
  };
  const namespaces: string[] = [];
  for (const prefix of options.prefixes) {
    namespaces.push(
      await createTestNamespace(prefix, {
        [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: policy.resourceGroups,
        [ALLOWED_VAULTS_ANNOTATION]: policy.vaults,
      }),
    );
  }
  const config = loadConfig(
    [
      '--namespaces',
      namespaces.join(','),
      '--arm-endpoint',
      emulator.armEndpoint,
      '--authority-host',
      emulator.authorityHost,
      '--health-port',
      '0',
      '--metrics-port',
      '0',
      '--shutdown-grace',
      '2s',
      ...(options.flags ?? []),
    ],
    {
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.operatorClientId,
      AZURE_CLIENT_SECRET: emulator.operatorClientSecret,
      LOGICOPS_CLUSTER_ID: CLUSTER_ID,
    },
  );
  const logger = pino({ level: process.env.LOGICOPS_TEST_LOG_LEVEL ?? 'silent' });
  const operator = await createOperator({
    config,
    kubeConfig: adminKubeConfig(),
    logger,
    instance: namespaces[0] ?? 'must-show',
  });
  const running = operator.run();
  running.catch(() => undefined);
  const credential = new ClientSecretCredential(
    emulator.tenantId,
    emulator.operatorClientId,
    emulator.operatorClientSecret,
    { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true },
  );
  const azure = createAzureClients({
    armEndpoint: emulator.armEndpoint,
    subscriptionId: emulator.subscriptionId,
    credential,
  });
  return {
    namespaces,
    emulator,
    operator,
    kube: new KubeClient(adminKubeConfig()),
    custom: adminKubeConfig().makeApiClient(CustomObjectsApi),
    azure,
    credential,
    subscriptionRoot,
    async stop() {
      await operator.stop();
      await running.catch(() => undefined);
      await emulator.close();
      for (const namespace of namespaces) await deleteTestNamespace(namespace);
    },
  };
}

export const EMPTY_DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  parameters: {},
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {},
  outputs: {},
};

/** Reads Key Vault with the managed identity through an injected secret URI parameter. */
export function keyVaultDefinition(parameter: string) {
  return {
    ...EMPTY_DEFINITION,
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
    },
  };
}

type WorkflowSpec = Partial<LogicAppWorkflow['spec']>;

export async function createWorkflow(
  env: MustShowEnv,
  namespace: string,
  name: string,
  spec: WorkflowSpec = {},
): Promise<void> {
  await env.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: LOGIC_APP_WORKFLOW_RESOURCE.plural,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'LogicAppWorkflow',
      metadata: { name, namespace },
      spec: {
        subscriptionId: env.emulator.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'westeurope',
        definition: EMPTY_DEFINITION,
        ...spec,
      },
    },
  });
}

export async function createBinding(
  env: MustShowEnv,
  namespace: string,
  name: string,
  spec: Partial<VaultSecretBinding['spec']> & Pick<VaultSecretBinding['spec'], 'vaultId'>,
): Promise<void> {
  await env.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: VAULT_SECRET_BINDING_RESOURCE.plural,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'VaultSecretBinding',
      metadata: { name, namespace },
      spec: { secretName: 'partner-api-key', ...spec },
    },
  });
}

async function readOrUndefined<K extends KubernetesObject>(
  env: MustShowEnv,
  kind: typeof LOGIC_APP_WORKFLOW_RESOURCE,
  namespace: string,
  name: string,
): Promise<K | undefined> {
  return env.kube.get<K>(kind, namespace, name).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
}

export const readWorkflow = (env: MustShowEnv, namespace: string, name: string) =>
  readOrUndefined<LogicAppWorkflow>(env, LOGIC_APP_WORKFLOW_RESOURCE, namespace, name);

export const readBinding = (env: MustShowEnv, namespace: string, name: string) =>
  readOrUndefined<VaultSecretBinding>(env, VAULT_SECRET_BINDING_RESOURCE, namespace, name);

export async function patchWorkflowSpec(
  env: MustShowEnv,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await env.kube.patch(LOGIC_APP_WORKFLOW_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, { spec });
}

export async function deleteObject(
  env: MustShowEnv,
  kind: typeof LOGIC_APP_WORKFLOW_RESOURCE,
  namespace: string,
  name: string,
): Promise<void> {
  await env.custom.deleteNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: kind.plural,
    name,
  });
}

export function condition(
  object:
    | { status?: { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } }
    | undefined,
  type: string,
) {
  return object?.status?.conditions?.find((c) => c.type === type);
}

/** A deep copy of the emulator's counters (`emu.counters()` is live). */
export function countersOf(emulator: Emulator) {
  return structuredClone(emulator.counters());
}

/** ARM writes of every kind (PUT/PATCH, POST actions, DELETE) counted so far. */
export function armWrites(emulator: Emulator): number {
  const c = emulator.counters();
  return c.writes + c.actions + c.deletes;
}

/** The last request sequence number, to read the log from. */
export function lastSeq(emulator: Emulator): number {
  return emulator.requests().at(-1)?.seq ?? 0;
}

const workflowPathSuffix = (azureName: string) =>
  `/providers/microsoft.logic/workflows/${azureName.toLowerCase()}`;

/** Requests on one Azure workflow (by its Azure name) since `seq`, optionally of one operation. */
export function workflowRequests(
  emulator: Emulator,
  azureName: string,
  sinceSeq: number,
  operation?: 'Microsoft.Logic/workflows/read' | 'Microsoft.Logic/workflows/write',
): RequestLogEntry[] {
  return emulator
    .requests(sinceSeq)
    .filter(
      (entry) =>
        entry.plane === 'arm' &&
        entry.path.toLowerCase().replace(/\/+$/, '').endsWith(workflowPathSuffix(azureName)) &&
        (operation === undefined || entry.operation === operation),
    );
}

/** What the emulator holds for an Azure workflow (by name), judged from its state. */
export function emulatedWorkflow(emulator: Emulator, azureName: string) {
  return Object.values(emulator.state.workflows).find(
    (w) => w.name.toLowerCase() === azureName.toLowerCase(),
  );
}

export interface SeenCondition {
  at: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | string;
  status?: string;
  reason?: string;
}

/**
 * Watches one namespace's VaultSecretBindings through client-node's Watch and records, per
 * binding, every Ready condition seen (status + reason, with the local time it was seen).
 */
export async function watchBindingReadiness(namespace: string) {
  const seen = new Map<string, SeenCondition[]>();
  const watch = new Watch(adminKubeConfig());
  const controller = await watch.watch(
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/vaultsecretbindings`,
    { allowWatchBookmarks: false },
    (type: string, object: VaultSecretBinding) => {
      const name = object?.metadata?.name;
      if (!name) return;
      const ready = condition(object, 'Ready');
      const list = seen.get(name) ?? [];
      list.push({ at: Date.now(), type, status: ready?.status, reason: ready?.reason });
      seen.set(name, list);
    },
    () => undefined,
  );
  return {
    seen: (name: string) => seen.get(name) ?? [],
    stop: () => controller.abort(),
  };
}

/** Creates a resource group through the ARM REST API of the emulator (no Resources SDK here). */
export async function createResourceGroup(env: MustShowEnv, name: string, location = 'westeurope') {
  const token = await env.credential.getToken(`${env.emulator.armEndpoint}/.default`);
  const response = await fetch(
    `${env.emulator.armEndpoint}${env.subscriptionRoot}/resourcegroups/${name}?api-version=2021-04-01`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ location }),
    },
  );
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`creating resource group ${name} answered ${response.status}`);
  }
}
