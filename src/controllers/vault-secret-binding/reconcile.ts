// The VaultSecretBinding kind in the reconcile frame (controllers/shared/frame/reconcile-frame.ts):
// its steps, its status projection and its per-pass state.
//
//   apply:   namespace policy → principal → vault and secret → permissions the vault's model can
//            grant (no `list` under RBAC) → grant → principal propagation hold (the grant is
//            written first, so Ready comes as soon as it ends)
//   cleanup: let a coalesced add of ours settle → move a legacy status ledger into a record →
//            policy Delete: revoke exactly what the record says (under the vault lock);
//            Orphan: keep the grant, forget the record. A failed revoke keeps the finalizer.
//   A vault id or secret name Azure refuses → InvalidSpec: no finalizer, no Azure call (deletion
//   works from the record, whose names the gateways check again).
import type { VaultSecretBinding, VaultSecretBindingStatus } from '../../crds/index.ts';
import type { ReconcileFn } from '../../runtime/index.ts';
import { VAULT_SECRET_BINDING_RESOURCE } from '../resource-kinds.ts';
import { reconcileWithFrame } from '../shared/frame/reconcile-frame.ts';
import { actingAs } from '../shared/namespace-actors.ts';
import { bindingSpecNameProblem } from '../shared/spec-names.ts';
import { BindingRun, type BindingShared } from './context.ts';
import { adoptLegacyLedger } from './ledger/legacy-ledger.ts';
import { projectBindingStatus } from './report/status.ts';
import { revokeGrant } from './revoke/revoke.ts';
import { resolveAzureActor } from './steps/azure-actor.ts';
import { checkModelPermissions } from './steps/check-model-permissions.ts';
import { checkNamespacePolicy } from './steps/check-namespace-policy.ts';
import { ensureGrant } from './steps/ensure-grant.ts';
import { holdForPropagation } from './steps/hold-for-propagation.ts';
import { observeVault } from './steps/observe-vault.ts';
import { resolvePrincipal } from './steps/resolve-principal.ts';
import type { Step } from './steps/step.ts';

const APPLY_STEPS: readonly Step[] = [
  resolveAzureActor,
  checkNamespacePolicy,
  resolvePrincipal,
  observeVault,
  checkModelPermissions,
  ensureGrant,
  holdForPropagation,
];

/** An add of ours still waiting in a coalesced write would land after the revoke: let it settle. */
const settleCoalescedAdd: Step = async (run) => {
  await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
  return undefined;
};

const adoptLegacyRecord: Step = async (run) => {
  const namespace = run.object.metadata.namespace ?? '';
  await adoptLegacyLedger(run, run.shared.identities.of(namespace, run.spec.workflowRef.name));
  return undefined;
};

const revokeOrOrphan: Step = async (run) => {
  const record = run.record;
  if (!record) return undefined;
  if (run.spec.deletionPolicy !== 'Orphan') {
    // Revoked as the namespace's own actor; an unusable credential keeps the finalizer, with its reason.
    await resolveAzureActor(run);
    return run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record));
  }
  // logicops lets go of the grant: it stays in Azure, and so does nothing of its record.
  await run.writeLedger(undefined);
  await run.event('Normal', 'Orphaned', 'Delete', 'deletionPolicy is Orphan: the grant stays in Azure');
  return undefined;
};

const CLEANUP_STEPS: readonly Step[] = [settleCoalescedAdd, adoptLegacyRecord, revokeOrOrphan];

export function createBindingReconciler(shared: BindingShared): ReconcileFn<VaultSecretBinding> {
  return reconcileWithFrame<VaultSecretBinding, VaultSecretBindingStatus, BindingRun>({
    resource: VAULT_SECRET_BINDING_RESOURCE,
    kube: shared.kube,
    patcher: shared.patcher,
    events: shared.events,
    clock: shared.clock,
    startPass: (binding, context) => new BindingRun(shared, binding, context),
    specProblem: (binding, deleting) => (deleting ? undefined : bindingSpecNameProblem(binding)),
    apply: APPLY_STEPS,
    cleanup: CLEANUP_STEPS,
    errorFacts: (run) => ({ principalIsNew: run.principalIsNew, actingAs: actingAs(run.actor) }),
    // The record of a grant Azure already shows goes first: status reports the record, never more.
    beforeStatus: (run) => run.ledger.storeDeferred(),
    project: (status, run) => projectBindingStatus(status, run, shared.clock),
    // Announced Events go out alongside the status write that reports what they announce.
    announce: (run) => run.announcer.send(),
  });
}
