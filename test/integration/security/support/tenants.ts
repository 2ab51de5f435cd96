// Two teams in one cluster, one operator serving both, and one Azure subscription they share —
// the setting of issue 20's attack suite. The attacker acts only through its own ServiceAccount,
// bound to a Role that allows the two kinds, their status and ConfigMaps in its own namespace
// (as many clusters grant teams `resources: ["*"]` on an API group). The operator runs as
// `logicops run` wires it, with its records in a namespace of its own.
//
//   rg-team-a, kv-team-a ............ team A only (the attacker)
//   rg-team-b, kv-team-b(-rbac), uai-b  team B only (the victim)
//   rg-shared, kv-shared ............ both teams
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { DEMO_TENANT_ID, type EmulatorSeed, type RequestLogEntry } from '@logicops/azure-emulator';
import { DEFINITION } from '@logicops/azure-emulator/test-support/harness';
import {
  LOGIC_APP_CONNECTION_RESOURCE,
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
  WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
} from '../../../../src/controllers/resource-kinds.ts';

import { GROUP, type LogicAppWorkflow, VERSION } from '../../../../src/crds/index.ts';
import { KubeClient } from '../../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../../src/vocabulary.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, kubectl } from '../../support/cluster.ts';
import { type EmulatorWorld, startEmulatorWorld } from '../../support/emulator-world.ts';
import { type InProcessOperator, startInProcessOperator } from '../../support/operator-env.ts';

export const SECRET = 'api-key';
export const SECRET_VALUE = 'tenant-isolation-secret-value-0001';
/** A principal of some other system, with an entry in the shared and team-A vaults before logicops came. */
export const FOREIGN_PRINCIPAL = 'f0f0f0f0-0000-4000-8000-00000000f00d';
const FOREIGN_ENTRY = {
  tenantId: DEMO_TENANT_ID,
  objectId: FOREIGN_PRINCIPAL,
  permissions: { secrets: ['get', 'list'] },
};

/** What the namespaces' logicops.io/allowed-roles lists (escalating roles included, on purpose). */
export const ALLOWED_ROLE_NAMES = [
  'Azure Service Bus Data Receiver',
  'Owner',
  'User Access Administrator',
  'Role Based Access Control Administrator',
];
/** A role definition id that is not built in (a custom role), listed in allowed-roles too. */
export const CUSTOM_ROLE_ID = 'c0c0c0c0-0000-4000-8000-00000000c0de';

export type Kind =
  | 'logicappworkflows'
  | 'vaultsecretbindings'
  | 'workflowroleassignments'
  | 'logicappconnections';

export interface Team {
  namespace: string;
  /** API clients with the team's own ServiceAccount token. */
  custom: CustomObjectsApi;
  core: CoreV1Api;
  kube: KubeClient;
}

/** The admin's clients: how tests read what the operator wrote, and act as a cluster admin. */
export interface AdminClients {
  admin: KubeClient;
  adminCustom: CustomObjectsApi;
}

export function adminClients(): AdminClients {
  return {
    admin: new KubeClient(adminKubeConfig()),
    adminCustom: adminKubeConfig().makeApiClient(CustomObjectsApi),
  };
}

export interface Tenants extends AdminClients {
  world: EmulatorWorld;
  subscriptionRoot: string;
  subscriptionId: string;
  attacker: Team;
  victim: { namespace: string };
  recordsNamespace: string;
  /** Stops the operator (a crash, or a deliberate stop); `startOperator` brings one back. */
  stopOperator(): Promise<void>;
  startOperator(): Promise<void>;
  rg(name: string): string;
  vault(name: string): string;
  /** A queue of a Service Bus namespace (`sb-team-a`, `sb-team-b`, `sb-shared`) in a resource group. */
  queue(resourceGroup: string, namespace: string, queue: string): string;
  identity(resourceGroup: string, name: string): string;
  stop(): Promise<void>;
}

function seed(): EmulatorSeed {
  const vault = (resourceGroup: string, name: string, rbac = false, foreign = false) => ({
    resourceGroup,
    name,
    enableRbacAuthorization: rbac,
    ...(rbac ? {} : { accessPolicies: foreign ? [structuredClone(FOREIGN_ENTRY)] : [] }),
    secrets: [{ name: SECRET, value: SECRET_VALUE }],
  });
  return {
    resourceGroups: ['rg-team-a', 'rg-team-b', 'rg-shared'].map((name) => ({ name, location: 'westeurope' })),
    vaults: [
      vault('rg-team-a', 'kv-team-a', false, true),
      vault('rg-team-b', 'kv-team-b'),
      vault('rg-team-b', 'kv-team-b-rbac', true),
      vault('rg-shared', 'kv-shared', false, true),
    ],
    userAssignedIdentities: [
      { resourceGroup: 'rg-team-a', name: 'uai-a' },
      { resourceGroup: 'rg-team-b', name: 'uai-b' },
    ],
  };
}

