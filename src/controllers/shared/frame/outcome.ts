// What one pass of a reconcile concluded, for every kind: the frame (reconcile-frame.ts) turns
// it into conditions (conditions.ts) and a queue action (queue-result.ts), each in one place.
import type { InFlightReason } from '../../../crds/index.ts';

export type Outcome =
  /** Azure matches the spec. */
  | { kind: 'ready'; message?: string }
  /** Waiting on something that clears by itself; looked at again after `afterMs` or on a watch event. */
  | { kind: 'waiting'; reason: InFlightReason; message: string; afterMs?: number }
  /** Transient failure: retried with the queue's backoff; `reason` says what we are waiting for. */
  | { kind: 'retry'; reason: InFlightReason; message: string; error: Error }
  /** A human must act outside the spec; retried at resync cadence and when a related object changes. */
  | { kind: 'stalled'; reason: string; message: string }
  /** The spec cannot work (InvalidSpec); not retried until it changes. */
  | { kind: 'invalid'; message: string }
  /** Deletion finished: the finalizer goes, and nothing more is written. */
  | { kind: 'released' };

/**
 * A wait found deep in a call chain (a vault read that must be repeated, say), where returning an
 * outcome would mean threading it through every caller. The frame maps it to `waiting`; steps
 * return outcomes wherever they can.
 */
export class WaitingError extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
