// The cache one informer fills and everyone else reads. Reader and writer are different
// views (kube-rs's Store/Writer): controllers get `WatchedSource`, only the informer writes.
// Objects are deep-frozen on the way in, so a reconcile that forgets to copy fails loudly
// instead of corrupting the cache (style-anchors §7 pitfall 13). On the same walk their strings
// are shared (StringPool below).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { deepFreeze, type ShareString } from './deep-freeze.ts';
import { keyOf } from './object-key.ts';

export type CacheEvent<K> =
  | { type: 'added'; object: Readonly<K> }
  | { type: 'updated'; object: Readonly<K>; previous: Readonly<K> }
  | { type: 'deleted'; object: Readonly<K> };

export type CacheEventHandler<K> = (event: CacheEvent<K>) => void;

/** The read side: what a controller sees of a cache. */
export interface WatchedSource<K> {
  get(key: string): Readonly<K> | undefined;
  list(): Readonly<K>[];
  keys(): string[];
  /** Handlers should only enqueue keys. They run synchronously; a throw is logged, never propagated. */
  subscribe(handler: CacheEventHandler<K>): () => void;
  /** True once every watched scope has been listed once (stays true through relists). */
  readonly hasSynced: boolean;
  /**
   * True when `subscribe` hears of every change (an informer's store), so an index can be kept
   * from events (cache-index.ts); a source that is only a view over something else is filtered.
   */
  readonly reportsEveryChange?: boolean;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

export class ObjectStore<K extends KubernetesObject> implements WatchedSource<K> {
  private readonly objects = new Map<string, Readonly<K>>();
  private readonly strings = new StringPool();
  private readonly shareString: ShareString = (key, value) =>
    UNSHARED_KEYS.has(key) ? value : this.strings.intern(value);
  private readonly handlers = new Set<CacheEventHandler<K>>();
  private synced = false;
  readonly reportsEveryChange = true;
  private readonly syncWaiters: Array<() => void> = [];

  constructor(private readonly logger: Logger) {}

  get(key: string): Readonly<K> | undefined {
    return this.objects.get(key);
  }

  list(): Readonly<K>[] {
    return [...this.objects.values()];
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  get size(): number {
    return this.objects.size;
  }

  subscribe(handler: CacheEventHandler<K>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted while waiting for cache sync'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  // ---- writer side: used by the informer only ----

  markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const waiter of this.syncWaiters.splice(0)) waiter();
  }

  upsert(incoming: K): void {
    const object = deepFreeze(incoming, this.shareString) as Readonly<K>;
    const key = keyOf(object);
    const previous = this.objects.get(key);
    this.objects.set(key, object);
    if (!previous) this.emit({ type: 'added', object });
    else if (previous.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
      this.emit({ type: 'updated', object, previous });
    }
  }

  remove(incoming: K): void {
    const key = keyOf(incoming);
    const previous = this.objects.get(key);
    if (!previous) return;
    this.objects.delete(key);
    // The last state we knew is what a mapping function needs (e.g. the workflow a binding named).
    this.emit({ type: 'deleted', object: previous });
  }

  /**
   * Replaces every object whose key `inScope` accepts with the result of a fresh list, and
   * emits what changed: deletes missed during a watch outage are seen here.
   */
  replaceScope(inScope: (key: string) => boolean, listed: K[]): void {
    const seen = new Set<string>();
    for (const object of listed) {
      seen.add(keyOf(object));
      this.upsert(object);
    }
    for (const [key, object] of [...this.objects]) {
      if (inScope(key) && !seen.has(key)) {
        this.objects.delete(key);
        this.emit({ type: 'deleted', object });
      }
    }
  }

  private emit(event: CacheEvent<K>): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        // A handler bug must not kill the watch or skip the other handlers (pitfall 6).
        this.logger.error(
          { err: error, event: event.type, key: keyOf(event.object) },
          'Cache event handler threw',
        );
      }
    }
  }
}

/**
 * One copy of each string that many cached objects repeat. JSON.parse gives every object its own
 * copy of every string value: 1,000 workflows from one template held 1,000 copies of the
 * definition's schema URL, expressions and descriptions, and every object its own copy of the
 * namespace, apiVersion, kind, finalizer, location, vault id (heap snapshot at 2,000 objects,
 * docs/benchmark.md, "Memory"). Sharing them takes ~30 % off a cached workflow.
 *
 * Strings that are unique per object or per version (see UNSHARED_KEYS) are not offered, and the
 * pool is bounded: when full it starts over, so unique strings it took in anyway (messages, ids)
 * cannot pile up; a string repeated across objects is pooled again on its next arrival.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  constructor(
    private readonly maxEntries = 8_192,
    private readonly maxLength = 256,
  ) {}

  intern(value: string): string {
    if (value.length > this.maxLength) return value;
    const pooled = this.pool.get(value);
    if (pooled !== undefined) return pooled;
    if (this.pool.size >= this.maxEntries) this.pool.clear();
    this.pool.set(value, value);
    return value;
  }

  get size(): number {
    return this.pool.size;
  }
}

/** Values unique to one object or one version of it: pooling them would only churn the pool. */
const UNSHARED_KEYS = new Set(['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'name']);
