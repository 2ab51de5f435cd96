// The steady-state check of an RBAC grant, made before (and instead of) taking the vault lock
// (issue 12). A binding whose ledger says Granted looks for its recorded assignment in the
// vault's shared listing of role assignments (vault-reads.ts: one listing serves every binding
// of the vault acting as the same Azure identity for a few seconds). When the listing shows exactly the recorded grant, the pass
// concludes what the locked path would conclude from its GET of the assignment: nothing to
// write, nothing to record. Everything else — no ledger yet, a grant in flight, another
// principal, a model switch, a listing without the assignment, a reconcile request — goes to
// the locked path (rbac-grant.ts), which decides on a read made under the lock.
//
// Why outside the lock: the lock serialises a vault's bindings, so a resync slot that brings
// them due together took longer than the shared reads live, and each binding paid its own GET.
import { grantsExactly } from '../../../azure/index.ts';
import { AccessModel, GrantPhase } from '../../../crds/index.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { BindingRun, Principal } from '../context.ts';
import { hasAccessPolicyPart, roleAssignmentTarget, sameGrantRecord } from '../plan/grant-model.ts';
import { grantedRecord, noteQuota } from './rbac-grant.ts';

/** True when the RBAC grant is in place as recorded (the pass needs nothing more from the grant step). */
export async function rbacGrantSettled(run: BindingRun, principal: Required<Principal>): Promise<boolean> {
  const record = run.record;
  if (record?.phase !== GrantPhase.Granted || record.accessModel !== AccessModel.RBAC) return false;
  if (!record.roleAssignmentName || hasAccessPolicyPart(record)) return false;
  // A reconcile request asks for a look at Azure now, not at a listing another binding made.
  if (hasUnhandledReconcileRequest(run.object)) return false;
  const target = roleAssignmentTarget(run.spec.vaultId, run.spec.secretName, principal.principalId);
  // The ledger must already be the one a grant in place would leave (same principal, tenant,
  // scope), or the locked path has work to do whatever the listing says.
  const recorded = grantedRecord(run, principal, target, { name: record.roleAssignmentName });
  if (!sameGrantRecord(record, recorded)) return false;
  const listed = await run.shared.vaultReads.roleAssignments(
    run.actorKey,
    run.gateways().roleAssignments,
    run.spec.vaultId,
    run.signal,
  );
  const name = record.roleAssignmentName.toLowerCase();
  const present = listed.find(
    (assignment) =>
      assignment.name.toLowerCase() === name &&
      grantsExactly(assignment, target.scope, target.roleDefinitionId, principal.principalId),
  );
  if (!present || !sameGrantRecord(record, grantedRecord(run, principal, target, present))) return false;
  // The locked path's bookkeeping for a grant in place: the quota figure status already has.
  await noteQuota(run, false);
  return true;
}
