// Revocation: exactly what the ledger says logicops granted, and nothing another binding still
// needs. The Revoking phase is recorded before the first Azure write, and the ledger is cleared
// only after every write succeeded, so a crash in between leaves a record to finish from.
// Everything is addressed from the record (its vault, principal, scope), which only logicops
// writes — not from the spec, which may name another vault by now (a binding re-created under
// the same name). Callers hold the lock of the record's vault.
import { sameResourceId } from '../../../azure/index.ts';
import { GrantPhase, type GrantRecord } from '../../../crds/index.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import { roleAssignmentHeldByOthers } from '../../shared/grants/assignment-holders.ts';
import { goneIsDone } from '../../shared/grants/gone-is-done.ts';
import { pausedWrite } from '../../shared/grants/write-refusals.ts';
import type { BindingRun } from '../context.ts';
import {
  hasAccessPolicyPart,
  hasRoleAssignmentPart,
  isOwnRoleAssignment,
  vaultCoordinates,
} from '../plan/grant-model.ts';
import { planAccessPolicyRevoke, sharedEntryView } from '../plan/permissions-math.ts';
import { removeConfirmed } from './removal-confirmation.ts';

/** Revokes the whole recorded grant and clears the ledger; an outcome when it must not (paused). */
export async function revokeGrant(run: BindingRun, record: GrantRecord): Promise<Outcome | undefined> {
  if (run.paused) return pausedWrite(run, 'would revoke the grant');
  if (record.phase !== GrantPhase.Revoking) await run.writeLedger({ ...record, phase: GrantPhase.Revoking });
  const removed = hasAccessPolicyPart(record) ? await revokeAccessPolicyPart(run, record) : [];
  const deleted = hasRoleAssignmentPart(record) ? await revokeRoleAssignmentPart(run, record) : false;
  await run.writeLedger(undefined);
  const what = [
    removed.length > 0 ? `removed ${removed.join(', ')} from the access policy` : '',
    deleted ? `deleted role assignment ${record.roleAssignmentName}` : '',
  ].filter(Boolean);
  await run.event(
    'Normal',
    'Revoked',
    'Revoke',
    what.length > 0
      ? `Revoked the grant of principal ${record.principalId}: ${what.join('; ')}`
      : `Cleared the grant record of principal ${record.principalId}; nothing of logicops' was left to remove`,
  );
  return undefined;
}

/**
 * Removes what the record says this binding added to the access policy, minus what other
 * bindings still need and what was there before. Returns the permissions removed.
 */
export async function revokeAccessPolicyPart(run: BindingRun, record: GrantRecord): Promise<string[]> {
  // Planned afresh on every pass of a confirmation: a binding that started needing one of these
  // permissions meanwhile (its Intended record comes before its add) takes it out of the removal.
  const shared = sharedEntryView(run.otherLedgers(record.principalId), record.principalId, record.vaultId);
  const toRemove = planAccessPolicyRevoke(record, shared);
  if (toRemove.length === 0) return [];
  const vault = recordedVault(run, record);
  const observedTenant =
    run.vault && sameResourceId(run.vault.id, record.vaultId) ? run.vault.tenantId : undefined;
  const tenantId = record.tenantId ?? observedTenant ?? '';
  // Confirmed by reads that agree when the grant may be too recent for one remove to take
  // (removal-confirmation.ts); a pass that must wait for the next read ends here, Revoking.
  const target = { vaultId: record.vaultId, ref: vault.ref, gateways: vault.gateways };
  return goneIsDone(
    removeConfirmed(run, target, { tenantId, objectId: record.principalId }, toRemove).then(() => toRemove),
    [],
  );
}

/**
 * Deletes the recorded role assignment when it is logicops' (deterministic name) and no other
 * record uses the same one (shared/grants/assignment-holders.ts). An assignment someone else made is never deleted.
 * Returns whether a delete was sent.
 */
export async function revokeRoleAssignmentPart(run: BindingRun, record: GrantRecord): Promise<boolean> {
  const name = record.roleAssignmentName;
  const scope = record.roleAssignmentScope;
  if (!name || !scope || !isOwnRoleAssignment(record)) return false;
  // Another binding's grant, or a WorkflowRoleAssignment of the same role on the same secret.
  const { namespace, name: bindingName } = run.bindingName;
  const stillUsed = roleAssignmentHeldByOthers(run.shared.ledgers.records, name, record.principalId, {
    kind: 'grant',
    namespace,
    name: bindingName,
  });
  if (stillUsed) return false;
  try {
    const { gateways } = recordedVault(run, record);
    await goneIsDone(gateways.roleAssignments.delete(scope, name, { signal: run.signal }), undefined);
  } finally {
    // The vault's shared listing of role assignments no longer holds (vault-reads.ts).
    run.shared.vaultReads.deletedRoleAssignment(record.vaultId);
  }
  return true;
}

/** The vault the record names, and the gateways of its subscription. */
function recordedVault(run: BindingRun, record: GrantRecord) {
  const { subscriptionId, resourceGroup, name } = vaultCoordinates(record.vaultId);
  return { gateways: run.gatewaysIn(subscriptionId), ref: { resourceGroup, name } };
}
