// Writes a binding will not make, as outcomes the caller returns (no exceptions for these:
// they are ordinary answers of a pass, not failures).
import { Reason } from '../../../crds/index.ts';
import { isBeingDeleted } from '../../../runtime/index.ts';
import { PAUSED_ANNOTATION } from '../../../vocabulary.ts';
import type { Outcome } from '../frame/outcome.ts';

/** `logicops.io/paused` holds a write back. No delay: removing the annotation is an update, and updates enqueue the binding. */
export function pausedWrite(run: { object: Parameters<typeof isBeingDeleted>[0] }, what: string): Outcome {
  return {
    kind: 'waiting',
    reason: isBeingDeleted(run.object) ? Reason.Deleting : Reason.Progressing,
    message: `Paused by ${PAUSED_ANNOTATION}: ${what}`,
  };
}

/** A grant would exceed a quota; nothing was attempted. */
export function quotaWouldExceed(message: string): Outcome {
  return { kind: 'stalled', reason: Reason.QuotaExceeded, message };
}
