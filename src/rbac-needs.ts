// Every Kubernetes permission the operator needs, in one place. The Helm chart's RBAC
// templates must grant exactly these (a unit test renders the chart and compares), and the
// packaging audit test checks against the API server's audit log that each one is used.
// Add a need here in the same change that adds the API call, never in the chart alone.
import {
  GROUP,
  LOGIC_APP_CONNECTION,
  LOGIC_APP_WORKFLOW,
  VAULT_SECRET_BINDING,
  WORKFLOW_ROLE_ASSIGNMENT,
} from './crds/index.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * Where a need applies, which decides the kind of binding the chart renders:
 * - `watched`: every watched namespace (a ClusterRoleBinding when all are watched,
 *   otherwise one RoleBinding per watched namespace to the same ClusterRole);
 * - `cluster`: cluster-wide, whatever is watched (cluster-scoped resources);
 * - `release`: the release's own namespace only (the leader-election Lease, the operator's records);
 * - `credential`: one Role per configured per-namespace credential Secret, by name;
 * - `workflowSecrets`: one Role per namespace whose workflows may use Secrets (spec.parametersFrom,
 *   spec.callbackUrl): the chart's WORKFLOW_SECRETS_VALUE, default the watched namespaces; none at
 *   all when every namespace is watched and none is listed. Secrets are never granted cluster-wide.
 */
export type RbacScope = 'watched' | 'cluster' | 'release' | 'credential' | 'workflowSecrets';

/** The chart value listing the `workflowSecrets` namespaces; messages name it so an admin knows what to set. */
export const WORKFLOW_SECRETS_VALUE = 'workflowSecrets.namespaces';

/** The LogicAppWorkflow spec fields that make the operator touch Secrets in the workflow's namespace. */
export type SecretSpecField = 'parametersFrom' | 'callbackUrl';

/**
 * The one object a need is pinned to with `resourceNames`, by the name the chart configures:
 * the leader-election Lease (`leaderElection.leaseName`), a per-namespace credential Secret, or
 * the ServiceAccount of a per-namespace workload identity.
 */
export type PinnedName = 'lease' | 'credentialSecret' | 'credentialServiceAccount';

export interface RbacNeed {
  apiGroup: string;
  /** Resource, with `/subresource` when the need is for a subresource. */
  resource: string;
  verbs: readonly Verb[];
  scope: RbacScope;
  /** Granted for that one name only; absent: for every object of the resource in scope. */
  pinnedTo?: PinnedName;
  /** Only for a per-namespace credential whose chart entry names a ServiceAccount (workload identity). */
  workloadIdentityOnly?: true;
  /** `workflowSecrets` only: the spec fields whose workflows need it, so the doctor asks where they are used. */
  usedBy?: readonly SecretSpecField[];
  /**
   * Verbs the API server checks inside requests of another verb, so the audit log shows only
   * that one: `{ create: 'patch' }` — a server-side apply that creates the object is a PATCH,
   * authorized as create too.
   */
  checkedDuring?: Partial<Record<Verb, Verb>>;
  why: string;
}

const workflows = LOGIC_APP_WORKFLOW.plural;
const bindings = VAULT_SECRET_BINDING.plural;
const roleAssignments = WORKFLOW_ROLE_ASSIGNMENT.plural;
const connections = LOGIC_APP_CONNECTION.plural;

