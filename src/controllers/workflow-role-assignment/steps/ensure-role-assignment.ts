// Makes Azure hold exactly the role assignment the spec asks for: the resolved role at exactly
// spec.scope for the vouched principal, `principalType: ServicePrincipal`, under logicops'
// deterministic name with a description that marks it as logicops'. At steady state this is one
// GET and no write. A record of another grant (another principal after an identity change, or a
// re-created object that named another scope) is revoked first, from the record. A missing
// assignment that the record says was granted is drift: restored, with a Warning Event.
import type { RoleAssignment, RoleAssignmentGateway } from '../../../azure/index.ts';
import { grantsExactly } from '../../../azure/index.ts';
import { GrantPhase, type RoleGrantRecord } from '../../../crds/index.ts';
import { ROLE_ASSIGNMENTS_QUOTA, roleAssignmentQuota } from '../../shared/grants/role-assignment-quota.ts';
import { pausedWrite } from '../../shared/grants/write-refusals.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { RoleGrantRun } from '../context.ts';
import { roleDefinitionIdIn } from '../plan/role-choice.ts';
import { type RoleTarget, recordsTarget, roleTarget, subscriptionOf } from '../plan/role-target.ts';
import { revokeRoleGrant } from '../revoke.ts';
import type { Step } from './step.ts';

export const ensureRoleAssignment: Step = async (run) => {
  const { principal, role } = run;
  if (!principal || !role)
    throw new Error('ensureRoleAssignment runs after resolvePrincipal and the role check');
  const subscriptionId = subscriptionOf(run.spec.scope);
  const target = roleTarget(run.spec.scope, roleDefinitionIdIn(subscriptionId, role), principal.principalId);
  const before = run.record;
  if (before && !recordsTarget(before, target)) {
    const heldBack = await revokeRoleGrant(run, before);
    if (heldBack) return heldBack;
  }
  const record = run.record;
  const { roleAssignments } = run.gatewaysIn(subscriptionId);
  const present = await findPresent(run, roleAssignments, target, [record?.roleAssignmentName, target.name]);
  const granted = (name: string): RoleGrantRecord => ({
    phase: GrantPhase.Granted,
    principalId: principal.principalId,
    ...(principal.tenantId ? { tenantId: principal.tenantId } : {}),
    workflowName: run.spec.workflowRef.name,
    scope: run.spec.scope,
    roleDefinitionId: target.roleDefinitionId,
    roleAssignmentName: name,
  });
  if (present) {
    await noteQuota(run, subscriptionId, false);
    const wanted = granted(present.name);
    if (!sameRecord(record, wanted)) await run.writeRecord(wanted);
    return undefined;
  }
  if (run.paused) return pausedWrite(run, 'would create the role assignment');
  const overQuota = await noteQuota(run, subscriptionId, true);
  if (overQuota) return overQuota;
  // Write-ahead: the deterministic name is recorded before the PUT.
  await run.writeRecord({ ...granted(target.name), phase: GrantPhase.Intended });
  const { assignment, ownedByLogicops } = await roleAssignments.ensure(
    {
      scope: target.scope,
      roleDefinitionId: target.roleDefinitionId,
      principalId: target.principalId,
      owner: run.owner,
    },
    { signal: run.signal },
  );
  run.shared.roleAssignmentCounts.noteCreated(subscriptionId);
  await run.writeRecord(granted(assignment.name));
  if (record?.phase === GrantPhase.Granted) {
    await run.event(
      'Warning',
      'GrantRestored',
      'Grant',
      `Role assignment was deleted outside logicops; restored ${assignment.name}`,
    );
  } else {
    await run.event(
      'Normal',
      'Granted',
      'Grant',
      ownedByLogicops
        ? `Assigned ${role.name} on ${target.scope} (${assignment.name})`
        : `An assignment granting ${role.name} on ${target.scope} already exists (${assignment.name}); using it, and leaving it in place on revoke`,
    );
  }
  return undefined;
};

/** The first of `names` that exists at the scope and grants exactly the target (the recorded one first). */
async function findPresent(
  run: RoleGrantRun,
  roleAssignments: RoleAssignmentGateway,
  target: RoleTarget,
  names: Array<string | undefined>,
): Promise<RoleAssignment | undefined> {
  for (const name of new Set(names.filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase()))) {
    const found = await roleAssignments.get(target.scope, name, { signal: run.signal });
    if (found && grantsExactly(found, target.scope, target.roleDefinitionId, target.principalId))
      return found;
  }
  return undefined;
}

async function noteQuota(run: RoleGrantRun, subscriptionId: string, creating: boolean) {
  const { quota, exceeded } = await roleAssignmentQuota({
    subscriptionId,
    limit: run.shared.settings.roleAssignmentsPerSubscription,
    known: run.object.status?.quota?.find((q) => q.name === ROLE_ASSIGNMENTS_QUOTA),
    creating,
    actorKey: run.actorKey,
    counts: run.shared.roleAssignmentCounts,
    fresh: hasUnhandledReconcileRequest(run.object),
    countNow: () =>
      run.gatewaysIn(subscriptionId).roleAssignments.countInSubscription({ signal: run.signal }),
  });
  run.observed.quota = quota;
  if (exceeded) run.observed.quotaExceeded = true;
  return exceeded;
}

function sameRecord(a: RoleGrantRecord | undefined, b: RoleGrantRecord): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof RoleGrantRecord>;
  return [...keys].every((key) => a[key] === b[key]);
}
