// An outcome as kstatus conditions, for every kind (docs/design.md guarantee 8): Ready from
// the first pass on, Reconciling while waiting on something that clears by itself, Stalled
// when a human must act. Throttling of a Ready object leaves it Ready: ARM was busy, the object
// is not (shared/throttled-resync.ts).
import { Reason } from '../../../crds/index.ts';
import {
  type Clock,
  type KstatusFields,
  markReady,
  markReconciling,
  markStalled,
} from '../../../runtime/index.ts';
import { keepsReadyWhileThrottled } from '../throttled-resync.ts';
import type { Outcome } from './outcome.ts';

export function applyOutcome(status: object, outcome: Outcome, generation: number, clock: Clock): void {
  const fields = status as KstatusFields;
  switch (outcome.kind) {
    case 'ready':
      markReady(fields, { generation, reason: Reason.Succeeded, message: outcome.message ?? '' }, clock);
      return;
    case 'waiting':
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
