// The quota check's view of a subscription's workflows, shared by every new workflow. Listing
// the whole subscription for each create made a burst of N creates cost N full lists (pages of
// every workflow: quadratic). Instead one list per subscription serves every check for a short
// while, and the creates this controller made since that list started are added locally, so the
// count never lags behind our own writes. Deletes are not subtracted: until the next list the
// count can only be too high, which blocks nothing Azure would have allowed for long.
import type { Clock } from '../../runtime/index.ts';

/** What the quota arithmetic needs of a workflow: where it is and whether it has an identity. */
export interface WorkflowPlacement {
  location: string;
  identity: { type?: string };
}

interface Listing {
  startedAt: number;
  workflows: readonly WorkflowPlacement[];
}

export const DEFAULT_QUOTA_LIST_TTL_MS = 30_000;

export class WorkflowCounts {
  private readonly listings = new Map<string, Listing>();
  private readonly inFlight = new Map<string, Promise<Listing>>();
  private readonly created = new Map<string, Array<{ at: number; workflow: WorkflowPlacement }>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS,
  ) {}

  /**
   * The subscription's workflows: the last listing if younger than the TTL (else a new one,
   * shared by concurrent callers), plus the creates noted since that listing started.
   */
  async workflows(
    subscriptionId: string,
    list: () => Promise<readonly WorkflowPlacement[]>,
    /** List now whatever the last listing's age (a reconcile request). */
    fresh = false,
  ): Promise<WorkflowPlacement[]> {
    const key = subscriptionId.toLowerCase();
    let listing = this.listings.get(key);
    if (fresh || !listing || this.clock.now() - listing.startedAt >= this.ttlMs) {
      listing = await this.refresh(key, list, fresh);
    }
    const since = listing.startedAt;
    const created = (this.created.get(key) ?? []).filter((entry) => entry.at >= since);
    this.created.set(key, created);
    return [...listing.workflows, ...created.map((entry) => entry.workflow)];
  }

  /** A create this controller just made (counted until a listing that started after it). */
  noteCreated(subscriptionId: string, workflow: WorkflowPlacement): void {
    const key = subscriptionId.toLowerCase();
    const entries = this.created.get(key) ?? [];
    entries.push({
      at: this.clock.now(),
      workflow: { location: workflow.location, identity: { ...workflow.identity } },
    });
    this.created.set(key, entries);
  }

  private refresh(
    key: string,
    list: () => Promise<readonly WorkflowPlacement[]>,
    fresh: boolean,
  ): Promise<Listing> {
    // A fresh listing must start now: one already in flight may predate what the caller wants seen.
    const running = this.inFlight.get(key);
    if (running && !fresh) return running;
    const startedAt = this.clock.now();
    const listing = list()
      .then((workflows) => {
        const result: Listing = {
          startedAt,
          workflows: workflows.map((w) => ({ location: w.location, identity: { type: w.identity.type } })),
        };
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
