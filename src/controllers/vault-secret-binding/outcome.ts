// What one pass of the binding reconcile concluded, before it becomes conditions and a queue
// action (reconcile.ts maps each kind in one place).
import type { InFlightReason, StalledReason } from '../../crds/index.ts';

export type BindingOutcome =
  /** Azure matches the spec. */
  | { kind: 'ready' }
  /** Waiting on something that clears by itself; looked at again after `afterMs` or on a watch event. */
  | { kind: 'waiting'; reason: InFlightReason; message: string; afterMs?: number }
  /** Transient failure: retried with the queue's backoff; `reason` says what we are waiting for. */
  | { kind: 'retry'; reason: InFlightReason; message: string; error: Error }
  /** A human must act; retried at resync cadence and when a related object changes. */
  | { kind: 'stalled'; reason: StalledReason; message: string }
  /** The spec cannot work; not retried until it changes. */
  | { kind: 'invalid'; message: string }
  /** Deletion finished: the finalizer is gone, nothing more to write. */
  | { kind: 'released' };

/** Thrown by a step that would write to Azure while `logicops.io/paused` is set. */
export class PausedWrite extends Error {
  override readonly name = 'PausedWrite';
}

/** Thrown by a step when a grant would exceed a quota (nothing was attempted). */
export class QuotaWouldExceed extends Error {
  override readonly name = 'QuotaWouldExceed';
}
