// The bench's WorkflowRoleAssignments (issue 24), as plain data and pure judgements: G grants per
// workflow, each a Service Bus data role on one of G queues of the run's Service Bus namespace;
// the namespace-policy annotations that allow exactly that; the role-assignment writes the
// emulator saw for them (told from the bindings' by scope); and the issue's targets — writes per
// grant ≤ 1.05, 0 writes at steady state, one role-assignment budget per subscription shared
// with the RBAC bindings, which status.quota reports as Azure counts it. run.ts does the I/O.
import type { Exchange } from '@logicops/azure-emulator';
import { API_VERSION } from '../src/crds/api-group.ts';
import {
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  RECONCILE_REQUEST_ANNOTATION,
} from '../src/vocabulary.ts';
import { ROLE_ASSIGNMENT_WRITE } from './arm-figures.ts';
import type { Manifest } from './manifest.ts';
import type { TargetCheck } from './target-check.ts';

/** Data-plane built-in roles the grants alternate between (src/azure/built-in-roles.ts). */
export const ROLE_GRANT_ROLES = ['Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender'] as const;

/** Issue 24's target for role-assignment PUTs per grant (as issue 12's for RBAC bindings). */
export const WRITES_PER_GRANT_TARGET = 1.05;

/** Where the grants point: one Service Bus namespace per run, one queue per grant index. */
export interface RoleGrantTargets {
  namespaceId: string;
  namespaceName: string;
  location: string;
  /** ARM ids of the queues, grant index j → queueIds[j]. */
  queueIds: string[];
  /** One more queue, for the probe grant made after the steady state (probeGrantManifest). */
  probeQueueId: string;
}

/**
 * Service Bus namespace names are global DNS names of 6–50 characters (letters, digits,
 * hyphens; a letter first): the run's Kubernetes namespace is unique per run and fits.
 */
export function serviceBusNamespaceName(kubernetesNamespace: string): string {
  return `${kubernetesNamespace}-sb`.slice(0, 50).replace(/-+$/, '');
}

