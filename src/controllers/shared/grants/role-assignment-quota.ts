// The role-assignment quota of a subscription (Azure's limit is 4,000 per subscription), one
// budget for every kind that creates role assignments: a VaultSecretBinding in RBAC mode and a
// WorkflowRoleAssignment count against the same figure, through the same shared count
// (role-assignment-counts.ts). Listing a subscription's assignments is costly, so it is counted
// only when a create is coming, or when status has no figure yet; otherwise the last figure stays.
import type { QuotaUsage } from '../../../crds/index.ts';
import type { Outcome } from '../frame/outcome.ts';
import type { RoleAssignmentCounts } from './role-assignment-counts.ts';
import { quotaWouldExceed } from './write-refusals.ts';

export const ROLE_ASSIGNMENTS_QUOTA = 'RoleAssignmentsPerSubscription';

export interface RoleAssignmentQuotaCheck {
  subscriptionId: string;
  limit: number;
  /** The figure status reports now (a hint for when not to count: never a write decision). */
  known: QuotaUsage | undefined;
  /** A create is coming: count now, and refuse it when the subscription is full. */
  creating: boolean;
  /** AzureActor.key of who counts; `countNow` counts as that actor. */
  actorKey: string;
  counts: RoleAssignmentCounts | undefined;
  /** A reconcile request asks for a count now, not one another object made. */
  fresh: boolean;
  countNow(): Promise<number>;
}

export interface RoleAssignmentQuota {
  quota: QuotaUsage;
  /** The outcome of a create that would exceed the limit (nothing was attempted). */
  exceeded?: Outcome;
}

export async function roleAssignmentQuota(check: RoleAssignmentQuotaCheck): Promise<RoleAssignmentQuota> {
  const { limit, creating } = check;
  if (!creating && check.known) return { quota: { ...check.known, limit } };
  const scope = `/subscriptions/${check.subscriptionId}`;
  const used = check.counts
    ? await check.counts.count(check.actorKey, check.subscriptionId, () => check.countNow(), check.fresh)
    : await check.countNow();
  if (creating && used >= limit) {
    return {
      quota: { name: ROLE_ASSIGNMENTS_QUOTA, scope, used, limit },
      exceeded: quotaWouldExceed(
        `subscription ${scope} already has ${used} of ${limit} role assignments; a new one would exceed the limit`,
      ),
    };
  }
  return { quota: { name: ROLE_ASSIGNMENTS_QUOTA, scope, used: used + (creating ? 1 : 0), limit } };
}
