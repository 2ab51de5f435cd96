// Shared helpers for the "must show" integration tests of issues 8 and 9: a full operator
// (both controllers, wired exactly as `logicops run`) watching one or more fresh namespaces
// with namespace-policy annotations of the test's choosing, the test's own SDK clients as an
// out-of-band Azure user, and readers of the emulator's request log. Azure-side claims are
// judged from the emulator (state, counters, request log), never from the operator's status.
import type { ClientSecretCredential } from '@azure/identity';
import { CustomObjectsApi, type KubernetesObject, Watch } from '@kubernetes/client-node';
import {
  DEMO_RESOURCE_GROUP,
  type Emulator,
  type RequestLogEntry,
  type StartEmulatorOptions,
} from '@logicops/azure-emulator';
import { admin, DEFINITION, operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { createAzureClients } from '../../../src/azure/index.ts';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import { GROUP, type LogicAppWorkflow, type VaultSecretBinding, VERSION } from '../../../src/crds/index.ts';
import type { Operator } from '../../../src/operator.ts';
import { isNotFound, KubeClient } from '../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import { demoScopePolicy, policyAnnotations, startEmulatorWorld } from '../support/emulator-world.ts';
import { startInProcessOperator, TEST_CLUSTER_ID } from '../support/operator-env.ts';

export const CLUSTER_ID = TEST_CLUSTER_ID;

/** The cluster side and the Azure side of a must-show test, without an operator. */
export interface MustShowWorld {
  /** The namespaces the operator watches, in the order of `prefixes`. */
  namespaces: string[];
  emulator: Emulator;
  kube: KubeClient;
  custom: CustomObjectsApi;
  /** The test's own SDK clients (an out-of-band Azure user with the operator app's rights). */
  azure: ReturnType<typeof createAzureClients>;
  credential: ClientSecretCredential;
  subscriptionRoot: string;
  stop(): Promise<void>;
}

export interface MustShowEnv extends MustShowWorld {
  operator: Operator;
}

export interface MustShowEnvOptions {
  prefixes: string[];
  emulator?: StartEmulatorOptions;
  /** Extra `logicops run` flags, e.g. a short --resync-period. */
  flags?: string[];
  /** Namespace-policy annotations; default: every resource group and vault of the subscription. */
  policy?: (subscriptionRoot: string) => { resourceGroups: string; vaults: string };
}

/**
 * Emulator + fresh namespaces with policy annotations + the test's clients, no operator (for
 * tests that run `logicops run` as a separate process).
 */
export async function startMustShowWorld(options: Omit<MustShowEnvOptions, 'flags'>): Promise<MustShowWorld> {
  const world = await startEmulatorWorld({
    namespacePrefixes: options.prefixes,
    emulator: options.emulator,
    annotations: (subscriptionRoot) =>
      policyAnnotations(options.policy?.(subscriptionRoot) ?? demoScopePolicy(subscriptionRoot)),
  });
  const { emulator } = world;
  const credential = operatorCredential(emulator);
  const azure = createAzureClients({
    armEndpoint: emulator.armEndpoint,
    subscriptionId: emulator.subscriptionId,
    credential,
  });
  return {
    namespaces: world.namespaces,
    emulator,
    kube: new KubeClient(adminKubeConfig()),
    custom: adminKubeConfig().makeApiClient(CustomObjectsApi),
    azure,
    credential,
    subscriptionRoot: world.subscriptionRoot,
    stop: () => world.stop(),
  };
}

/** Emulator + operator (both controllers, as `logicops run` wires them) watching fresh namespaces. */
export async function startMustShowEnv(options: MustShowEnvOptions): Promise<MustShowEnv> {
  const world = await startMustShowWorld(options);
  const running = await startInProcessOperator(world.emulator, world.namespaces, {
    instance: world.namespaces[0] ?? 'must-show',
    flags: options.flags,
  });
  return {
    ...world,
    operator: running.operator,
    async stop() {
      await running.stop();
      await world.stop();
    },
  };
}

/** Reads Key Vault with the managed identity through an injected secret URI parameter. */
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
    },
  };
}

type WorkflowSpec = Partial<LogicAppWorkflow['spec']>;

export async function createWorkflow(
  env: MustShowWorld,
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
        definition: DEFINITION,
        ...spec,
      },
    },
  });
}

export async function createBinding(
  env: MustShowWorld,
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
  env: MustShowWorld,
  kind: typeof LOGIC_APP_WORKFLOW_RESOURCE,
  namespace: string,
  name: string,
): Promise<K | undefined> {
  return env.kube.get<K>(kind, namespace, name).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
}

export const readWorkflow = (env: MustShowWorld, namespace: string, name: string) =>
  readOrUndefined<LogicAppWorkflow>(env, LOGIC_APP_WORKFLOW_RESOURCE, namespace, name);

export const readBinding = (env: MustShowWorld, namespace: string, name: string) =>
  readOrUndefined<VaultSecretBinding>(env, VAULT_SECRET_BINDING_RESOURCE, namespace, name);

export async function patchWorkflowSpec(
  env: MustShowWorld,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await env.kube.patch(LOGIC_APP_WORKFLOW_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, { spec });
}

export async function deleteObject(
  env: MustShowWorld,
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
export async function createResourceGroup(env: MustShowWorld, name: string, location = 'westeurope') {
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

/**
 * The Azure roles a namespace's own identity needs to run workflows in the demo resource group
 * (docs/operations.md, "Per-namespace credentials"): Logic App Contributor there, and Reader on the
 * subscription for the quota count. The emulator authorizes every ARM call by these.
 */
export async function grantWorkflowRoles(env: MustShowWorld, principalId: string): Promise<void> {
  await admin(env.emulator, 'POST', '/role-assignments', {
    scope: `${env.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}`,
    role: 'Logic App Contributor',
    principalId,
  });
  await admin(env.emulator, 'POST', '/role-assignments', {
    scope: env.subscriptionRoot,
    role: 'Reader',
    principalId,
  });
}
