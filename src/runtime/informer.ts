// An informer: list, then watch from the list's resourceVersion, forever, for one kind in the
// namespaces and label selector the operator is configured with, into one ObjectStore.
//
// Written over client-node's `Watch` and a plain list instead of `makeInformer`, because each
// of ListWatch's known pitfalls (style-anchors §7) is easier to close in a loop we own:
//  1/5  any error        → back off (800 ms → 30 s, jittered) and resume; never stops by itself,
//                           never re-created (9): one loop per scope for the informer's life
//  2    list errors      → ours, logged and retried like any other
//  3/4  silent hangs     → client-node ≥ 2.0.1's 30 s inactivity timer ends a dead stream; bookmarks
//                           keep a healthy quiet watch alive; a full relist every `relistIntervalMs`
//                           (and the controller's resync) bound any drift
//  6    handler throws   → the store calls handlers inside try/catch; our watch callback catches too
//                           (client-node would silently swallow a throw and lose the event)
//  7    dropped lines    → the periodic relist repairs the cache; resync re-reconciles
//  8    no paging etc.   → lists are paged (limit 500), bookmarks requested, managedFields stripped,
//                           scope = namespaces + label selector
//  10   410 Gone         → in-stream ERROR or HTTP 410 both clear the resourceVersion and relist
//  11   path vs list     → both built from one ResourceKind + namespace + selector
//  12   autostart        → nothing happens until `start()`
//  13   shared objects   → the store deep-freezes; controllers hand reconciles a structuredClone
import type { KubernetesObject, V1Status } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { type BackoffPolicy, backoffDelay, jitter } from './backoff.ts';
import { type Clock, sleep, systemClock } from './clock.ts';
import type { ListWatchClient, ResourceKind, WatchEventType } from './kube-client.ts';
import { httpStatusOf, isGone } from './kube-errors.ts';
import { type CacheEventHandler, ObjectStore, type WatchedSource } from './object-store.ts';

export const RECONNECT_BACKOFF: BackoffPolicy = { baseDelayMs: 800, maxDelayMs: 30_000, factor: 2 };

export interface InformerObserver {
  listed?(namespace: string | undefined, count: number): void;
  /** A watch or list failed; the informer backs off `retryInMs` and resumes. */
  failed?(namespace: string | undefined, error: unknown, retryInMs: number): void;
  /** The stored resourceVersion expired (410): a relist follows. */
  expired?(namespace: string | undefined): void;
}

export interface InformerOptions<K extends KubernetesObject> {
  client: ListWatchClient;
  kind: ResourceKind;
  /** The namespaces to watch; empty or omitted means every namespace (one cluster-wide watch). */
  namespaces?: readonly string[];
  labelSelector?: string;
  logger: Logger;
  clock?: Clock;
  pageSize?: number;
  reconnectBackoff?: BackoffPolicy;
  /** A full relist at least this often, even when the watch is healthy. Default 30 min. */
  relistIntervalMs?: number;
  /** Server-side watch timeout; default random 5–10 min, like client-go, so watches don't end together. */
  watchTimeoutSeconds?: () => number;
  /** Applied to every object before it is cached. Default: drop metadata.managedFields (memory). */
  transform?: (object: K) => K;
  /**
   * List and watch metadata only (PartialObjectMetadata): for a kind whose changes matter but
   * whose content is read, when needed, with a GET. The cache then holds metadata, whatever the
   * objects' size.
   */
  metadataOnly?: boolean;
  observer?: InformerObserver;
  random?: () => number;
}

type WatchEnd =
  | { kind: 'closed'; resourceVersion: string; events: number; startedAt: number }
  | { kind: 'expired' }
  | { kind: 'failed'; error: unknown; resourceVersion: string }
  | { kind: 'stopped' };

export class Informer<K extends KubernetesObject> implements WatchedSource<K> {
  private readonly store: ObjectStore<K>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly scopes: Array<string | undefined>;
  private readonly listedScopes = new Set<string | undefined>();
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private healthyAt: number | undefined;

