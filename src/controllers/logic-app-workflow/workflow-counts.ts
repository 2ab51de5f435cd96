// The quota check's view of a subscription's workflows, shared by every new workflow: one
// listing per subscription for a short while plus our own creates since (shared-listing.ts).
import type { Clock } from '../../runtime/index.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS, SharedListing } from '../shared/shared-listing.ts';

export { DEFAULT_QUOTA_LIST_TTL_MS };

/** What the quota arithmetic needs of a workflow: where it is and whether it has an identity. */
export interface WorkflowPlacement {
  location: string;
  identity: { type?: string };
}

export class WorkflowCounts {
  private readonly listing: SharedListing<WorkflowPlacement>;

  constructor(clock: Clock, ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS) {
    this.listing = new SharedListing(clock, ttlMs);
  }

  /** The subscription's workflows as of the shared listing, plus the creates noted since. */
  workflows(
    subscriptionId: string,
    list: () => Promise<readonly WorkflowPlacement[]>,
    /** List now whatever the last listing's age (a reconcile request). */
    fresh = false,
  ): Promise<WorkflowPlacement[]> {
    return this.listing.items(subscriptionId, async () => (await list()).map(placementOf), fresh);
  }

  /** A create this controller just made (counted until a listing that started after it). */
  noteCreated(subscriptionId: string, workflow: WorkflowPlacement): void {
    this.listing.noteCreated(subscriptionId, placementOf(workflow));
  }
}

/** Only what the arithmetic needs (the listing would otherwise keep whole workflows). */
export function placementOf(workflow: WorkflowPlacement): WorkflowPlacement {
  return { location: workflow.location, identity: { type: workflow.identity.type } };
}
