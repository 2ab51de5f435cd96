// Reads the vault: which access model applies now, the secret URI to publish, and whether the
// secret exists yet (its value is never read). A missing vault or secret is waited for: the
// team that provisions it may not be done yet. Both reads are shared with the other bindings of
// the vault that act as the same Azure identity, for a few seconds (vault-reads.ts): observation
// only, never a write decision.
import { Reason } from '../../../crds/index.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import { effectiveAccessModel, secretUriOf } from '../plan/grant-model.ts';
import type { Step } from './step.ts';

export const observeVault: Step = async (run) => {
  const { vaults } = run.gateways();
  const ref = run.vaultRef();
  const reads = run.shared.vaultReads;
  // A reconcile request asks for a look at Azure now, not at a read another binding made.
  const now = hasUnhandledReconcileRequest(run.object);
  const vault = now
    ? await reads.fresh(run.actorKey, vaults, run.spec.vaultId, ref, run.signal)
    : await reads.vault(run.actorKey, vaults, run.spec.vaultId, ref, run.signal);
  if (!vault) {
    return {
      kind: 'waiting',
      reason: Reason.WaitingForSecret,
      message: `Key Vault ${run.spec.vaultId} does not exist (yet)`,
      afterMs: run.shared.settings.waitingRequeueMs,
    };
  }
  run.vault = vault;
  run.observed.accessModel = effectiveAccessModel(run.spec.accessModel, vault.enableRbacAuthorization);
  if (vault.vaultUri) run.observed.secretUri = secretUriOf(vault.vaultUri, run.spec.secretName);
  if (
    !(await reads.secretExists(
      run.actorKey,
      vaults,
      run.spec.vaultId,
      ref,
      run.spec.secretName,
      run.signal,
      now,
    ))
  ) {
    return {
      kind: 'waiting',
      reason: Reason.WaitingForSecret,
      message: `Secret ${run.spec.secretName} does not exist in vault ${vault.name} yet`,
      afterMs: run.shared.settings.waitingRequeueMs,
    };
  }
  return undefined;
};
