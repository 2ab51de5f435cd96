// The frame of one binding's reconcile: deletion or steps, then one status write, then the
// queue action. Order of the steps: namespace policy → principal → vault and secret →
// permissions the vault's model can grant (no `list` under RBAC) → grant → principal propagation hold (the grant is written first, so Ready comes as soon as it ends).
//
//   deleting (finalizer present) → policy Orphan: keep the grant; Delete: revoke exactly what
//     the ledger says (under the vault lock) → remove the finalizer. A failed revoke keeps it.
//   a vault id or secret name Azure refuses → InvalidSpec: no finalizer, no Azure call.
//   otherwise → finalizer first (no Azure write without it) → steps → Ready.
import { isInvalidAzureNameError } from '../../azure/index.ts';
import { Reason, type VaultSecretBinding, type VaultSecretBindingStatus } from '../../crds/index.ts';
import {
  addFinalizer,
  done,
  hasFinalizer,
  isBeingDeleted,
  isNotFound,
  LOGICOPS_FINALIZER,
  type ReconcileFn,
  type ReconcileResult,
  removeFinalizer,
  requeueAfter,
  StalledError,
  TerminalError,
} from '../../runtime/index.ts';
import { VAULT_SECRET_BINDING_RESOURCE } from '../resource-kinds.ts';
import { bindingSpecNameProblem } from '../shared/spec-names.ts';
import { outcomeOfAzureError } from './azure-failures.ts';
import { BindingRun, type BindingShared } from './context.ts';
import { adoptLegacyLedger } from './legacy-ledger.ts';
import { type BindingOutcome, PausedWrite, QuotaWouldExceed } from './outcome.ts';
import { revokeGrant } from './revoke.ts';
import { applyObservations, applyOutcome } from './status.ts';
import { checkModelPermissions } from './steps/check-model-permissions.ts';
import { checkNamespacePolicy } from './steps/check-namespace-policy.ts';
import { ensureGrant } from './steps/ensure-grant.ts';
import { holdForPropagation } from './steps/hold-for-propagation.ts';
import { observeVault } from './steps/observe-vault.ts';
import { resolvePrincipal } from './steps/resolve-principal.ts';
import { runSteps } from './steps/step.ts';
import { AwaitingConsistentReads } from './vault-consistency.ts';

const STEPS = [
  checkNamespacePolicy,
  resolvePrincipal,
  observeVault,
  checkModelPermissions,
  ensureGrant,
  holdForPropagation,
];

export function createBindingReconciler(shared: BindingShared): ReconcileFn<VaultSecretBinding> {
  return async (binding, rc) => {
    const run = new BindingRun(shared, binding, rc);
    let outcome: BindingOutcome;
    try {
      outcome = await decide(run);
    } catch (error) {
      outcome = outcomeOfThrown(error, run);
    }
    // The record of a grant Azure already shows goes first (status reports the record, never
    // more); announced Events go out alongside the status write that reports what they announce.
    if (outcome.kind !== 'released') await run.storeDeferredLedger();
    await Promise.all([
      outcome.kind !== 'released' ? writeStatus(run, outcome) : undefined,
      run.sendAnnouncements(),
    ]);
    if (outcome.kind === 'stalled') await run.event('Warning', outcome.reason, 'Reconcile', outcome.message);
    return queueResult(outcome);
  };
}

async function decide(run: BindingRun): Promise<BindingOutcome> {
  // Deletion works from what was granted (the gateways check those names again).
  if (isBeingDeleted(run.current)) return finalize(run);
  // A vault id or secret name Azure refuses never becomes a URL, and gets no finalizer.
  const problem = bindingSpecNameProblem(run.current);
  if (problem) return { kind: 'invalid', message: problem };
  run.current = await addFinalizer(
    run.shared.kube,
    VAULT_SECRET_BINDING_RESOURCE,
    run.current,
    LOGICOPS_FINALIZER,
  );
  return runSteps(run, STEPS);
}

