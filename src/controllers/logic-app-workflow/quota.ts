// Quota arithmetic (docs/design.md guarantee 6): Azure's limits for Consumption workflows, counted
// before a create so a create that would exceed one is never attempted, and again at every pass
// of an existing workflow so status.quota stays true. Pure; the step feeds it the subscription's
// workflows. Limits are settings; the defaults are Azure's documented ones: Microsoft Learn,
// "Limits and configuration reference for Azure Logic Apps" (logic-apps-limits-and-config.md,
// ms.date 2024-05-20): 1,000 Consumption workflows per region per subscription, and 5,000
// Consumption logic apps with a managed identity per subscription per region (an older
// revision of the page said 1,000).
import type { QuotaUsage } from '../../crds/index.ts';
import type { WorkflowPlacement } from './workflow-counts.ts';
import { normalizeLocation } from './workflow-diff.ts';

export interface WorkflowQuotaLimits {
  workflowsPerRegion: number;
  managedIdentityWorkflowsPerSubscriptionRegion: number;
}

export const DEFAULT_WORKFLOW_QUOTA: WorkflowQuotaLimits = {
  workflowsPerRegion: 1_000,
  managedIdentityWorkflowsPerSubscriptionRegion: 5_000,
};

export const WORKFLOWS_PER_REGION = 'WorkflowsPerRegion';
export const MANAGED_IDENTITY_WORKFLOWS = 'ManagedIdentityWorkflowsPerSubscriptionRegion';

export interface QuotaCheck {
  usage: QuotaUsage[];
  /** Whether the check was made before a create. */
  creating: boolean;
  /** Before a create: the limits one more workflow would exceed; after: the limits already passed. */
  exceeded: QuotaUsage[];
}

export function checkWorkflowQuota(input: {
  /** The subscription's workflows as Azure lists them (the checked one included once it exists). */
  existing: readonly WorkflowPlacement[];
  subscriptionId: string;
  location: string;
  /** The identity the workflow has, or will have once created. */
  identityType: string;
  limits: WorkflowQuotaLimits;
  /**
   * True before a create: exceeded means one more would pass a limit. False for a workflow that
   * exists (it is in `existing`): exceeded means the region is already past a limit, which
   * blocks new workflows there but never this one's updates.
   */
  creating?: boolean;
}): QuotaCheck {
  const creating = input.creating ?? true;
  const region = normalizeLocation(input.location);
  const scope = `/subscriptions/${input.subscriptionId}/locations/${region}`;
  const inRegion = input.existing.filter((workflow) => normalizeLocation(workflow.location) === region);
  const usage: QuotaUsage[] = [
    { name: WORKFLOWS_PER_REGION, scope, used: inRegion.length, limit: input.limits.workflowsPerRegion },
  ];
  // A workflow without an identity does not count against the managed-identity limit.
  if (input.identityType !== 'None') {
    const withIdentity = inRegion.filter((workflow) => (workflow.identity.type ?? 'None') !== 'None');
    usage.push({
      name: MANAGED_IDENTITY_WORKFLOWS,
      scope,
      used: withIdentity.length,
      limit: input.limits.managedIdentityWorkflowsPerSubscriptionRegion,
    });
  }
  const headroom = creating ? 1 : 0;
  return { usage, creating, exceeded: usage.filter((entry) => entry.used + headroom > entry.limit) };
}

/** The usage once the checked create went through: the new workflow counts against each limit. */
export function afterCreate(check: QuotaCheck): QuotaCheck {
  const usage = check.usage.map((entry) => ({ ...entry, used: entry.used + 1 }));
  return { usage, creating: false, exceeded: usage.filter((entry) => entry.used > entry.limit) };
}

export function describeQuota(check: QuotaCheck): string {
  if (check.exceeded.length === 0) {
    return `Within limits: ${check.usage.map((u) => `${u.name} ${u.used}/${u.limit}`).join(', ')}.`;
  }
  const full = check.exceeded.map((u) => `${u.name} ${u.used}/${u.limit} in ${u.scope}`).join(', ');
  if (!check.creating) {
    return `The region is past ${full}: this workflow is unaffected (updates are never blocked), but new workflows there will be refused. Delete unused workflows in that region, or raise the operator's quota setting if Azure granted more.`;
  }
  return `Creating this workflow would exceed ${full}; nothing was created. Delete unused workflows in that region, raise the operator's quota setting if Azure granted more, or choose another location.`;
}
