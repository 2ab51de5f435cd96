// Makes Azure hold exactly the grant the spec asks for, in the vault's current access model,
// under the vault lock. A changed principal (the workflow's identity was replaced) has the old
// principal's grant revoked first; a changed model is granted in the new model first and the
// old one revoked after (inside the mode functions), so access never lapses. A plain
// access-policy add is coalesced with the vault's other pending adds: the pass ends waiting for
// that write, and the next one (enqueued when it settled) learns its result here first.
import { sameResourceId } from '../../../azure/index.ts';
import { AccessModel } from '../../../crds/index.ts';
import { ledgerRelation } from '../plan/grant-model.ts';
import { revokeGrant } from '../revoke/revoke.ts';
import {
  concludeWithoutLock,
  ensureAccessPolicyGrant,
  waitingForVaultWrite,
} from '../write/access-policy-grant.ts';
import { ensureRoleAssignmentGrant } from '../write/rbac-grant.ts';
import { rbacGrantSettled } from '../write/rbac-settled.ts';
import type { Step } from './step.ts';

export const ensureGrant: Step = async (run) => {
  const principal = run.principal;
  const model = run.observed.accessModel;
  if (!principal || !model || !run.vault)
    throw new Error('ensureGrant runs after resolvePrincipal and observeVault');
  const full = { principalId: principal.principalId, tenantId: principal.tenantId ?? run.vault.tenantId };
  // A ledger on another vault (a binding re-created under this name for a new vault) is revoked
  // first, under that vault's lock.
  const elsewhere = run.record;
  if (elsewhere && !sameResourceId(elsewhere.vaultId, run.spec.vaultId)) {
    const heldBack = await run.shared.locks.withVault(elsewhere.vaultId, () => revokeGrant(run, elsewhere));
    if (heldBack) return heldBack;
  }
  // Outside the lock: a binding waiting for its coalesced write must not delay that write.
  const batches = run.shared.accessPolicyBatches;
  const { uid } = run.batchOwner;
  const result = batches.takeResult(uid);
  if (result && !result.ok) throw result.error;
  if (result?.ok) {
    run.batchWrite = { event: result.event };
    // Reads may not show that write for a while: they are waited for, not answered with another add.
    run.shared.consistency.addedFor(uid, run.spec.vaultId);
  }
  if (batches.isPending(uid)) return waitingForVaultWrite(run);
  const record = run.record;
  const samePrincipal =
    !record || ledgerRelation(record, { ...full, vaultId: run.spec.vaultId }) !== 'otherPrincipal';
  // Outside the lock: what the shared read shows as done (or just written for us) needs no lock.
  if (model === AccessModel.AccessPolicy && samePrincipal && (await concludeWithoutLock(run, full))) {
    return undefined;
  }
  // Outside the lock too: an RBAC grant the vault's shared listing shows as recorded needs nothing.
  if (model === AccessModel.RBAC && (await rbacGrantSettled(run, full))) return undefined;
  return run.shared.locks.withVault(run.spec.vaultId, async () => {
    const record = run.record;
    if (record && ledgerRelation(record, { ...full, vaultId: run.spec.vaultId }) === 'otherPrincipal') {
      const heldBack = await revokeGrant(run, record);
      if (heldBack) return heldBack;
    }
    return model === AccessModel.RBAC
      ? ensureRoleAssignmentGrant(run, full)
      : ensureAccessPolicyGrant(run, full);
  });
};
