// A binding's fields of status, written by the frame's one status write at the end of a pass
// (the conditions of the outcome are the frame's: controllers/shared/frame/conditions.ts): the
// grant record as a report, what the pass observed, and QuotaAvailable whenever usage was counted.
import type { VaultSecretBindingStatus } from '../../../crds/index.ts';
import type { Clock } from '../../../runtime/index.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../../vocabulary.ts';
import { reportQuota } from '../../shared/grants/quota-condition.ts';
import type { BindingRun } from '../context.ts';
import { grantScopeOf } from '../plan/grant-model.ts';

/** The grant record as a report (status shows the operator record, and nothing reads it back), then the observations. */
export function projectBindingStatus(status: VaultSecretBindingStatus, run: BindingRun, clock: Clock): void {
  const ledger = run.record;
  if (ledger) status.grant = structuredClone(ledger);
  else delete status.grant;
  applyObservations(status, run, clock);
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
  const request = run.object.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  if (request !== undefined) status.lastHandledReconcileRequest = request;
  if (observed.quota)
    reportQuota(status, observed.quota, Boolean(observed.quotaExceeded), run.generation, clock);
}