export const RBAC_NEEDS: readonly RbacNeed[] = [
  {
    apiGroup: GROUP,
    resource: workflows,
    verbs: ['get', 'list', 'watch', 'patch'],
    scope: 'watched',
    why: 'informer; re-read after a conflict; finalizer added and removed with a JSON patch',
  },
  {
    apiGroup: GROUP,
    resource: bindings,
    verbs: ['get', 'list', 'watch', 'patch'],
    scope: 'watched',
    why: 'informer; re-read after a conflict; finalizer added and removed with a JSON patch',
  },
  {
    apiGroup: GROUP,
    resource: roleAssignments,
    verbs: ['get', 'list', 'watch', 'patch'],
    scope: 'watched',
    why: 'informer; re-read after a conflict; finalizer added and removed with a JSON patch',
  },
  {
    apiGroup: GROUP,
    resource: connections,
    verbs: ['get', 'list', 'watch', 'patch'],
    scope: 'watched',
    why: 'informer; re-read after a conflict; finalizer added and removed with a JSON patch',
  },
  {
    apiGroup: GROUP,
    resource: `${workflows}/status`,
    verbs: ['patch'],
    scope: 'watched',
    why: 'status (conditions, observedGeneration, Azure ids) is merge-patched on the status subresource',
  },
  {
    apiGroup: GROUP,
    resource: `${bindings}/status`,
    verbs: ['patch'],
    scope: 'watched',
    why: 'status (the grant ledger) is merge-patched on the status subresource',
  },
  {
    apiGroup: GROUP,
    resource: `${roleAssignments}/status`,
    verbs: ['patch'],
    scope: 'watched',
    why: 'status (the role assignment made, as a report) is merge-patched on the status subresource',
  },
  {
    apiGroup: GROUP,
    resource: `${connections}/status`,
    verbs: ['patch'],
    scope: 'watched',
    why: "status (conditions, the connection's ARM ids, Azure's overall status) is merge-patched on the status subresource",
  },
  {
    apiGroup: '',
    resource: 'configmaps',
    verbs: ['get', 'list', 'watch'],
    scope: 'watched',
    why: 'metadata-only list and watch (a change wakes the workflows that use it); GET of a ConfigMap a workflow takes its definition from',
  },
  {
    apiGroup: 'events.k8s.io',
    resource: 'events',
    verbs: ['create', 'update'],
    scope: 'watched',
    why: 'events.k8s.io/v1 Events on the objects; a repeat updates the series count',
  },
  {
    apiGroup: '',
    resource: 'namespaces',
    verbs: ['get', 'list', 'watch'],
    scope: 'cluster',
    why: 'namespace policy annotations; the kube-system uid is the default cluster id',
  },
  {
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'update'],
    scope: 'release',
    pinnedTo: 'lease',
    why: "leader election: read and renew the release's own Lease, by name; no other Lease in the namespace",
  },
  {
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['create'],
    scope: 'release',
    why: 'leader election: create the Lease the first time. RBAC cannot pin create to a name (the object does not exist when the request is authorized), so this one verb covers any Lease name in the release namespace',
  },
  {
    apiGroup: '',
    resource: 'configmaps',
    verbs: ['list', 'watch', 'create', 'patch', 'delete'],
    // Server-side apply creates a record that does not exist yet: the API server authorizes
    // that as `create` although the request (and the audit log) says `patch`.
    checkedDuring: { create: 'patch' },
    scope: 'release',
    why: "the operator's records (grant ledgers, vouched identities) in its own namespace, where teams have no rights; written with server-side apply",
  },
  {
    apiGroup: '',
    resource: 'secrets',
    verbs: ['get'],
    scope: 'credential',
    pinnedTo: 'credentialSecret',
    why: 'a per-namespace Azure credential Secret, read by name (resourceNames), never listed',
  },
  {
    apiGroup: '',
    resource: 'secrets',
    verbs: ['get'],
    scope: 'workflowSecrets',
    usedBy: ['parametersFrom', 'callbackUrl'],
    why: "a Secret a workflow names, by name, in the workflow's own namespace: spec.parametersFrom reads the labelled Secret it takes a value from at each pass; spec.callbackUrl reads its Secret to tell whether this workflow owns it and whether the URL changed. Never list or watch: those would hand the operator every Secret of the namespace at once, and keep them in its heap",
  },
  {
    apiGroup: '',
    resource: 'secrets',
    verbs: ['create', 'patch', 'delete'],
    scope: 'workflowSecrets',
    usedBy: ['callbackUrl'],
    why: "spec.callbackUrl: the Secret holding a workflow's callback URL, by the name its spec gives (so not pinnable), created, patched when the URL changes, deleted with the workflow",
  },
  {
    apiGroup: '',
    resource: 'serviceaccounts/token',
    verbs: ['create'],
    scope: 'credential',
    pinnedTo: 'credentialServiceAccount',
    workloadIdentityOnly: true,
    why: "a per-namespace workload identity: a TokenRequest for the team's ServiceAccount, by name (resourceNames), exchanged with Entra ID; the ServiceAccount itself is never read",
  },
];

/** The needs of one scope, for templates and tests. */
export function needsIn(scope: RbacScope): RbacNeed[] {
  return RBAC_NEEDS.filter((need) => need.scope === scope);
}

/**
 * The `verb resource` pair a need's verb shows as in the audit log: its own, or the verb of the
 * request it is checked during (`checkedDuring`).
 */
export function auditedPair(need: RbacNeed, verb: Verb): string {
  return `${need.checkedDuring?.[verb] ?? verb} ${need.apiGroup || 'core'}/${need.resource}`;
}

/** `verb resource` pairs (resource as `group/resource[/sub]`, core group as `core`), sorted. */
export function verbResourcePairs(needs: readonly RbacNeed[]): string[] {
  return needs
    .flatMap((need) => need.verbs.map((verb) => `${verb} ${need.apiGroup || 'core'}/${need.resource}`))
    .sort();
}