  constructor(private readonly options: InformerOptions<K>) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger.child({
      informer: options.kind.kind,
      labelSelector: options.labelSelector,
    });
    this.store = new ObjectStore<K>(this.logger);
    const namespaces = options.namespaces ?? [];
    if (namespaces.length > 0 && !options.kind.namespaced) {
      throw new Error(`${options.kind.kind} is cluster-scoped; it cannot be watched per namespace`);
    }
    this.scopes = namespaces.length > 0 ? [...new Set(namespaces)] : [undefined];
  }

  /** Starts one list+watch loop per namespace. Returns at once; use `waitForSync`. */
  start(): void {
    if (this.abort) throw new Error(`informer for ${this.options.kind.kind} already started`);
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loops = this.scopes.map((namespace) => this.runScope(namespace, signal));
  }

  /** Ends every watch and waits for the loops to exit. The cache stays readable. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await Promise.all(this.loops);
  }

  /** Last successful list, watch event or clean watch end: for a readiness probe (part 2). */
  get lastHealthyAt(): number | undefined {
    return this.healthyAt;
  }

  get(key: string): Readonly<K> | undefined {
    return this.store.get(key);
  }

  list(): Readonly<K>[] {
    return this.store.list();
  }

  keys(): string[] {
    return this.store.keys();
  }

  subscribe(handler: CacheEventHandler<K>): () => void {
    return this.store.subscribe(handler);
  }

  get hasSynced(): boolean {
    return this.store.hasSynced;
  }

  readonly reportsEveryChange = true;

  waitForSync(signal?: AbortSignal): Promise<void> {
    return this.store.waitForSync(signal);
  }

  private async runScope(namespace: string | undefined, signal: AbortSignal): Promise<void> {
    const logger = namespace ? this.logger.child({ namespace }) : this.logger;
    const relistIntervalMs = this.options.relistIntervalMs ?? 30 * 60_000;
    let resourceVersion: string | undefined;
    let listedAt = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined || this.clock.now() - listedAt >= relistIntervalMs) {
          resourceVersion = await this.listScope(namespace);
          listedAt = this.clock.now();
          failures = 0;
          logger.debug({ resourceVersion }, 'Listed objects');
        }
        const end = await this.watchScope(namespace, resourceVersion, signal);
        switch (end.kind) {
          case 'stopped':
            return;
          case 'expired':
            logger.info('Watch resourceVersion expired; relisting');
            this.options.observer?.expired?.(namespace);
            resourceVersion = undefined;
            continue;
          case 'failed':
            resourceVersion = end.resourceVersion;
            throw end.error;
          case 'closed': {
            resourceVersion = end.resourceVersion;
            // A watch that ends at once with nothing in it, again and again, would be a hot loop.
            const unproductive = end.events === 0 && this.clock.now() - end.startedAt < 1_000;
            if (!unproductive) {
              failures = 0;
              continue;
            }
            throw new Error('watch closed immediately without events');
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        const retryInMs = jitter(
          backoffDelay(this.options.reconnectBackoff ?? RECONNECT_BACKOFF, failures),
          0.2,
          this.random,
        );
        failures++;
        if (isGone(error)) resourceVersion = undefined;
        logger.warn(
          { err: error, status: httpStatusOf(error), retryInMs, failures },
          'List or watch failed; retrying after backoff',
        );
        this.options.observer?.failed?.(namespace, error, retryInMs);
        await sleep(this.clock, retryInMs, signal);
      }
    }
  }

  /** Lists every page of the scope, swaps it into the store, and returns the list's resourceVersion. */
  private async listScope(namespace: string | undefined): Promise<string> {
    const items: K[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.client.list<K>(this.options.kind, namespace, {
        labelSelector: this.options.labelSelector,
        limit: this.options.pageSize ?? 500,
        continueToken,
        ...(this.options.metadataOnly ? { metadataOnly: true } : {}),
      });
      items.push(...page.items.map((item) => this.transform(item)));
      resourceVersion = page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken);
    const prefix = namespace ? `${namespace}/` : '';
    this.store.replaceScope((key) => key.startsWith(prefix), items);
    this.healthyAt = this.clock.now();
    this.options.observer?.listed?.(namespace, items.length);
    this.listedScopes.add(namespace);
    if (this.listedScopes.size === this.scopes.length) this.store.markSynced();
    return resourceVersion;
  }

  private watchScope(
    namespace: string | undefined,
    fromVersion: string,
    signal: AbortSignal,
  ): Promise<WatchEnd> {
    return new Promise((resolve) => {
      const startedAt = this.clock.now();
      let resourceVersion = fromVersion;
      let events = 0;
      let settled = false;
      let endWatch: (() => void) | undefined;
      const finish = (end: WatchEnd) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        endWatch?.();
        resolve(end);
      };
      const onAbort = () => finish({ kind: 'stopped' });
      signal.addEventListener('abort', onAbort, { once: true });

      const onEvent = (type: WatchEventType, object: K) => {
        // client-node swallows anything thrown here (and the event with it), so nothing may escape.
        try {
          if (settled) return;
          if (type === 'ERROR') {
            const status = object as unknown as V1Status;
            if (status.code === 410) return finish({ kind: 'expired' });
            const error = Object.assign(
              new Error(`watch error: ${status.reason ?? ''} ${status.message ?? ''}`),
              {
                statusCode: status.code,
              },
            );
            return finish({ kind: 'failed', error, resourceVersion });
          }
          if (type === 'ADDED' || type === 'MODIFIED') this.store.upsert(this.transform(object));
          else if (type === 'DELETED') this.store.remove(object);
          resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          events++;
          this.healthyAt = this.clock.now();
        } catch (error) {
          finish({ kind: 'failed', error, resourceVersion });
        }
      };
      const onDone = (error: unknown) => {
        if (!error || isInactivityTimeout(error)) {
          // The server's timeoutSeconds, or a quiet stream: resume from where we are.
          if (!error) this.healthyAt = this.clock.now();
          return finish({ kind: 'closed', resourceVersion, events, startedAt });
        }
        if (isGone(error)) return finish({ kind: 'expired' });
        finish({ kind: 'failed', error, resourceVersion });
      };

      const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? Math.round(300 + this.random() * 300);
      this.options.client
        .watch<K>(
          this.options.kind,
          namespace,
          {
            resourceVersion: fromVersion,
            labelSelector: this.options.labelSelector,
            timeoutSeconds,
            ...(this.options.metadataOnly ? { metadataOnly: true } : {}),
          },
          onEvent,
          onDone,
        )
        .then(
          (end) => {
            endWatch = end;
            if (settled) end();
          },
          (error: unknown) => finish({ kind: 'failed', error, resourceVersion }),
        );
    });
  }

  private transform(object: K): K {
    if (this.options.transform) return this.options.transform(object);
    if (!object.metadata?.managedFields) return object;
    const { managedFields: _dropped, ...metadata } = object.metadata;
    return { ...object, metadata };
  }
}

function isInactivityTimeout(error: unknown): boolean {
  // client-node reports its inactivity timer as a DOMException named TimeoutError.
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}
