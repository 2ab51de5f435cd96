// The status write at the end of a pass (ledger writes during the pass are the only other
// ones; the write-ahead record of a coalesced add carries the pass's outcome with it, so the
// end-of-pass write then finds nothing left to change). kstatus: Ready from the first pass on, Reconciling
// while waiting on something that clears by itself, Stalled when a human must act
// (anchors-features.md §4); QuotaAvailable whenever usage was counted.
import { ConditionType, Reason, type VaultSecretBindingStatus } from '../../crds/index.ts';
import {
  type Clock,
  conditionsOf,
  type KstatusFields,
  markReady,
  markReconciling,
  markStalled,
  setCondition,
} from '../../runtime/index.ts';
import { keepsReadyWhileThrottled } from '../shared/throttled-resync.ts';
import { type BindingRun, RECONCILE_REQUEST_ANNOTATION } from './context.ts';
import { grantScopeOf } from './grant-model.ts';
import type { BindingOutcome } from './outcome.ts';

export function applyOutcome(
  status: VaultSecretBindingStatus,
  outcome: BindingOutcome,
  generation: number,
  clock: Clock,
): void {
  const fields = status as KstatusFields;
  switch (outcome.kind) {
    case 'ready':
      markReady(fields, { generation }, clock);
      return;
    case 'waiting':
      // Throttled while already Ready: ARM was busy, the binding is not (shared/throttled-resync.ts).
      if (outcome.reason === Reason.Throttled && keepsReadyWhileThrottled(fields, generation)) return;
      markReconciling(fields, { generation, reason: outcome.reason, message: outcome.message }, clock);
      return;
    case 'retry':
      markReconciling(fields, { generation, reason: outcome.reason, message: outcome.message }, clock);
      return;
    case 'stalled':
      markStalled(fields, { generation, reason: outcome.reason, message: outcome.message }, clock);
      return;
    case 'invalid':
      markStalled(fields, { generation, reason: Reason.InvalidSpec, message: outcome.message }, clock);
      return;
    case 'released':
      return;
  }
}

/** What the pass observed: effective model and scope, principal granted, secret URI, quota. */
export function applyObservations(status: VaultSecretBindingStatus, run: BindingRun, clock: Clock): void {
  const { observed } = run;
  if (observed.accessModel) {
    status.accessModel = observed.accessModel;
    status.scope = grantScopeOf(observed.accessModel);
  }
  if (observed.secretUri) status.secretUri = observed.secretUri;
  // The ledger as this very write leaves it (a ledger write may carry the outcome with it).
  const ledger = status.grant;
  const granted = ledger?.phase === 'Granted' ? ledger.principalId : undefined;
  if (granted) status.principalId = granted;
  else delete status.principalId;
  if (!ledger && !observed.accessModel) delete status.scope;
  const request = run.current.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  if (request !== undefined) status.lastHandledReconcileRequest = request;
  if (observed.quota) {
    const { used, limit, name } = observed.quota;
    status.quota = [observed.quota];
    const within = !observed.quotaExceeded && used <= limit;
    setCondition(
      conditionsOf(status as KstatusFields),
      {
        type: ConditionType.QuotaAvailable,
        status: within ? 'True' : 'False',
        reason: within ? Reason.WithinLimit : Reason.QuotaExceeded,
        message: `${used} of ${limit} ${describeLimit(name)} used`,
        observedGeneration: run.generation,
      },
      clock.now(),
    );
  }
}

function describeLimit(name: string): string {
  return name === 'AccessPoliciesPerVault'
    ? 'access policies of the vault'
    : 'role assignments of the subscription';
}