export function roleGrantTargets(
  subscriptionId: string,
  resourceGroup: string,
  location: string,
  kubernetesNamespace: string,
  grantsPerWorkflow: number,
): RoleGrantTargets {
  const namespaceName = serviceBusNamespaceName(kubernetesNamespace);
  const namespaceId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ServiceBus/namespaces/${namespaceName}`;
  return {
    namespaceId,
    namespaceName,
    location,
    queueIds: Array.from({ length: grantsPerWorkflow }, (_, j) => `${namespaceId}/queues/bench-q-${j}`),
    probeQueueId: `${namespaceId}/queues/bench-q-probe`,
  };
}

/** The namespace policy that allows these grants and nothing more (default deny otherwise). */
export function roleGrantPolicy(targets: RoleGrantTargets): Record<string, string> {
  return {
    [ALLOWED_ROLE_SCOPES_ANNOTATION]: targets.namespaceId,
    [ALLOWED_ROLES_ANNOTATION]: ROLE_GRANT_ROLES.join(', '),
  };
}

/** Grant j of a workflow: queue j, the roles in turn, so each grant is its own assignment. */
export function roleGrantManifests(
  workflowName: string,
  namespace: string,
  targets: RoleGrantTargets,
): Manifest[] {
  return targets.queueIds.map((scope, j) => ({
    apiVersion: API_VERSION,
    kind: 'WorkflowRoleAssignment',
    metadata: { name: `${workflowName}-r${j}`, namespace },
    spec: {
      workflowRef: { name: workflowName },
      scope,
      role: ROLE_GRANT_ROLES[j % ROLE_GRANT_ROLES.length] ?? ROLE_GRANT_ROLES[0],
    },
  }));
}

/**
 * One grant made after the steady-state window, asking for a fresh count (the reconcile-request
 * annotation: no shared listing): its status.quota is the subscription's count as it makes the
 * last assignment, which Azure's own count must equal. The others' figures are each counted at
 * their own create, while others were in flight, so only the largest says much of the total.
 */
export function probeGrantManifest(
  workflowName: string,
  namespace: string,
  targets: RoleGrantTargets,
): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'WorkflowRoleAssignment',
    metadata: {
      name: `${workflowName}-probe`,
      namespace,
      annotations: { [RECONCILE_REQUEST_ANNOTATION]: 'bench-probe' },
    },
    spec: { workflowRef: { name: workflowName }, scope: targets.probeQueueId, role: ROLE_GRANT_ROLES[0] },
  };
}

const ROLE_ASSIGNMENTS_SEGMENT = '/providers/microsoft.authorization/roleassignments/';

/** The scope of a role-assignment path (lower case), or undefined for any other path. */
export function roleAssignmentScopeOf(path: string): string | undefined {
  const lower = path.toLowerCase();
  const at = lower.indexOf(ROLE_ASSIGNMENTS_SEGMENT);
  return at < 0 ? undefined : lower.slice(0, at);
}

/** Role-assignment requests on the grants' scopes, by the emulator's observer (counts, no bodies). */
export interface RoleGrantArmCounts {
  /** PUTs (429s included, as every bench write count). */
  writes: number;
  deletes: number;
  reads: number;
}

/**
 * Counts the role-assignment requests whose scope lies under the grants' Service Bus namespace:
 * the bindings' assignments sit on Key Vault secrets, so the two kinds' writes are told apart by
 * scope, not by operation name (both are Microsoft.Authorization/roleAssignments/write).
 */
export class RoleGrantTally {
  readonly #prefix: string;
  #counts: RoleGrantArmCounts = { writes: 0, deletes: 0, reads: 0 };

  constructor(targets: Pick<RoleGrantTargets, 'namespaceId'>) {
    this.#prefix = targets.namespaceId.toLowerCase();
  }

  observe(exchange: Pick<Exchange, 'plane' | 'method' | 'path' | 'routeOperation'>): void {
    if (exchange.plane !== 'arm') return;
    const scope = roleAssignmentScopeOf(exchange.path);
    if (scope === undefined || !(scope === this.#prefix || scope.startsWith(`${this.#prefix}/`))) return;
    const method = exchange.method.toUpperCase();
    if (exchange.routeOperation === ROLE_ASSIGNMENT_WRITE) this.#counts.writes++;
    else if (method === 'DELETE') this.#counts.deletes++;
    else if (method === 'GET' || method === 'HEAD') this.#counts.reads++;
  }

  snapshot(): RoleGrantArmCounts {
    return { ...this.#counts };
  }
}

export function roleGrantDelta(before: RoleGrantArmCounts, after: RoleGrantArmCounts): RoleGrantArmCounts {
  return {
    writes: after.writes - before.writes,
    deletes: after.deletes - before.deletes,
    reads: after.reads - before.reads,
  };
}

/** One object's status.quota entry for the subscription's role assignments. */
export interface ReportedQuota {
  kind: 'WorkflowRoleAssignment' | 'VaultSecretBinding';
  name: string;
  scope: string;
  used: number;
  limit: number;
}

/** What Azure (the emulator's state) holds in the subscription at the end of convergence. */
export interface AzureAssignmentCount {
  /** Every role assignment in the subscription, as Azure counts against the limit. */
  total: number;
  /** On the grants' Service Bus scopes. */
  roleGrants: number;
  /** On Key Vault scopes (the RBAC bindings'). */
  bindings: number;
  /** Everything else (the demo world's seeded assignments). */
  other: number;
}

export interface SharedBudgetFigures {
  /** The operator's --quota-role-assignments-per-subscription. */
  limit: number;
  azure: AzureAssignmentCount;
  /** Per kind: how many objects reported the quota, their largest `used`, and the limits and scopes named. */
  reported: Record<
    ReportedQuota['kind'],
    { objects: number; maxUsed: number | undefined; limits: number[]; scopes: string[] }
  >;
  /** Whether the bindings make role assignments (RBAC mode): only then is there a budget to share. */
  shared: boolean;
  /**
   * One budget: both kinds name one limit (the operator's) and one scope (the subscription), no
   * object reports more than Azure holds, and some object's figure is more than either kind's own
   * assignments — its count took in the other kind's. Without RBAC bindings: the grants alone
   * name that limit and scope and report no more than Azure holds.
   */
  oneBudget: boolean;
}

/** Judges the reported quotas of both kinds against the emulator's count (pure). */
export function sharedBudgetFigures(
  subscriptionId: string,
  limit: number,
  azure: AzureAssignmentCount,
  reported: readonly ReportedQuota[],
  /** The bindings grant with role assignments (--model rbac, at least one binding). */
  shared = true,
): SharedBudgetFigures {
  const byKind = (kind: ReportedQuota['kind']) => {
    const mine = reported.filter((q) => q.kind === kind);
    return {
      objects: mine.length,
      maxUsed: mine.length === 0 ? undefined : Math.max(...mine.map((q) => q.used)),
      limits: [...new Set(mine.map((q) => q.limit))].sort((a, b) => a - b),
      scopes: [...new Set(mine.map((q) => q.scope.toLowerCase()))].sort(),
    };
  };
  const grants = byKind('WorkflowRoleAssignment');
  const bindings = byKind('VaultSecretBinding');
  const subscription = `/subscriptions/${subscriptionId}`.toLowerCase();
  const kinds = shared ? [grants, bindings] : [grants];
  const allReport = kinds.every((k) => k.objects > 0);
  const sameLimitAndScope = kinds.every(
    (k) =>
      k.limits.length === 1 && k.limits[0] === limit && k.scopes.length === 1 && k.scopes[0] === subscription,
  );
  const largest = Math.max(grants.maxUsed ?? 0, bindings.maxUsed ?? 0);
  const takesInTheOther = !shared || largest > Math.max(azure.roleGrants, azure.bindings);
  return {
    limit,
    azure,
    reported: { WorkflowRoleAssignment: grants, VaultSecretBinding: bindings },
    shared,
    oneBudget: allReport && sameLimitAndScope && largest <= azure.total && takesInTheOther,
  };
}

/** Sorts the subscription's assignments by the scope they sit on (pure). */
export function countAssignments(
  subscriptionId: string,
  scopes: readonly string[],
  targets: Pick<RoleGrantTargets, 'namespaceId'>,
): AzureAssignmentCount {
  const subscription = `/subscriptions/${subscriptionId}`.toLowerCase();
  const grantPrefix = targets.namespaceId.toLowerCase();
  const count: AzureAssignmentCount = { total: 0, roleGrants: 0, bindings: 0, other: 0 };
  for (const raw of scopes) {
    const scope = raw.toLowerCase();
    if (scope !== subscription && !scope.startsWith(`${subscription}/`)) continue;
    count.total++;
    if (scope === grantPrefix || scope.startsWith(`${grantPrefix}/`)) count.roleGrants++;
    else if (scope.includes('/providers/microsoft.keyvault/vaults/')) count.bindings++;
    else count.other++;
  }
  return count;
}

export interface RoleGrantFigures {
  grants: number;
  /** First create → the last grant's Ready (the watch event). */
  timeToReadyMs: number | undefined;
  converging: RoleGrantArmCounts;
  /** Role-assignment PUTs on the grants' scopes ÷ grants. */
  writesPerGrant: number | undefined;
  steady: RoleGrantArmCounts;
  budget: SharedBudgetFigures;
  /** The probe grant made after the steady state: its status.quota against Azure's count then. */
  probe?: ProbeFigures;
}

export interface ProbeFigures {
  /** Its status.quota used; undefined when it did not become Ready in time. */
  reportedUsed: number | undefined;
  /** Role assignments in the subscription once it was Ready. */
  azureTotal: number;
}

/**
 * Issue 24's targets for the grants, each enforced: a miss fails the run (main.ts), unlike issue
 * 12's, which are reported only. `steadyWrites`: every ARM write in the steady-state window.
 */
export function roleGrantTargetChecks(
  figures: RoleGrantFigures,
  steadyWrites: number | undefined,
): TargetCheck[] {
  const ratio = figures.writesPerGrant;
  const { budget, probe } = figures;
  const checks: TargetCheck[] = [
    {
      name: 'role-assignment writes per grant (issue 24)',
      target: `≤ ${WRITES_PER_GRANT_TARGET}`,
      measured: ratio === undefined ? 'n/a' : ratio.toFixed(3),
      met: ratio === undefined ? undefined : ratio <= WRITES_PER_GRANT_TARGET,
      enforced: true,
    },
    {
      name: 'steady-state ARM writes with grants (issue 24)',
      target: '0',
      measured: steadyWrites === undefined ? 'n/a' : String(steadyWrites),
      met: steadyWrites === undefined ? undefined : steadyWrites === 0,
      enforced: true,
    },
    {
      name: budget.shared
        ? 'grants and RBAC bindings count in one role-assignment budget (issue 24)'
        : "grants count in the subscription's role-assignment budget (issue 24; no RBAC bindings)",
      target: `one, ${budget.limit} per subscription`,
      measured: budget.oneBudget ? 'one' : 'not one',
      met: budget.oneBudget,
      enforced: true,
    },
  ];
  if (probe) {
    checks.push({
      name: "a grant's status.quota used = Azure's count (issue 24)",
      target: String(probe.azureTotal),
      measured: probe.reportedUsed === undefined ? 'n/a' : String(probe.reportedUsed),
      // A probe that never became Ready is a miss too: the run said nothing it can check.
      met: probe.reportedUsed === probe.azureTotal,
      enforced: true,
    });
  }
  return checks;
}
