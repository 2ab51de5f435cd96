// The one place an outcome becomes the reconcile contract's answer (runtime/reconcile-result.ts):
// a result for the queue, or the error whose class tells it how to retry.
import { Reason } from '../../../crds/index.ts';
import {
  done,
  type ReconcileResult,
  requeueAfter,
  StalledError,
  TerminalError,
} from '../../../runtime/index.ts';
import type { Outcome } from './outcome.ts';

export function queueResult(outcome: Outcome): ReconcileResult {
  switch (outcome.kind) {
    case 'ready':
    case 'released':
      return done();
    case 'waiting':
      // No delay: a watch event (an update, a related object) enqueues the object again.
      return outcome.afterMs === undefined ? done() : requeueAfter(outcome.afterMs);
    case 'retry':
      throw outcome.error;
    case 'stalled':
      throw new StalledError(outcome.reason, outcome.message);
    case 'invalid':
      throw new TerminalError(Reason.InvalidSpec, outcome.message);
  }
}
