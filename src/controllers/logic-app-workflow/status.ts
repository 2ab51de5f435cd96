// What one reconcile writes to status, and how it maps onto kstatus conditions (docs/design.md
// guarantee 8). The reconcile fills a StatusDraft as it goes; the frame applies it once, in
// one status patch, and only when something changed (StatusPatcher sends nothing otherwise).
import type {
  InFlightReason,
  LogicAppWorkflowStatus,
  QuotaUsage,
  RunHistoryExposure,
  WorkflowIdentityStatus,
} from '../../crds/index.ts';
import { ConditionType, Reason } from '../../crds/index.ts';
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

export type WorkflowOutcome =
  | { kind: 'ready'; message?: string }
  | { kind: 'reconciling'; reason: InFlightReason; message: string }
  /** Stalled reasons come from the shared vocabulary (StalledError/TerminalError carry them). */
  | { kind: 'stalled'; reason: string; message: string };

export interface ObservedFields {
  resourceId?: string;
  provisioningState?: string;
  accessEndpoint?: string;
}

export interface StatusDraft {
  outcome?: WorkflowOutcome;
  observed?: ObservedFields;
  identity?: WorkflowIdentityStatus;
  quota?: { usage: QuotaUsage[]; exceeded: boolean; message: string };
  /** Actions whose secret data run history can show; null: none (or not analysed), the field goes. */
  exposedInRunHistory?: RunHistoryExposure[] | null;
  /** The `logicops.io/reconcile-request` value this reconcile handled. */
  reconcileRequest?: string;
}

export function applyStatusDraft(
  status: LogicAppWorkflowStatus,
  draft: StatusDraft,
  generation: number,
  clock: Clock,
): void {
  if (draft.observed) Object.assign(status, definedOnly(draft.observed));
  // The identity as the operator record has it (principalObservedAt included): a report.
  if (draft.identity) status.identity = definedOnly(draft.identity);
  if (draft.quota) {
    status.quota = draft.quota.usage;
    setCondition(
      conditionsOf(status as KstatusFields),
      {
        type: ConditionType.QuotaAvailable,
        status: draft.quota.exceeded ? 'False' : 'True',
        reason: draft.quota.exceeded ? Reason.QuotaExceeded : Reason.WithinLimit,
        message: draft.quota.message,
        observedGeneration: generation,
      },
      clock.now(),
    );
  }
  if (draft.exposedInRunHistory === null) delete status.exposedInRunHistory;
  else if (draft.exposedInRunHistory) status.exposedInRunHistory = draft.exposedInRunHistory;
  if (draft.reconcileRequest !== undefined) status.lastHandledReconcileRequest = draft.reconcileRequest;
  if (draft.outcome) applyOutcome(status, draft.outcome, generation, clock);
}

function applyOutcome(
  status: LogicAppWorkflowStatus,
  outcome: WorkflowOutcome,
  generation: number,
  clock: Clock,
): void {
  const fields = status as KstatusFields;
  switch (outcome.kind) {
    case 'ready':
      markReady(fields, { generation, reason: Reason.Succeeded, message: outcome.message ?? '' }, clock);
      return;
    case 'reconciling':
      // Throttled while already Ready: ARM was busy, the workflow is not (shared/throttled-resync.ts).
      if (outcome.reason === Reason.Throttled && keepsReadyWhileThrottled(fields, generation)) return;
      markReconciling(fields, { generation, reason: outcome.reason, message: outcome.message }, clock);
      return;
    case 'stalled':
      markStalled(fields, { generation, reason: outcome.reason, message: outcome.message }, clock);
      return;
  }
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
