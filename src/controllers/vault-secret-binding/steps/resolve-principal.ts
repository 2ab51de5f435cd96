// The principal to grant is the one the workflow controller vouches for
// (shared/grants/vouched-principal.ts). A grant whose principal is no longer vouched for — the
// workflow is going away or gone, left the namespace policy, lost its ownership or its
// identity — is revoked here first.
import type { Outcome } from '../../shared/frame/outcome.ts';
import { resolveVouchedPrincipal } from '../../shared/grants/vouched-principal.ts';
import type { BindingRun } from '../context.ts';
import { adoptLegacyLedger } from '../ledger/legacy-ledger.ts';
import { revokeGrant } from '../revoke/revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = (run) =>
  resolveVouchedPrincipal(
    run,
    () => revokeRecorded(run),
    (identity) => adoptLegacyLedger(run, identity),
  );

/**
 * Revokes what the ledger records (after an add of ours still in flight settled): whether there
 * was one, or the outcome that held the revoke back (paused).
 */
async function revokeRecorded(run: BindingRun): Promise<{ revoked: boolean; heldBack?: Outcome }> {
  await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
  const record = run.record;
  if (!record) return { revoked: false };
  const heldBack = await run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record));
  return heldBack ? { revoked: false, heldBack } : { revoked: true };
}
