// The quota check's view of a subscription's workflows, shared by every workflow whose namespace
// acts as the same Azure identity: one listing per (actor, subscription) for a short while plus
// our own creates since, whoever made them (shared-listing.ts; issue 23).
//
// Two listings, so reporting does not change what a create decides on. A create counts from a
// listing a create started (as before status.quota was refreshed at every pass): if resyncs kept
// that listing warm, a create would decide on a count up to a TTL old much more often, and miss
// workflows made outside logicops meanwhile. Reports (status.quota of existing workflows, at
// every pass) take the creates' listing when it is young enough, else their own: at most one
// listing per subscription per TTL for reports, whatever the number of workflows.
import type { Clock } from '../../runtime/index.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS, SharedListing } from '../shared/shared-listing.ts';

export { DEFAULT_QUOTA_LIST_TTL_MS };

/** What the quota arithmetic needs of a workflow: where it is and whether it has an identity. */
export interface WorkflowPlacement {
  location: string;
  identity: { type?: string };
}

export class WorkflowCounts {
  private readonly forCreates: SharedListing<WorkflowPlacement>;
  private readonly forReports: SharedListing<WorkflowPlacement>;

  constructor(clock: Clock, ttlMs: number = DEFAULT_QUOTA_LIST_TTL_MS) {
    this.forCreates = new SharedListing(clock, ttlMs);
    this.forReports = new SharedListing(clock, ttlMs);
  }

  /** Before a create: the workflows as of the creates' shared listing, plus the creates noted since. */
  workflows(
    /** AzureActor.key of who lists; `list` must list as that actor. */
    actor: string,
    subscriptionId: string,
    list: () => Promise<readonly WorkflowPlacement[]>,
    /** List now whatever the last listing's age (a reconcile request). */
    fresh = false,
  ): Promise<WorkflowPlacement[]> {
    return this.forCreates.items(actor, subscriptionId, async () => (await list()).map(placementOf), fresh);
  }

  /** For status: the youngest listing at hand, the creates' or the reports' own (listed when neither is). */
  async report(
    actor: string,
    subscriptionId: string,
    list: () => Promise<readonly WorkflowPlacement[]>,
    fresh = false,
  ): Promise<WorkflowPlacement[]> {
    if (!fresh) {
      const fromCreates = this.forCreates.cached(actor, subscriptionId);
      if (fromCreates) return fromCreates;
    }
    return this.forReports.items(actor, subscriptionId, async () => (await list()).map(placementOf), fresh);
  }

  /** A create this controller just made, as any actor (counted until a listing that started after it). */
  noteCreated(subscriptionId: string, workflow: WorkflowPlacement): void {
    this.forCreates.noteCreated(subscriptionId, placementOf(workflow));
    this.forReports.noteCreated(subscriptionId, placementOf(workflow));
  }
}

/** Only what the arithmetic needs (the listing would otherwise keep whole workflows). */
export function placementOf(workflow: WorkflowPlacement): WorkflowPlacement {
  return { location: workflow.location, identity: { type: workflow.identity.type } };
}
