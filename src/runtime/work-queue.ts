// The work queue: where a controller's correctness lives (controller-runtime's lesson).
//
// Guarantees, each covered by test/unit/runtime/work-queue.test.ts:
// - a key is pending at most once (adds de-duplicate);
// - a key is never handed to two workers at once: a key added while it is being processed
//   is held and handed out once more after `done`;
// - each key has at most one pending ready time, and the earliest one wins;
// - `addRateLimited` waits max(per-key exponential backoff, global token bucket); the
//   per-key failure count is reset by `forget` (on success);
// - a key added as `background` (the periodic resync) is handed out only when no other key is
//   ready, and any other add of it makes it ordinary again: a burst of new work is not slowed
//   by drift checks competing for the same ARM budget (issue 12). Under an endless flood of new
//   work resyncs wait; the flood is bounded by the objects that exist.
// The queue is passive (workers call `get`/`done`); the controller owns the workers.
import { AZURE_BACKOFF, type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { DEFAULT_RETRY_RATE, TokenBucket, type TokenBucketSettings } from './rate-limiter.ts';

/**
 * Hooks for metrics (part 2 maps them to controller-runtime's workqueue_* series). Called
 * synchronously; an observer must not throw.
 */
export interface WorkQueueObserver {
  /** A key became pending (not called when the add was de-duplicated). */
  added?(key: string): void;
  /** A worker took `key`, which had been ready for `queuedMs`. */
  started?(key: string, queuedMs: number): void;
  /** A worker finished `key` after `workMs`. */
  finished?(key: string, workMs: number): void;
  /** `key` was scheduled for a rate-limited retry in `delayMs`. */
  retried?(key: string, delayMs: number): void;
}

export interface WorkQueueOptions {
  clock: Clock;
  backoff?: BackoffPolicy;
  retryRate?: TokenBucketSettings;
  observer?: WorkQueueObserver;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly retryBucket: TokenBucket;
  private readonly observer: WorkQueueObserver;

  /** Keys ready now and not being processed, oldest first, with the time they became ready. */
  private readonly ready = new Map<string, number>();
  /** Like `ready`, for background keys: handed out only when `ready` is empty. */
  private readonly readyBackground = new Map<string, number>();
  /** Pending keys (waiting or held while processed) whose every add was a background one. */
  private readonly background = new Set<string>();
  /** Keys due later (or due while being processed): the earliest time each is due. */
  private readonly waiting = new Map<string, number>();
  /** Keys a worker holds, with the time it took them. */
  private readonly processing = new Map<string, number>();
  private readonly failureCounts = new Map<string, number>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private timer: { handle: TimerHandle; dueAt: number } | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.backoff = options.backoff ?? AZURE_BACKOFF;
    this.retryBucket = new TokenBucket(options.retryRate ?? DEFAULT_RETRY_RATE, options.clock);
    this.observer = options.observer ?? {};
  }

  /** Makes `key` pending now. */
  add(key: string): void {
    this.addAfter(key, 0);
  }

  /**
   * Makes `key` pending after `delayMs`, unless it is already pending earlier. A `background`
   * add (the periodic resync) yields to every other ready key; an ordinary add of a key pending
   * in the background makes it ordinary.
   */
  addAfter(key: string, delayMs: number, priority: 'normal' | 'background' = 'normal'): void {
    if (this.shuttingDown) return;
    const now = this.clock.now();
    const dueAt = now + Math.max(0, delayMs);
    if (this.ready.has(key)) return;
    const readySince = this.readyBackground.get(key);
    if (readySince !== undefined) {
      if (priority === 'normal') {
        this.readyBackground.delete(key);
        this.makeReady(key, readySince);
      }
      return;
    }
    const alreadyDue = this.waiting.get(key);
    const pending = alreadyDue !== undefined;
    if (priority === 'normal') this.background.delete(key);
    else if (!pending) this.background.add(key);
    if (alreadyDue !== undefined && alreadyDue <= dueAt) return;
    if (!pending) this.observer.added?.(key);
    if (dueAt <= now && !this.processing.has(key)) {
      this.waiting.delete(key);
      this.makeReady(key, now);
    } else {
      // Held back: either not due yet, or being processed (handed out again after `done`).
      this.waiting.set(key, dueAt);
      this.scheduleTimer();
    }
  }

  /** Schedules a retry of a failed key: max(per-key backoff, global rate limit). */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    const failures = this.failureCounts.get(key) ?? 0;
    this.failureCounts.set(key, failures + 1);
    const delayMs = Math.max(backoffDelay(this.backoff, failures), this.retryBucket.reserve());
    this.observer.retried?.(key, delayMs);
    this.addAfter(key, delayMs);
  }

  /** Resets the key's failure count: the next failure starts the backoff from the base again. */
  forget(key: string): void {
    this.failureCounts.delete(key);
  }

  /** How many times `key` has failed since it was last forgotten. */
  failures(key: string): number {
    return this.failureCounts.get(key) ?? 0;
  }

  /**
   * Waits for a ready key and marks it as processing; the caller must call `done(key)`.
   * Resolves `undefined` once the queue shuts down or `signal` aborts.
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    if (this.shuttingDown || signal?.aborted) return Promise.resolve(undefined);
    const key = this.takeReady();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => {
      const getter = (taken: string | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(taken);
      };
      const onAbort = () => {
        const index = this.getters.indexOf(getter);
        if (index >= 0) this.getters.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.getters.push(getter);
    });
  }

  /** Releases a key taken by `get`. A re-add that arrived meanwhile becomes ready (or waits) now. */
  done(key: string): void {
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.observer.finished?.(key, this.clock.now() - startedAt);
    const dueAt = this.waiting.get(key);
    if (dueAt !== undefined && dueAt <= this.clock.now()) {
      this.waiting.delete(key);
      this.makeReady(key, dueAt);
    }
    // A re-add for later, held while the key was processed, now needs the timer.
    this.scheduleTimer();
  }

  /** Stops handing out keys; pending `get`s resolve `undefined`. Keys being processed may still call `done`. */
  shutDown(): void {
    this.shuttingDown = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  /** Whether `key` is pending only as background work (a resync). */
  isBackground(key: string): boolean {
    return this.background.has(key) || this.readyBackground.has(key);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Keys ready to be handed out (controller-runtime's workqueue_depth). */
  get depth(): number {
    return this.ready.size + this.readyBackground.size;
  }

  /** Keys waiting for a later time or for their current processing to end. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** When each key being processed was taken (for "unfinished work" / "longest running" metrics). */
  processingSince(): ReadonlyMap<string, number> {
    return this.processing;
  }

  /** The time `key` is next due, if it is pending. */
  dueAt(key: string): number | undefined {
    return this.ready.get(key) ?? this.readyBackground.get(key) ?? this.waiting.get(key);
  }

  private makeReady(key: string, readySince: number): void {
    const background = this.background.delete(key);
    const getter = this.getters.shift();
    if (getter) {
      // An idle worker means nothing else is ready: background or not, it goes now.
      this.startProcessing(key, readySince);
      getter(key);
    } else if (background) {
      this.readyBackground.set(key, readySince);
    } else {
      this.ready.set(key, readySince);
    }
  }

  private takeReady(): string | undefined {
    // Maps iterate in insertion order: the oldest ready key first, ordinary keys before background ones.
    for (const queue of [this.ready, this.readyBackground]) {
      for (const [key, readySince] of queue) {
        queue.delete(key);
        this.startProcessing(key, readySince);
        return key;
      }
    }
    return undefined;
  }

  private startProcessing(key: string, readySince: number): void {
    const now = this.clock.now();
    this.processing.set(key, now);
    this.observer.started?.(key, now - readySince);
  }

  /** Keeps one timer, set for the earliest waiting key that is not being processed. */
  private scheduleTimer(): void {
    let earliest: number | undefined;
    for (const [key, dueAt] of this.waiting) {
      if (this.processing.has(key)) continue;
      if (earliest === undefined || dueAt < earliest) earliest = dueAt;
    }
    if (this.timer && (earliest === undefined || this.timer.dueAt !== earliest)) {
      this.clock.clearTimeout(this.timer.handle);
      this.timer = undefined;
    }
    if (earliest === undefined || this.timer || this.shuttingDown) return;
    const dueAt = earliest;
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.releaseDueKeys();
    }, dueAt - this.clock.now());
    this.timer = { handle, dueAt };
  }

  private releaseDueKeys(): void {
    const now = this.clock.now();
    const due = [...this.waiting]
      .filter(([key, dueAt]) => dueAt <= now && !this.processing.has(key))
      .sort((a, b) => a[1] - b[1]);
    for (const [key, dueAt] of due) {
      this.waiting.delete(key);
      this.makeReady(key, dueAt);
    }
    this.scheduleTimer();
  }
}