export async function startTenants(): Promise<Tenants> {
  const world = await startEmulatorWorld({
    namespacePrefixes: [],
    emulator: { seed: seed() },
  });
  const { emulator, subscriptionRoot } = world;
  const rg = (name: string) => `${subscriptionRoot}/resourceGroups/${name}`;
  const serviceBus = (resourceGroup: string, name: string) =>
    `${rg(resourceGroup)}/providers/Microsoft.ServiceBus/namespaces/${name}`;
  const vault = (name: string) =>
    `${rg(name === 'kv-shared' ? 'rg-shared' : name.startsWith('kv-team-a') ? 'rg-team-a' : 'rg-team-b')}/providers/Microsoft.KeyVault/vaults/${name}`;
  const policy = (team: 'a' | 'b') => ({
    [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${rg(`rg-team-${team}`)},${rg('rg-shared')}`,
    [ALLOWED_VAULTS_ANNOTATION]: `${rg(`rg-team-${team}`)}/providers/Microsoft.KeyVault/vaults/kv-team-${team}*,${vault('kv-shared')}`,
    // Role grants (issue 24) on the team's own Service Bus namespace and the shared one. The roles
    // listed include those that can change authorization, as a careless admin might list them:
    // logicops refuses those whatever the policy says (attack 24).
    [ALLOWED_ROLE_SCOPES_ANNOTATION]: `${serviceBus(`rg-team-${team}`, `sb-team-${team}`)},${serviceBus('rg-shared', 'sb-shared')}`,
    [ALLOWED_ROLES_ANNOTATION]: `${ALLOWED_ROLE_NAMES.join(',')},${CUSTOM_ROLE_ID}`,
  });
  const attackerNamespace = await createTestNamespace('team-a', policy('a'));
  const victimNamespace = await createTestNamespace('team-b', policy('b'));
  const recordsNamespace = await createTestNamespace('logicops-system');
  let starts = 0;
  const launch = () =>
    startInProcessOperator(emulator, [attackerNamespace, victimNamespace], {
      instance: `tenant-isolation-${++starts}`,
      flags: [
        '--records-namespace',
        recordsNamespace,
        // No resync inside a test: every Azure request after a mark is caused by what the test did.
        '--resync-period',
        '1h',
      ],
    });
  let operator: InProcessOperator | undefined = await launch();
  const attacker = await teamIdentity(attackerNamespace);
  return {
    world,
    subscriptionRoot,
    subscriptionId: emulator.subscriptionId,
    attacker,
    victim: { namespace: victimNamespace },
    recordsNamespace,
    ...adminClients(),
    async stopOperator() {
      await operator?.stop();
      operator = undefined;
    },
    async startOperator() {
      operator ??= await launch();
    },
    rg,
    vault,
    queue: (resourceGroup, namespace, queue) => `${serviceBus(resourceGroup, namespace)}/queues/${queue}`,
    identity: (resourceGroup, name) =>
      `${rg(resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    async stop() {
      await operator?.stop();
      await world.stop();
      for (const namespace of [attackerNamespace, victimNamespace, recordsNamespace]) {
        await deleteTestNamespace(namespace);
      }
    },
  };
}

/**
 * A ServiceAccount of the team with the Role many clusters give a team: everything on the two
 * kinds (status included) and on ConfigMaps, in its own namespace only; and its own token.
 */
async function teamIdentity(namespace: string): Promise<Team> {
  const manifests = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'team', namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'team', namespace },
      rules: [
        { apiGroups: [GROUP], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'team', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team' },
      subjects: [{ kind: 'ServiceAccount', name: 'team', namespace }],
    },
  ];
  await kubectl(['apply', '-f', '-'], manifests.map((m) => JSON.stringify(m)).join('\n'));
  const { stdout } = await kubectl(['create', 'token', 'team', '-n', namespace, '--duration=1h']);
  const admin = adminKubeConfig();
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no cluster');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'team', token: stdout.trim() }],
    contexts: [{ name: 'team', cluster: cluster.name, user: 'team', namespace }],
    currentContext: 'team',
  });
  return {
    namespace,
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    core: kubeConfig.makeApiClient(CoreV1Api),
    kube: new KubeClient(kubeConfig),
  };
}

export function workflowManifest(
  namespace: string,
  name: string,
  spec: Partial<LogicAppWorkflow['spec']> & { subscriptionId: string; resourceGroup: string },
  metadata: { annotations?: Record<string, string>; finalizers?: string[] } = {},
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'LogicAppWorkflow',
    metadata: { name, namespace, ...metadata },
    spec: { location: 'westeurope', definition: DEFINITION, ...spec },
  };
}

