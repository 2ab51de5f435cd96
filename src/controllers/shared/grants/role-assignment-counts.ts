// The RBAC quota check's count of a subscription's role assignments, shared by every binding
// about to create one: a count lists every page of the subscription's assignments, so a burst of
// N creates cost N full listings (2.5 reads per binding at 200 bindings, more with every
// assignment added). One count per subscription and Azure actor now serves that actor's checks
// for a short while, plus the creates made since by any actor (shared-listing.ts).
import type { Clock } from '../../../runtime/index.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS, SharedListing } from '../shared-listing.ts';

export class RoleAssignmentCounts {
  /** Only the number matters: one placeholder per assignment. */
  private readonly listing: SharedListing<true>;

  constructor(clock: Clock, ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS) {
    this.listing = new SharedListing(clock, ttlMs);
  }

  async count(
    /** AzureActor.key of who counts; `countNow` must count as that actor. */
    actor: string,
    subscriptionId: string,
    countNow: () => Promise<number>,
    fresh = false,
  ): Promise<number> {
    const items = await this.listing.items(
      actor,
      subscriptionId,
      async () => new Array<true>(await countNow()).fill(true),
      fresh,
    );
    return items.length;
  }

  /** A role assignment this controller just created, as any actor (every actor's count includes it). */
  noteCreated(subscriptionId: string): void {
    this.listing.noteCreated(subscriptionId, true);
  }
}
