// One listing of a subscription's resources, shared by every quota check of one Azure actor for a
// short while. Listing the whole subscription for each create made a burst of N creates cost N
// full lists (every page each time: quadratic in reads). Instead one list per (actor,
// subscription) serves every check for `ttlMs`, and the creates this controller made since that
// list started are added locally, so the count never lags behind our own writes. Deletes are not
// subtracted: until the next list the count can only be too high, which blocks nothing Azure
// would have allowed for long.
//
// Per actor (issue 23): a namespace acting as its own identity counts with a listing it made
// itself — every ARM call of a namespace is made by its own principal, and an identity that may
// not list the subscription gets Azure's refusal rather than another identity's count. Our own
// creates are kept per subscription and added to every actor's count: the quota is the
// subscription's, whoever created.
import type { Clock } from '../../runtime/index.ts';
import { ReadsByActor } from './reads-by-actor.ts';

export const DEFAULT_QUOTA_LIST_TTL_MS = 30_000;

interface Listing<T> {
  startedAt: number;
  items: readonly T[];
}

interface Running<T> {
  startedAt: number;
  listing: Promise<Listing<T>>;
}

export class SharedListing<T> {
  /** subscription → actor key → its last listing. */
  private readonly listings = new ReadsByActor<Listing<T>>();
  /** subscription → actor key → its listing in flight. */
  private readonly inFlight = new ReadsByActor<Running<T>>();
  /** subscription → our creates (any actor's), until every listing in use holds them. */
  private readonly created = new Map<string, Array<{ at: number; item: T }>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS,
  ) {}

  /**
   * The subscription's items: `actor`'s last listing if younger than the TTL (else a new one,
   * shared by the actor's concurrent callers), plus the creates noted since that listing started.
   */
  async items(
    /** AzureActor.key of who lists; `list` must list as that actor. */
    actor: string,
    subscriptionId: string,
    list: () => Promise<readonly T[]>,
    /** List now whatever the last listing's age (a reconcile request). */
    fresh = false,
  ): Promise<T[]> {
    const key = subscriptionId.toLowerCase();
    let listing = this.listings.get(key, actor);
    if (fresh || !listing || this.expired(listing)) {
      listing = await this.refresh(key, actor, list, fresh);
    }
    return [...listing.items, ...this.createdSince(key, listing.startedAt)];
  }

  /**
   * The subscription's items if `actor` has a listing younger than the TTL at hand (plus the
   * creates noted since), without listing; undefined otherwise.
   */
  cached(actor: string, subscriptionId: string): T[] | undefined {
    const key = subscriptionId.toLowerCase();
    const listing = this.listings.get(key, actor);
    if (!listing || this.expired(listing)) return undefined;
    return [...listing.items, ...this.createdSince(key, listing.startedAt)];
  }

  /** A create this controller just made, as any actor (counted until a listing that started after it). */
  noteCreated(subscriptionId: string, item: T): void {
    const key = subscriptionId.toLowerCase();
    const entries = this.created.get(key) ?? [];
    entries.push({ at: this.clock.now(), item });
    this.created.set(key, entries);
  }

  private expired(listing: Listing<T>): boolean {
    return this.clock.now() - listing.startedAt >= this.ttlMs;
  }

  /** Our creates since `since`; forgets those older than every listing of the subscription in use. */
  private createdSince(key: string, since: number): T[] {
    let oldest = since;
    for (const listing of this.listings.of(key)) {
      if (!this.expired(listing)) oldest = Math.min(oldest, listing.startedAt);
    }
    for (const running of this.inFlight.of(key)) oldest = Math.min(oldest, running.startedAt);
    // An expired listing is listed again before it is used: it holds nothing back, and goes.
    this.listings.prune((listing) => this.expired(listing));
    const kept = (this.created.get(key) ?? []).filter((entry) => entry.at >= oldest);
    if (kept.length > 0) this.created.set(key, kept);
    else this.created.delete(key);
    return kept.filter((entry) => entry.at >= since).map((entry) => entry.item);
  }

  private refresh(
    key: string,
    actor: string,
    list: () => Promise<readonly T[]>,
    fresh: boolean,
  ): Promise<Listing<T>> {
    // A fresh listing must start now: one already in flight may predate what the caller wants seen.
    const running = this.inFlight.get(key, actor);
    if (running && !fresh) return running.listing;
    const startedAt = this.clock.now();
    const listing = list()
      .then((items) => {
        const result: Listing<T> = { startedAt, items };
        const kept = this.listings.get(key, actor);
        if (!kept || kept.startedAt <= startedAt) this.listings.set(key, actor, result);
        return result;
      })
      .finally(() => {
        if (this.inFlight.get(key, actor)?.listing === listing) this.inFlight.delete(key, actor);
      });
    this.inFlight.set(key, actor, { startedAt, listing });
    return listing;
  }
}
