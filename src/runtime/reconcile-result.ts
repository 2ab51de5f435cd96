// The reconcile contract: what a reconcile can say, and what the queue does about it.
//
//   return done()              → forget failures; look again at the next resync (10 min ± 10 %),
//                                as background work that yields to other ready keys
//   return requeueAfter(ms)    → forget failures; look again after ms (polling a long Azure operation)
//   throw new Error(...)       → retry with per-key exponential backoff (1 s → 5 min) and the global rate limit
//   throw new StalledError(..) → a human must fix the environment (missing resource group, authorization,
//                                policy, quota, already owned): no backoff retries; look again at resync
//                                cadence, or when a watched related object changes (docs/design.md guarantee 8)
//   throw new TerminalError(..)→ the spec is invalid: no retry at all until the object's generation changes
//
// There is no "requeue now": the rate limiter is for errors, not for polling. The mapping to
// queue operations is `queueActionFor`, the only place it is decided.

export type ReconcileResult =
  | { readonly type: 'done' }
  | { readonly type: 'requeueAfter'; readonly delayMs: number };

export function done(): ReconcileResult {
  return { type: 'done' };
}

export function requeueAfter(delayMs: number): ReconcileResult {
  if (!Number.isFinite(delayMs) || delayMs < 0)
    throw new RangeError(`requeueAfter needs a delay >= 0, got ${delayMs}`);
  return { type: 'requeueAfter', delayMs };
}

/** Base for errors that carry a condition reason from docs/design.md's vocabulary. */
abstract class ReasonedError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid spec: Stalled, and no retry until the generation changes. */
export class TerminalError extends ReasonedError {}

/** Needs a human, outside the spec: Stalled, retried at resync cadence and on related changes. */
export class StalledError extends ReasonedError {}

export type ReconcileOutcome =
  | { type: 'done' }
  | { type: 'requeueAfter'; delayMs: number }
  | { type: 'error'; error: Error }
  | { type: 'stalled'; error: StalledError }
  | { type: 'terminal'; error: TerminalError };

export function outcomeOfError(thrown: unknown): ReconcileOutcome {
  if (thrown instanceof TerminalError) return { type: 'terminal', error: thrown };
  if (thrown instanceof StalledError) return { type: 'stalled', error: thrown };
  if (thrown instanceof Error) return { type: 'error', error: thrown };
  return { type: 'error', error: new Error(`reconcile threw a non-Error: ${String(thrown)}`) };
}

export interface QueueAction {
  /** Reset the key's failure count. */
  forget: boolean;
  /** `resync`: the periodic look, which yields to other ready work (work-queue.ts). */
  requeue:
    | { type: 'after'; delayMs: number }
    | { type: 'resync'; delayMs: number }
    | { type: 'rateLimited' }
    | { type: 'none' };
  /** Skip this key until its generation changes. */
  holdUntilGenerationChanges: boolean;
}

export function queueActionFor(outcome: ReconcileOutcome, resyncDelayMs: number): QueueAction {
  switch (outcome.type) {
    case 'done':
      return {
        forget: true,
        requeue: { type: 'resync', delayMs: resyncDelayMs },
        holdUntilGenerationChanges: false,
      };
    case 'requeueAfter':
      return {
        forget: true,
        requeue: { type: 'after', delayMs: outcome.delayMs },
        holdUntilGenerationChanges: false,
      };
    case 'error':
      return { forget: false, requeue: { type: 'rateLimited' }, holdUntilGenerationChanges: false };
    case 'stalled':
      return {
        forget: true,
        requeue: { type: 'resync', delayMs: resyncDelayMs },
        holdUntilGenerationChanges: false,
      };
    case 'terminal':
      return { forget: true, requeue: { type: 'none' }, holdUntilGenerationChanges: true };
  }
}

/** The queue operations a QueueAction stands for. */
export interface RequeueTarget {
  forget(key: string): void;
  addAfter(key: string, delayMs: number, priority?: 'normal' | 'background'): void;
  addRateLimited(key: string): void;
}

export function applyQueueAction(queue: RequeueTarget, key: string, action: QueueAction): void {
  if (action.forget) queue.forget(key);
  if (action.requeue.type === 'after') queue.addAfter(key, action.requeue.delayMs);
  if (action.requeue.type === 'resync') queue.addAfter(key, action.requeue.delayMs, 'background');
  if (action.requeue.type === 'rateLimited') queue.addRateLimited(key);
}
