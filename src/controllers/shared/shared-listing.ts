// One listing of a subscription's resources, shared by every quota check for a short while.
// Listing the whole subscription for each create made a burst of N creates cost N full lists
// (every page each time: quadratic in reads). Instead one list per subscription serves every
// check for `ttlMs`, and the creates this controller made since that list started are added
// locally, so the count never lags behind our own writes. Deletes are not subtracted: until the
// next list the count can only be too high, which blocks nothing Azure would have allowed for long.
import type { Clock } from '../../runtime/index.ts';

export const DEFAULT_QUOTA_LIST_TTL_MS = 30_000;

interface Listing<T> {
  startedAt: number;
  items: readonly T[];
}

export class SharedListing<T> {
  private readonly listings = new Map<string, Listing<T>>();
  private readonly inFlight = new Map<string, Promise<Listing<T>>>();
  private readonly created = new Map<string, Array<{ at: number; item: T }>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS,
  ) {}

  /**
   * The subscription's items: the last listing if younger than the TTL (else a new one, shared
   * by concurrent callers), plus the creates noted since that listing started.
   */
  async items(
    subscriptionId: string,
    list: () => Promise<readonly T[]>,
    /** List now whatever the last listing's age (a reconcile request). */
    fresh = false,
  ): Promise<T[]> {
    const key = subscriptionId.toLowerCase();
    let listing = this.listings.get(key);
    if (fresh || !listing || this.clock.now() - listing.startedAt >= this.ttlMs) {
      listing = await this.refresh(key, list, fresh);
    }
    const since = listing.startedAt;
    const created = (this.created.get(key) ?? []).filter((entry) => entry.at >= since);
    this.created.set(key, created);
    return [...listing.items, ...created.map((entry) => entry.item)];
  }

  /**
   * The subscription's items if a listing younger than the TTL is at hand (plus the creates
   * noted since), without listing; undefined otherwise.
   */
  cached(subscriptionId: string): T[] | undefined {
    const key = subscriptionId.toLowerCase();
    const listing = this.listings.get(key);
    if (!listing || this.clock.now() - listing.startedAt >= this.ttlMs) return undefined;
    const created = (this.created.get(key) ?? []).filter((entry) => entry.at >= listing.startedAt);
    return [...listing.items, ...created.map((entry) => entry.item)];
  }

  /** A create this controller just made (counted until a listing that started after it). */
  noteCreated(subscriptionId: string, item: T): void {
    const key = subscriptionId.toLowerCase();
    const entries = this.created.get(key) ?? [];
    entries.push({ at: this.clock.now(), item });
    this.created.set(key, entries);
  }

  private refresh(key: string, list: () => Promise<readonly T[]>, fresh: boolean): Promise<Listing<T>> {
    // A fresh listing must start now: one already in flight may predate what the caller wants seen.
    const running = this.inFlight.get(key);
    if (running && !fresh) return running;
    const startedAt = this.clock.now();
    const listing = list()
      .then((items) => {
        const result: Listing<T> = { startedAt, items };
        const kept = this.listings.get(key);
        if (!kept || kept.startedAt <= startedAt) this.listings.set(key, result);
        return result;
      })
      .finally(() => {
        if (this.inFlight.get(key) === listing) this.inFlight.delete(key);
      });
    this.inFlight.set(key, listing);
    return listing;
  }
}
