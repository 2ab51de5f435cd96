// A controller: one primary kind, any number of related kinds mapped to primary keys, a work
// queue, and N workers calling one reconcile function. Reads like kube-rs:
//
//   const controller = new Controller({ name: 'widget', source: widgets, reconcile, logger })
//     .watches(configMaps, (cm) => [widgetKeyFor(cm)]);
//   await controller.start();   // waits for every cache to sync, then starts the workers
//   ...
//   await controller.stop();    // stops handing out keys, waits for running reconciles
//
// Part 2 seams: `observer` (reconcile metrics) and `queueObserver` (workqueue metrics), `start`
// being callable once leadership is won, `stop` for graceful shutdown, `abortInFlight` for a forced one.
import { randomUUID } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { type BackoffPolicy, jitter } from './backoff.ts';
import { type Clock, systemClock } from './clock.ts';
import { keyOf, parseKey } from './object-key.ts';
import type { CacheEvent, WatchedSource } from './object-store.ts';
import type { TokenBucketSettings } from './rate-limiter.ts';
import {
  applyQueueAction,
  outcomeOfError,
  queueActionFor,
  type ReconcileOutcome,
  type ReconcileResult,
} from './reconcile-result.ts';
import { WorkQueue, type WorkQueueObserver } from './work-queue.ts';

export interface ReconcileContext {
  /** `namespace/name` of the object. */
  key: string;
  /** Tagged with controller, namespace, name and reconcileId. */
  logger: Logger;
  clock: Clock;
  /** Aborted when the reconcile times out or the controller is forced to stop. */
  signal: AbortSignal;
  reconcileId: string;
}

/**
 * Called with a private, mutable copy of the object as the cache holds it now. Objects that are
 * gone from the cache are not reconciled (use a finalizer to act on deletion).
 */
export type ReconcileFn<K> = (object: K, context: ReconcileContext) => Promise<ReconcileResult>;

export interface ReconcileObserver {
  reconciled?(key: string, outcome: ReconcileOutcome['type'], durationMs: number): void;
}

export interface ResyncSettings {
  periodMs: number;
  /** 0.1 = ± 10 %. */
  jitterFraction: number;
}

export const DEFAULT_RESYNC: ResyncSettings = { periodMs: 10 * 60_000, jitterFraction: 0.1 };

export interface ControllerOptions<K extends KubernetesObject> {
  /** Used in logs and (part 2) metric labels. */
  name: string;
  source: WatchedSource<K>;
  reconcile: ReconcileFn<K>;
  logger: Logger;
  clock?: Clock;
  /** Reconciles running at once (distinct keys only). Default 1. */
  workers?: number;
  resync?: ResyncSettings;
  backoff?: BackoffPolicy;
  retryRate?: TokenBucketSettings;
  reconcileTimeoutMs?: number;
  /** How long `start` waits for caches. Default 2 min. */
  cacheSyncTimeoutMs?: number;
  /**
   * Filters update events of the primary kind (adds and deletes always enqueue). Default: all
   * updates. Resync covers anything a filter drops.
   */
  shouldEnqueueUpdate?: (previous: Readonly<K>, current: Readonly<K>) => boolean;
  /**
   * After a TerminalError the key is skipped until this value changes. Default: generation and
   * deletion timestamp.
   */
  terminalFingerprint?: (object: Readonly<K>) => string;
  /**
   * When a key comes back for its periodic look after a success (or a stall): the delay in ms,
   * given the jittered default. Lets keys that share an expensive read (a vault's bindings)
   * come due together, so one read serves them. Default: the jittered resync period.
   */
  resyncDelay?: (key: string, object: Readonly<K>, jitteredDelayMs: number) => number;
  observer?: ReconcileObserver;
  queueObserver?: WorkQueueObserver;
  /** Injectable for deterministic jitter in tests. */
  random?: () => number;
}

export interface WatchOptions<R> {
  /**
   * Filters update events of the related kind (adds and deletes always map). Lets a controller
   * ignore changes it does not read, such as another controller's status writes, each of which
   * would otherwise cost a reconcile.
   */
  shouldEnqueueUpdate?: (previous: Readonly<R>, current: Readonly<R>) => boolean;
}

