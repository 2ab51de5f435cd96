// The chaos suites' judge: what Azure must hold, computed from the live objects' specs and the
// emulator's state alone — never from the operator's status, which is exactly what a crash can
// leave wrong. Pure: the same inputs always give the same list of discrepancies (empty = good).
//
// "Live" objects are the ones that still exist and are not being deleted. The baseline is the
// emulator's state before the suite created anything (seeded workflows, vault entries, assignments,
// identities and directory objects): what no live object claims is foreign, and any change to it
// is a `foreign` discrepancy.
import type { EmulatorState, WorkflowRecord } from '@logicops/azure-emulator';

/** Key Vault Secrets User, the only role logicops assigns. */
export const SECRETS_USER_ROLE_GUID = '4633458b-17de-408a-b874-0445c86b69e6';
export const OWNER_TAG = 'logicops-owner';

export interface LiveWorkflow {
  namespace: string;
  name: string;
  spec: {
    subscriptionId: string;
    resourceGroup: string;
    azureName?: string;
    identity?: { type?: string; userAssignedIdentityId?: string };
  };
}

export interface LiveBinding {
  namespace: string;
  name: string;
  spec: {
    workflowRef: { name: string };
    vaultId: string;
    secretName: string;
    permissions?: string[];
    accessModel?: string;
  };
}

/** `foreign`: something logicops does not own (the baseline's) was changed or removed. */
export type DiscrepancyKind = 'missing' | 'orphan' | 'duplicate' | 'mismatch' | 'foreign';
export type AzureThing = 'workflow' | 'identity' | 'access-policy' | 'role-assignment';

export interface Discrepancy {
  kind: DiscrepancyKind;
  thing: AzureThing;
  /** Names ids and permissions only: never a secret value or a token. */
  detail: string;
}

export interface OracleInput {
  clusterId: string;
  workflows: readonly LiveWorkflow[];
  bindings: readonly LiveBinding[];
  state: EmulatorState;
  baseline: EmulatorState;
}

/** Same normalisation as the emulator's keys: single slashes, no trailing slash, lower case. */
export function armKey(id: string): string {
  const collapsed = `/${id}`.replace(/\/{2,}/g, '/');
  return (collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed).toLowerCase();
}