export function bindingManifest(
  namespace: string,
  name: string,
  workflow: string,
  vaultId: string,
  metadata: { finalizers?: string[] } = {},
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'VaultSecretBinding',
    metadata: { name, namespace, ...metadata },
    spec: { workflowRef: { name: workflow }, vaultId, secretName: SECRET, ...extra },
  };
}

export async function createAs(
  team: Team | CustomObjectsApi,
  plural: Kind,
  body: { metadata: { namespace: string } },
) {
  const custom = team instanceof CustomObjectsApi ? team : team.custom;
  await custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: body.metadata.namespace,
    plural,
    body,
  });
}

export async function deleteAs(team: Team, plural: Kind, name: string) {
  await team.custom.deleteNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: team.namespace,
    plural,
    name,
  });
}

/** A merge patch of the status subresource, with the team's own token. */
export async function patchStatusAs(team: Team, plural: Kind, name: string, status: Record<string, unknown>) {
  await team.kube.patch(
    {
      logicappworkflows: LOGIC_APP_WORKFLOW_RESOURCE,
      vaultsecretbindings: VAULT_SECRET_BINDING_RESOURCE,
      workflowroleassignments: WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
      logicappconnections: LOGIC_APP_CONNECTION_RESOURCE,
    }[plural],
    { namespace: team.namespace, name, subresource: 'status' },
    PatchStrategy.MergePatch,
    { status },
  );
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
export type KubeObject = {
  metadata: { name: string; namespace: string; finalizers?: string[] };
  spec: Record<string, unknown>;
  status?: { conditions?: Condition[]; [key: string]: unknown };
};

export async function read(tenants: AdminClients, plural: Kind, namespace: string, name: string) {
  try {
    return (await tenants.adminCustom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural,
      name,
    })) as KubeObject;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

export function conditionOf(object: KubeObject | undefined, type: string) {
  return object?.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the object's Ready condition has `reason` (and returns the object). */
export async function waitForReason(
  tenants: AdminClients,
  plural: Kind,
  namespace: string,
  name: string,
  reason: string,
  timeoutMs = 30_000,
): Promise<KubeObject> {
  return eventually(async () => {
    const object = await read(tenants, plural, namespace, name);
    const ready = conditionOf(object, 'Ready');
    if (ready?.reason !== reason) {
      throw new Error(
        `${plural} ${namespace}/${name}: Ready reason ${ready?.reason ?? '(none)'} (${ready?.message ?? ''}), waiting for ${reason}`,
      );
    }
    return object as KubeObject;
  }, timeoutMs);
}

export async function waitGone(tenants: AdminClients, plural: Kind, namespace: string, name: string) {
  await eventually(async () => {
    if (await read(tenants, plural, namespace, name))
      throw new Error(`${plural} ${namespace}/${name} still exists`);
  }, 30_000);
}

/** Where a request went: every ARM path names the resource group it touches. */
export function touches(request: RequestLogEntry, resourceGroup: string): boolean {
  return (
    request.plane === 'arm' &&
    request.path.toLowerCase().includes(`/resourcegroups/${resourceGroup.toLowerCase()}/`)
  );
}

/** The ARM requests since `seq` that reached outside team A's scope (team B's resource group). */
export function outsideAttackerScope(tenants: Tenants, sinceSeq: number): RequestLogEntry[] {
  return tenants.world.emulator.requests(sinceSeq).filter((request) => touches(request, 'rg-team-b'));
}

export function lastSeq(tenants: Tenants): number {
  return tenants.world.emulator.requests().at(-1)?.seq ?? 0;
}

export function roleAssignmentManifest(
  namespace: string,
  name: string,
  workflow: string,
  scope: string,
  role: string,
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'WorkflowRoleAssignment',
    metadata: { name, namespace },
    spec: { workflowRef: { name: workflow }, scope, role },
  };
}

/** A Service Bus API connection (issue 24) in `resourceGroup`, authenticated by the managed identity. */
export function connectionManifest(
  namespace: string,
  name: string,
  subscriptionId: string,
  resourceGroup: string,
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'LogicAppConnection',
    metadata: { name, namespace },
    spec: {
      subscriptionId,
      resourceGroup,
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://sb-shared.servicebus.windows.net/' },
      ...extra,
    },
  };
}
