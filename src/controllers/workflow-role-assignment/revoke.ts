// Revocation: exactly the assignment the record names, addressed from the record (its scope,
// role, principal and name), never from the spec: which is what a re-created object under the
// same name, a changed principal or a narrowed policy all rely on. Revoking is recorded before
// the delete and the record cleared after it, so a crash in between leaves a record to finish
// from. An assignment logicops did not create (another name) is never deleted, and neither is
// one another record still holds (shared/grants/assignment-holders.ts).
import type { RoleGrantRecord } from '../../crds/index.ts';
import { GrantPhase } from '../../crds/index.ts';
import type { Outcome } from '../shared/frame/outcome.ts';
import { roleAssignmentHeldByOthers } from '../shared/grants/assignment-holders.ts';
import { goneIsDone } from '../shared/grants/gone-is-done.ts';
import { pausedWrite } from '../shared/grants/write-refusals.ts';
import type { RoleGrantRun } from './context.ts';
import { isOwnAssignment, subscriptionOf } from './plan/role-target.ts';

/** Deletes the recorded assignment (when it is logicops' and no one else's) and clears the record; an outcome when paused. */
export async function revokeRoleGrant(
  run: RoleGrantRun,
  record: RoleGrantRecord,
): Promise<Outcome | undefined> {
  if (run.paused) return pausedWrite(run, 'would delete the role assignment');
  if (record.phase !== GrantPhase.Revoking) await run.writeRecord({ ...record, phase: GrantPhase.Revoking });
  const ours = isOwnAssignment(record);
  const shared =
    ours &&
    roleAssignmentHeldByOthers(run.shared.records, record.roleAssignmentName, record.principalId, run.ref);
  if (ours && !shared) {
    const { roleAssignments } = run.gatewaysIn(subscriptionOf(record.scope));
    await goneIsDone(
      roleAssignments.delete(record.scope, record.roleAssignmentName, { signal: run.signal }),
      undefined,
    );
  }
  await run.writeRecord(undefined);
  const what = !ours
    ? `role assignment ${record.roleAssignmentName} was not made by logicops and stays`
    : shared
      ? `role assignment ${record.roleAssignmentName} stays: another logicops object still grants the same`
      : `deleted role assignment ${record.roleAssignmentName} on ${record.scope}`;
  await run.event(
    'Normal',
    'Revoked',
    'Revoke',
    `Revoked the grant of principal ${record.principalId}: ${what}`,
  );
  return undefined;
}

/** Revokes what the record holds, if anything: whether there was a grant, or the outcome that held it back. */
export async function revokeRecorded(run: RoleGrantRun): Promise<{ revoked: boolean; heldBack?: Outcome }> {
  const record = run.record;
  if (!record) return { revoked: false };
  const heldBack = await revokeRoleGrant(run, record);
  return heldBack ? { revoked: false, heldBack } : { revoked: true };
}
