// What one reconcile writes to status besides the conditions of its outcome (those are the
// frame's: controllers/shared/frame/conditions.ts). The steps fill a StatusDraft as they go; the
// frame applies it once, in one status patch, and only when something changed (StatusPatcher
// sends nothing otherwise).
import type {
  LogicAppWorkflowStatus,
  QuotaUsage,
  RunHistoryExposure,
  WorkflowIdentityStatus,
  WorkflowIpAddresses,
  WorkflowLastRun,
  WorkflowTriggerStatus,
} from '../../crds/index.ts';
import { ConditionType, Reason } from '../../crds/index.ts';
import { type Clock, conditionsOf, type KstatusFields, setCondition } from '../../runtime/index.ts';

export interface ObservedFields {
  resourceId?: string;
  provisioningState?: string;
  accessEndpoint?: string;
  ipAddresses?: WorkflowIpAddresses;
}

export interface StatusDraft {
  observed?: ObservedFields;
  identity?: WorkflowIdentityStatus;
  quota?: { usage: QuotaUsage[]; exceeded: boolean; message: string };
  /** Actions whose secret data run history can show; null: none (or not analysed), the field goes. */
  exposedInRunHistory?: RunHistoryExposure[] | null;
  /** The `logicops.io/reconcile-request` value this reconcile handled. */
  reconcileRequest?: string;
  /** The newest run, when this pass read the run history; absent: status keeps what it had. */
  lastRun?: WorkflowLastRun;
  /** The triggers, when this pass read them; absent: status keeps what it had. */
  triggers?: WorkflowTriggerStatus[];
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
  if (draft.lastRun) status.lastRun = draft.lastRun;
  if (draft.triggers) status.triggers = draft.triggers;
  if (draft.reconcileRequest !== undefined) status.lastHandledReconcileRequest = draft.reconcileRequest;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