async function finalize(run: BindingRun): Promise<BindingOutcome> {
  if (!hasFinalizer(run.current, LOGICOPS_FINALIZER)) return { kind: 'released' };
  // An add of ours still waiting in a coalesced write would land after the revoke: let it settle.
  await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
  const namespace = run.current.metadata.namespace ?? '';
  await adoptLegacyLedger(run, run.shared.identities.of(namespace, run.spec.workflowRef.name));
  const record = run.record;
  if (record && run.spec.deletionPolicy !== 'Orphan') {
    await run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record));
  } else if (record) {
    // logicops lets go of the grant: it stays in Azure, and so does nothing of its record.
    await run.writeLedger(undefined);
    await run.event('Normal', 'Orphaned', 'Delete', 'deletionPolicy is Orphan: the grant stays in Azure');
  }
  await removeFinalizer(run.shared.kube, VAULT_SECRET_BINDING_RESOURCE, run.current, LOGICOPS_FINALIZER);
  return { kind: 'released' };
}

function outcomeOfThrown(error: unknown, run: BindingRun): BindingOutcome {
  const deleting = isBeingDeleted(run.current);
  if (error instanceof AwaitingConsistentReads) {
    // The next read of a confirmation is a pass of its own (vault-consistency.ts).
    return {
      kind: 'waiting',
      reason: deleting ? Reason.Deleting : Reason.Progressing,
      message: `Waiting for Key Vault reads to agree: ${error.message}`,
      afterMs: error.afterMs,
    };
  }
  if (error instanceof PausedWrite) {
    // No requeue: removing the annotation is an update, and updates enqueue the binding.
    return {
      kind: 'waiting',
      reason: deleting ? Reason.Deleting : Reason.Progressing,
      message: `Paused by logicops.io/paused: ${error.message}`,
    };
  }
  if (error instanceof QuotaWouldExceed) {
    return { kind: 'stalled', reason: Reason.QuotaExceeded, message: error.message };
  }
  if (isInvalidAzureNameError(error)) {
    // A gateway refused to put a name into a URL (one read from the ledger, say): no request went out.
    return {
      kind: 'invalid',
      message: `${error.message}. logicops sent nothing to Azure: correct the spec.`,
    };
  }
  const outcome = outcomeOfAzureError(error, run.principalIsNew) ?? {
    kind: 'retry' as const,
    reason: Reason.Progressing,
    message: error instanceof Error ? error.message : String(error),
    error: error instanceof Error ? error : new Error(String(error)),
  };
  if (
    deleting &&
    (outcome.kind === 'retry' || outcome.kind === 'waiting') &&
    outcome.reason === Reason.Progressing
  ) {
    return { ...outcome, reason: Reason.Deleting };
  }
  return outcome;
}

async function writeStatus(run: BindingRun, outcome: BindingOutcome): Promise<void> {
  // The ledger as a report: status shows the operator record, and nothing reads it back.
  const ledger = run.record;
  try {
    await run.shared.patcher.patch<VaultSecretBindingStatus, VaultSecretBinding>(
      VAULT_SECRET_BINDING_RESOURCE,
      run.current,
      (status) => {
        if (ledger) status.grant = structuredClone(ledger);
        else delete status.grant;
        applyOutcome(status, outcome, run.generation, run.shared.clock);
        applyObservations(status, run, run.shared.clock);
      },
    );
  } catch (error) {
    // Gone is done; anything else is retried like any failure of the pass.
    if (!isNotFound(error)) throw error;
  }
}

/** The one place a binding outcome becomes a queue action (docs/architecture.md contract). */
function queueResult(outcome: BindingOutcome): ReconcileResult {
  switch (outcome.kind) {
    case 'ready':
    case 'released':
      return done();
    case 'waiting':
      return outcome.afterMs === undefined ? done() : requeueAfter(outcome.afterMs);
    case 'retry':
      throw outcome.error;
    case 'stalled':
      throw new StalledError(outcome.reason, outcome.message);
    case 'invalid':
      throw new TerminalError(Reason.InvalidSpec, outcome.message);
  }
}