export class Controller<K extends KubernetesObject> {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions<K>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sources: Array<WatchedSource<unknown>> = [];
  private readonly unsubscribes: Array<() => void> = [];
  /** Keys held after a TerminalError, with the fingerprint they failed at. */
  private readonly heldTerminal = new Map<string, string>();
  private readonly inFlight = new Map<string, AbortController>();
  private workers: Promise<void>[] = [];
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  constructor(options: ControllerOptions<K>) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ controller: options.name });
    this.queue = new WorkQueue({
      clock: this.clock,
      backoff: options.backoff,
      retryRate: options.retryRate,
      observer: options.queueObserver,
    });
    this.addSource(options.source, (event) => this.keysForPrimary(event));
  }

  /** Enqueues the keys `mapToKeys` returns for every change of a related kind (old and new state). */
  watches<R>(
    source: WatchedSource<R>,
    mapToKeys: (object: Readonly<R>) => Iterable<string>,
    options: WatchOptions<R> = {},
  ): this {
    this.addSource(source, (event) => {
      if (event.type === 'updated' && options.shouldEnqueueUpdate) {
        if (!options.shouldEnqueueUpdate(event.previous, event.object)) return [];
      }
      const keys = [...mapToKeys(event.object)];
      if (event.type === 'updated') keys.push(...mapToKeys(event.previous));
      return keys;
    });
    return this;
  }

  /** Waits for every cache to sync, enqueues every cached primary object, then starts the workers. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`controller ${this.name} was already started`);
    this.state = 'starting';
    const timeoutMs = this.options.cacheSyncTimeoutMs ?? 120_000;
    const timeout = new AbortController();
    const timer = this.clock.setTimeout(
      () => timeout.abort(new Error(`caches of controller ${this.name} did not sync within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await Promise.all(this.sources.map((source) => source.waitForSync(timeout.signal)));
    } finally {
      this.clock.clearTimeout(timer);
    }
    if (this.state !== 'starting') return;
    // Objects listed before we subscribed (a shared informer started earlier) still need a first look.
    for (const key of this.options.source.keys()) this.queue.add(key);
    const count = Math.max(1, this.options.workers ?? 1);
    this.workers = Array.from({ length: count }, () => this.runWorker());
    this.state = 'running';
    this.logger.info({ workers: count }, 'Started controller');
  }

  /** Stops handing out keys and waits for running reconciles to finish. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.queue.shutDown();
    await Promise.all(this.workers);
    this.logger.info('Stopped controller');
  }

  /** Aborts the signal of every running reconcile (a forced shutdown). */
  abortInFlight(reason: Error = new Error('controller stopping')): void {
    for (const controller of this.inFlight.values()) controller.abort(reason);
  }

  private addSource<S>(source: WatchedSource<S>, keysFor: (event: CacheEvent<S>) => Iterable<string>): void {
    this.sources.push(source as WatchedSource<unknown>);
    const unsubscribe = source.subscribe((event) => {
      // Handlers only enqueue keys; a mapping bug is logged and the other keys still go in.
      try {
        for (const key of keysFor(event)) this.queue.add(key);
      } catch (error) {
        this.logger.error({ err: error, event: event.type }, 'Mapping an event to keys failed');
      }
    });
    this.unsubscribes.push(unsubscribe);
  }

  private keysForPrimary(event: CacheEvent<K>): string[] {
    if (event.type === 'updated' && this.options.shouldEnqueueUpdate) {
      if (!this.options.shouldEnqueueUpdate(event.previous, event.object)) return [];
    }
    return [keyOf(event.object)];
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.processKey(key);
      } catch (error) {
        // processKey handles reconcile errors itself; this is a bug in the runtime, kept alive.
        this.logger.error({ err: error, key }, 'Processing a key failed unexpectedly');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async processKey(key: string): Promise<void> {
    const cached = this.options.source.get(key);
    if (!cached) {
      // Gone is done: nothing to retry, nothing to hold.
      this.queue.forget(key);
      this.heldTerminal.delete(key);
      return;
    }
    const fingerprint = this.fingerprint(cached);
    const heldAt = this.heldTerminal.get(key);
    if (heldAt !== undefined) {
      if (heldAt === fingerprint) {
        this.logger.debug({ key }, 'Skipped reconcile: this generation failed terminally');
        return;
      }
      this.heldTerminal.delete(key);
    }

    const reconcileId = randomUUID();
    const { namespace, name } = parseKey(key);
    const logger = this.logger.child({ namespace, name, reconcileId });
    const abort = new AbortController();
    const timeoutMs = this.options.reconcileTimeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : this.clock.setTimeout(
            () => abort.abort(new Error(`reconcile timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
    this.inFlight.set(key, abort);
    const startedAt = this.clock.now();
    let outcome: ReconcileOutcome;
    try {
      const result = await this.options.reconcile(structuredClone(cached) as K, {
        key,
        logger,
        clock: this.clock,
        signal: abort.signal,
        reconcileId,
      });
      outcome = result;
    } catch (error) {
      outcome = outcomeOfError(error);
    } finally {
      if (timer !== undefined) this.clock.clearTimeout(timer);
      this.inFlight.delete(key);
    }
    const durationMs = this.clock.now() - startedAt;

    const action = queueActionFor(outcome, this.resyncDelay(key, cached));
    applyQueueAction(this.queue, key, action);
    if (action.holdUntilGenerationChanges) this.heldTerminal.set(key, fingerprint);
    this.logOutcome(logger, outcome, durationMs, key);
    this.options.observer?.reconciled?.(key, outcome.type, durationMs);
  }

  private logOutcome(logger: Logger, outcome: ReconcileOutcome, durationMs: number, key: string): void {
    switch (outcome.type) {
      case 'done':
      case 'requeueAfter':
        logger.debug({ outcome: outcome.type, durationMs }, 'Reconciled object');
        return;
      case 'error':
        logger.error(
          { err: outcome.error, durationMs, failures: this.queue.failures(key) },
          'Reconcile failed; will retry with backoff',
        );
        return;
      case 'stalled':
        logger.warn(
          { reason: outcome.error.reason, error: outcome.error.message },
          'Reconcile stalled; retrying at resync',
        );
        return;
      case 'terminal':
        logger.warn(
          { reason: outcome.error.reason, error: outcome.error.message },
          'Reconcile failed terminally; waiting for a spec change',
        );
        return;
    }
  }

  private fingerprint(object: Readonly<K>): string {
    if (this.options.terminalFingerprint) return this.options.terminalFingerprint(object);
    return `${object.metadata?.generation ?? ''}/${object.metadata?.deletionTimestamp ?? ''}`;
  }

  private resyncDelay(key: string, object: Readonly<K>): number {
    const resync = this.options.resync ?? DEFAULT_RESYNC;
    const jittered = jitter(resync.periodMs, resync.jitterFraction, this.options.random);
    const chosen = this.options.resyncDelay?.(key, object, jittered) ?? jittered;
    // A hook's bad answer must not turn into a hot loop or a key never looked at again.
    return Number.isFinite(chosen) && chosen >= 0 ? chosen : jittered;
  }
}
