// RBAC mode: Key Vault Secrets User on the ONE secret's scope, principalType ServicePrincipal,
// under logicops' deterministic name with a description marking it as logicops'. An assignment
// that already grants the same thing under another name is used and recorded, but it is not
// logicops' and is never deleted (its name differs from the deterministic one). Callers hold
// the vault lock. (A Granted binding whose assignment the vault's shared listing still shows
// is settled before the lock, by rbac-settled.ts, with the same conclusion as here.)
import type { RoleAssignment } from '../../../azure/index.ts';
import { AccessModel, GrantPhase, type GrantRecord } from '../../../crds/index.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import { ROLE_ASSIGNMENTS_QUOTA, roleAssignmentQuota } from '../../shared/grants/role-assignment-quota.ts';
import { pausedWrite } from '../../shared/grants/write-refusals.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { BindingRun, Principal } from '../context.ts';
import {
  hasAccessPolicyPart,
  type RoleAssignmentTarget,
  roleAssignmentTarget,
  sameGrantRecord,
  vaultCoordinates,
} from '../plan/grant-model.ts';
import { revokeAccessPolicyPart } from '../revoke/revoke.ts';

export async function ensureRoleAssignmentGrant(
  run: BindingRun,
  principal: Required<Principal>,
): Promise<Outcome | undefined> {
  const { roleAssignments } = run.gateways();
  const target = roleAssignmentTarget(run.spec.vaultId, run.spec.secretName, principal.principalId);
  const record = run.record;
  const recordedName =
    record?.roleAssignmentName && record.principalId.toLowerCase() === principal.principalId.toLowerCase()
      ? record.roleAssignmentName
      : undefined;
  const present = await findPresent(run, target.scope, [recordedName, target.name]);
  const leftoverPolicy = hasAccessPolicyPart(record) ? record : undefined;

  const granted = (assignment: RoleAssignment): GrantRecord =>
    grantedRecord(run, principal, target, assignment);
  if (present && !leftoverPolicy) {
    await noteQuota(run, false);
    if (!sameGrantRecord(record, granted(present))) await run.writeLedger(granted(present));
    return undefined;
  }
  if (run.paused) {
    return pausedWrite(
      run,
      present
        ? 'would revoke the access policy of the previous access model'
        : 'would create the role assignment',
    );
  }
  if (!present) {
    const overQuota = await noteQuota(run, true);
    if (overQuota) return overQuota;
  }

  // Write-ahead: the deterministic name is recorded before the PUT, alongside anything of the
  // previous model still to revoke.
  await run.writeLedger({
    ...granted({ name: recordedName ?? target.name } as RoleAssignment),
    phase: GrantPhase.Intended,
    ...(leftoverPolicy
      ? {
          permissionsAdded: leftoverPolicy.permissionsAdded,
          permissionsPreExisting: leftoverPolicy.permissionsPreExisting,
        }
      : {}),
  });
  const assignment =
    present ??
    (
      await roleAssignments.ensure(
        {
          scope: target.scope,
          roleDefinitionId: target.roleDefinitionId,
          principalId: principal.principalId,
          owner: run.owner,
        },
        { signal: run.signal },
      )
    ).assignment;
  if (!present)
    run.shared.roleAssignmentCounts?.noteCreated(vaultCoordinates(run.spec.vaultId).subscriptionId);
  if (leftoverPolicy) await revokeAccessPolicyPart(run, leftoverPolicy);
  await run.writeLedger(granted(assignment));
  await announce(run, record, assignment, target.name, Boolean(leftoverPolicy), !present);
  return undefined;
}

/** The ledger of this binding's RBAC grant through `assignment`. */
export function grantedRecord(
  run: BindingRun,
  principal: Required<Principal>,
  target: RoleAssignmentTarget,
  assignment: Pick<RoleAssignment, 'name'>,
): GrantRecord {
  return {
    phase: GrantPhase.Granted,
    principalId: principal.principalId,
    tenantId: principal.tenantId,
    vaultId: run.spec.vaultId,
    accessModel: AccessModel.RBAC,
    roleAssignmentName: assignment.name,
    roleAssignmentScope: target.scope,
  };
}

/** The first of `names` that exists at `scope` (the recorded one first, then logicops' own). */
async function findPresent(
  run: BindingRun,
  scope: string,
  names: Array<string | undefined>,
): Promise<RoleAssignment | undefined> {
  const { roleAssignments } = run.gateways();
  for (const name of new Set(names.filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase()))) {
    const found = await roleAssignments.get(scope, name, { signal: run.signal });
    if (found) return found;
  }
  return undefined;
}

/**
 * Role assignments used in the subscription (shared/grants/role-assignment-quota.ts, one budget
 * with the WorkflowRoleAssignments). Returns the outcome of a create that would exceed the limit.
 */
export async function noteQuota(run: BindingRun, creating: boolean): Promise<Outcome | undefined> {
  const { subscriptionId } = vaultCoordinates(run.spec.vaultId);
  const { quota, exceeded } = await roleAssignmentQuota({
    subscriptionId,
    limit: run.shared.settings.quota.roleAssignmentsPerSubscription,
    known: run.object.status?.quota?.find((q) => q.name === ROLE_ASSIGNMENTS_QUOTA),
    creating,
    actorKey: run.actorKey,
    counts: run.shared.roleAssignmentCounts,
    fresh: hasUnhandledReconcileRequest(run.object),
    countNow: () => run.gateways().roleAssignments.countInSubscription({ signal: run.signal }),
  });
  run.observed.quota = quota;
  if (exceeded) run.observed.quotaExceeded = true;
  return exceeded;
}

async function announce(
  run: BindingRun,
  before: GrantRecord | undefined,
  assignment: RoleAssignment,
  ownName: string,
  migrated: boolean,
  created: boolean,
): Promise<void> {
  const ours = assignment.name.toLowerCase() === ownName;
  if (migrated) {
    await run.event(
      'Normal',
      'GrantMigrated',
      'Grant',
      'Migrated the grant to RBAC and revoked the access policy',
    );
  } else if (created && before?.phase === GrantPhase.Granted && before.accessModel === AccessModel.RBAC) {
    await run.event(
      'Warning',
      'GrantRestored',
      'Grant',
      `Role assignment was deleted outside logicops; restored ${assignment.name}`,
    );
  } else if (created && ours) {
    await run.event(
      'Normal',
      'Granted',
      'Grant',
      `Assigned Key Vault Secrets User on the secret (${assignment.name})`,
    );
  } else if (created) {
    await run.event(
      'Normal',
      'Granted',
      'Grant',
      `An assignment granting the same access already exists (${assignment.name}); using it, and leaving it in place on revoke`,
    );
  }
}