export function workflowIdOf(workflow: LiveWorkflow): string {
  const { subscriptionId, resourceGroup, azureName } = workflow.spec;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Logic/workflows/${azureName ?? workflow.name}`;
}

export function judgeAzure(input: OracleInput): Discrepancy[] {
  return [
    ...judgeWorkflows(input),
    ...judgeIdentities(input),
    ...judgeAccessPolicies(input),
    ...judgeRoleAssignments(input),
  ];
}

function judgeWorkflows({ clusterId, workflows, state, baseline }: OracleInput): Discrepancy[] {
  const found: Discrepancy[] = [];
  const expected = new Map(workflows.map((w) => [armKey(workflowIdOf(w)), w]));
  for (const [key, workflow] of expected) {
    const record = state.workflows[key];
    const label = `${workflow.namespace}/${workflow.name}`;
    if (!record) {
      found.push({ kind: 'missing', thing: 'workflow', detail: `${label}: no workflow ${key}` });
      continue;
    }
    const owner = `${clusterId}/${workflow.namespace}/${workflow.name}`;
    if (record.tags[OWNER_TAG] !== owner) {
      found.push({
        kind: 'mismatch',
        thing: 'workflow',
        detail: `${label}: owner tag '${record.tags[OWNER_TAG] ?? ''}', expected '${owner}'`,
      });
    }
    const identityProblem = identityMismatch(workflow, record);
    if (identityProblem)
      found.push({ kind: 'mismatch', thing: 'workflow', detail: `${label}: ${identityProblem}` });
  }
  for (const key of Object.keys(state.workflows)) {
    if (!expected.has(key) && !baseline.workflows[key]) {
      found.push({ kind: 'orphan', thing: 'workflow', detail: `workflow ${key} has no live object` });
    }
  }
  // What was there before and no live object claims is someone else's: exactly as it was.
  for (const [key, before] of Object.entries(baseline.workflows)) {
    if (expected.has(key)) continue;
    const after = state.workflows[key];
    if (!after) {
      found.push({ kind: 'foreign', thing: 'workflow', detail: `pre-existing workflow ${key} was deleted` });
    } else if (!sameJson(after, before)) {
      found.push({
        kind: 'foreign',
        thing: 'workflow',
        detail: `pre-existing workflow ${key} was changed (${changedFields(before, after).join(', ')})`,
      });
    }
  }
  return found;
}

/** Deep equality of plain JSON values, key order ignored. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Top-level fields (and `properties.*`) that differ: names only, never values. */
function changedFields(before: WorkflowRecord, after: WorkflowRecord): string[] {
  const fields = (['tags', 'identity', 'location'] as const).filter((f) => !sameJson(before[f], after[f]));
  const keys = new Set([...Object.keys(before.properties), ...Object.keys(after.properties)]);
  return [
    ...fields,
    ...[...keys]
      .filter((k) => !sameJson(before.properties[k], after.properties[k]))
      .map((k) => `properties.${k}`),
  ];
}

function identityMismatch(workflow: LiveWorkflow, record: WorkflowRecord): string | undefined {
  const wanted = workflow.spec.identity?.type ?? 'SystemAssigned';
  const actual = record.identity?.type ?? 'None';
  if (wanted !== actual) return `identity ${actual}, expected ${wanted}`;
  if (record.identity?.type === 'UserAssigned') {
    const want = armKey(workflow.spec.identity?.userAssignedIdentityId ?? '');
    if (armKey(record.identity.userAssignedIdentityId) !== want) {
      return `user-assigned identity ${record.identity.userAssignedIdentityId}, expected ${want}`;
    }
  }
  return undefined;
}

function judgeIdentities({ workflows, state, baseline }: OracleInput): Discrepancy[] {
  const found: Discrepancy[] = [];
  // Every live system-assigned workflow has its principal; every system-assigned principal
  // belongs to a workflow that exists (a principal left behind would be an orphaned identity).
  const liveSystemPrincipals = new Set<string>();
  for (const workflow of workflows) {
    const record = state.workflows[armKey(workflowIdOf(workflow))];
    if (record?.identity?.type !== 'SystemAssigned') continue;
    const principalId = record.identity.principalId.toLowerCase();
    liveSystemPrincipals.add(principalId);
    if (!state.principals[principalId]) {
      found.push({
        kind: 'missing',
        thing: 'identity',
        detail: `${workflow.namespace}/${workflow.name}: principal ${principalId} not in the directory`,
      });
    }
  }
  // Directory objects that were there before stay (a foreign workflow's identity among them),
  // unless a live object claims the workflow they belong to.
  const claimed = new Set(workflows.map((w) => armKey(workflowIdOf(w))));
  for (const principal of Object.values(baseline.principals)) {
    if (state.principals[principal.objectId]) continue;
    if (principal.resourceId && claimed.has(armKey(principal.resourceId))) continue;
    found.push({
      kind: 'foreign',
      thing: 'identity',
      detail: `pre-existing principal ${principal.objectId} (${principal.kind}) was deleted`,
    });
  }
  for (const principal of Object.values(state.principals)) {
    if (principal.kind !== 'SystemAssigned' || baseline.principals[principal.objectId]) continue;
    if (!liveSystemPrincipals.has(principal.objectId.toLowerCase())) {
      found.push({
        kind: 'orphan',
        thing: 'identity',
        detail: `system-assigned principal ${principal.objectId} (${principal.resourceId ?? '?'}) has no live workflow`,
      });
    }
  }
  // logicops never creates or deletes user-assigned identities.
  const before = Object.keys(baseline.userAssignedIdentities).sort();
  const after = Object.keys(state.userAssignedIdentities).sort();
  for (const key of after.filter((k) => !before.includes(k))) {
    found.push({ kind: 'orphan', thing: 'identity', detail: `user-assigned identity ${key} was created` });
  }
  for (const key of before.filter((k) => !after.includes(k))) {
    found.push({ kind: 'foreign', thing: 'identity', detail: `user-assigned identity ${key} was deleted` });
  }
  return found;
}

interface ExpectedGrant {
  vaultKey: string;
  principalId: string;
  model: 'AccessPolicy' | 'RBAC';
  permissions: string[];
  scope: string;
}

/** The grants the live bindings call for, with principals read from Azure (the emulator). */
export function expectedGrants({ workflows, bindings, state }: OracleInput): ExpectedGrant[] {
  const grants: ExpectedGrant[] = [];
  const liveWorkflows = new Map(workflows.map((w) => [`${w.namespace}/${w.name}`, w]));
  for (const binding of bindings) {
    const workflow = liveWorkflows.get(`${binding.namespace}/${binding.spec.workflowRef.name}`);
    if (!workflow) continue;
    const principalId = principalOf(workflow, state);
    const vaultKey = armKey(binding.spec.vaultId);
    const vault = state.vaults[vaultKey];
    if (!principalId || !vault) continue;
    const requested = binding.spec.accessModel ?? 'Auto';
    const model =
      requested === 'Auto'
        ? vault.properties.enableRbacAuthorization === true
          ? 'RBAC'
          : 'AccessPolicy'
        : requested === 'RBAC'
          ? 'RBAC'
          : 'AccessPolicy';
    grants.push({
      vaultKey,
      principalId,
      model,
      permissions: binding.spec.permissions?.length ? [...binding.spec.permissions] : ['get'],
      scope: armKey(`${binding.spec.vaultId}/secrets/${binding.spec.secretName}`),
    });
  }
  return grants;
}

function principalOf(workflow: LiveWorkflow, state: EmulatorState): string | undefined {
  const record = state.workflows[armKey(workflowIdOf(workflow))];
  if (record?.identity?.type === 'SystemAssigned') return record.identity.principalId.toLowerCase();
  if (record?.identity?.type === 'UserAssigned') {
    return state.userAssignedIdentities[
      armKey(record.identity.userAssignedIdentityId)
    ]?.principalId.toLowerCase();
  }
  return undefined;
}

const lowerSet = (values: readonly string[] | undefined) =>
  new Set((values ?? []).map((v) => v.toLowerCase()));
const sorted = (values: Iterable<string>) => [...values].sort().join(',');

function judgeAccessPolicies(input: OracleInput): Discrepancy[] {
  const { state, baseline } = input;
  const found: Discrepancy[] = [];
  const wanted = new Map<string, Map<string, Set<string>>>(); // vault → principal → secret permissions
  for (const grant of expectedGrants(input).filter((g) => g.model === 'AccessPolicy')) {
    const byPrincipal = wanted.get(grant.vaultKey) ?? new Map<string, Set<string>>();
    const permissions = byPrincipal.get(grant.principalId) ?? new Set<string>();
    for (const p of grant.permissions) permissions.add(p.toLowerCase());
    byPrincipal.set(grant.principalId, permissions);
    wanted.set(grant.vaultKey, byPrincipal);
  }
  for (const [vaultKey, vault] of Object.entries(state.vaults)) {
    const before = new Map(
      (baseline.vaults[vaultKey]?.accessPolicies ?? []).map((e) => [e.objectId.toLowerCase(), e]),
    );
    const expected = new Map<string, Set<string>>();
    for (const [principal, entry] of before) expected.set(principal, lowerSet(entry.permissions.secrets));
    for (const [principal, permissions] of wanted.get(vaultKey) ?? []) {
      expected.set(principal, new Set([...(expected.get(principal) ?? []), ...permissions]));
    }
    const seen = new Set<string>();
    for (const entry of vault.accessPolicies) {
      const principal = entry.objectId.toLowerCase();
      const where = `vault ${vault.name}, principal ${principal}`;
      if (seen.has(principal)) {
        found.push({ kind: 'duplicate', thing: 'access-policy', detail: `${where}: more than one entry` });
        continue;
      }
      seen.add(principal);
      const want = expected.get(principal);
      const have = lowerSet(entry.permissions.secrets);
      if (!want) {
        found.push({
          kind: 'orphan',
          thing: 'access-policy',
          detail: `${where}: entry [${sorted(have)}] not called for`,
        });
        continue;
      }
      const extra = [...have].filter((p) => !want.has(p));
      const lacking = [...want].filter((p) => !have.has(p));
      // A permission that was there before logicops came is someone else's: losing it is a foreign change.
      const seeded = lowerSet(before.get(principal)?.permissions.secrets);
      const lostSeeded = lacking.filter((p) => seeded.has(p));
      const lostGranted = lacking.filter((p) => !seeded.has(p));
      if (extra.length) {
        found.push({
          kind: 'orphan',
          thing: 'access-policy',
          detail: `${where}: permissions [${sorted(extra)}] not called for`,
        });
      }
      if (lostGranted.length) {
        found.push({
          kind: 'missing',
          thing: 'access-policy',
          detail: `${where}: permissions [${sorted(lostGranted)}] missing`,
        });
      }
      if (lostSeeded.length) {
        found.push({
          kind: 'foreign',
          thing: 'access-policy',
          detail: `${where}: pre-existing permissions [${sorted(lostSeeded)}] removed`,
        });
      }
      // Categories logicops never writes must be exactly as they were.
      const old = before.get(principal)?.permissions ?? {};
      for (const category of ['keys', 'certificates', 'storage'] as const) {
        if (sorted(lowerSet(old[category])) !== sorted(lowerSet(entry.permissions[category]))) {
          found.push({
            kind: 'foreign',
            thing: 'access-policy',
            detail: `${where}: ${category} permissions changed`,
          });
        }
      }
    }
    for (const principal of expected.keys()) {
      if (!seen.has(principal)) {
        found.push({
          kind: before.has(principal) ? 'foreign' : 'missing',
          thing: 'access-policy',
          detail: `vault ${vault.name}, principal ${principal}: no entry${before.has(principal) ? ' (it was there before)' : ''}`,
        });
      }
    }
  }
  for (const [vaultKey, vault] of Object.entries(baseline.vaults)) {
    if (!state.vaults[vaultKey]) {
      found.push({ kind: 'foreign', thing: 'access-policy', detail: `vault ${vault.name} was deleted` });
    }
  }
  return found;
}

function judgeRoleAssignments(input: OracleInput): Discrepancy[] {
  const { state, baseline } = input;
  const found: Discrepancy[] = [];
  const tuple = (scope: string, role: string, principal: string) =>
    `${armKey(scope)}|${role.toLowerCase()}|${principal.toLowerCase()}`;
  const expected = new Set(
    expectedGrants(input)
      .filter((g) => g.model === 'RBAC')
      .map((g) => tuple(g.scope, SECRETS_USER_ROLE_GUID, g.principalId)),
  );
  const actual = new Map<string, string[]>();
  for (const [key, assignment] of Object.entries(state.roleAssignments)) {
    if (baseline.roleAssignments[key]) continue;
    const role = assignment.roleDefinitionId.split('/').pop() ?? '';
    const t = tuple(assignment.scope, role, assignment.principalId);
    actual.set(t, [...(actual.get(t) ?? []), assignment.name]);
  }
  for (const [t, names] of actual) {
    const [scope, role, principal] = t.split('|');
    const where = `role ${role} for ${principal} at ${scope}`;
    if (names.length > 1) {
      found.push({
        kind: 'duplicate',
        thing: 'role-assignment',
        detail: `${where}: ${names.length} assignments`,
      });
    }
    if (!expected.has(t))
      found.push({ kind: 'orphan', thing: 'role-assignment', detail: `${where}: not called for` });
  }
  for (const t of expected) {
    if (!actual.has(t)) {
      const [scope, , principal] = t.split('|');
      found.push({
        kind: 'missing',
        thing: 'role-assignment',
        detail: `Secrets User for ${principal} at ${scope}: absent`,
      });
    }
  }
  // Seeded assignments are not logicops' to remove.
  for (const key of Object.keys(baseline.roleAssignments)) {
    if (!state.roleAssignments[key]) {
      found.push({
        kind: 'foreign',
        thing: 'role-assignment',
        detail: `pre-existing assignment ${key} was deleted`,
      });
    }
  }
  return found;
}
