// The principal to grant is the one the workflow controller vouches for
// (shared/grants/vouched-principal.ts). A grant whose principal is no longer vouched for — the
// workflow is going away or gone, left the namespace policy, lost its ownership or its
// identity — is revoked here first.
import type { Outcome } from '../../shared/frame/outcome.ts';
import { lookUpPrincipal } from '../../shared/grants/vouched-principal.ts';
import type { BindingRun } from '../context.ts';
import { adoptLegacyLedger } from '../ledger/legacy-ledger.ts';
import { revokeGrant } from '../revoke/revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = async (run) => {
  const namespace = run.object.metadata.namespace ?? '';
  const lookup = lookUpPrincipal(run.shared, namespace, run.spec.workflowRef.name);
  await adoptLegacyLedger(run, lookup.identity);
  if (lookup.kind === 'unavailable') {
    const revoke = await revokeRecorded(run);
    if (revoke.heldBack) return revoke.heldBack;
    return lookup.waiting(revoke.revoked);
  }
  const { identity } = lookup;
  run.principal = {
    principalId: identity.principalId,
    ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
  };
  run.observed.principalId = identity.principalId;
  const grantedBefore =
    run.record?.phase === 'Granted' &&
    run.record.principalId.toLowerCase() === identity.principalId.toLowerCase();
  const ageMs = run.shared.principals.ageMs(identity.principalId, identity.principalObservedAt);
  run.principalIsNew = ageMs < run.shared.principals.windowMs && !grantedBefore;
  run.principalAgeMs = ageMs;
  return undefined;
};

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
