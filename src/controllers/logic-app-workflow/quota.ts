// Quota arithmetic (DESIGN.md guarantee 6): Azure's limits for Consumption workflows, counted
// before a create so a create that would exceed one is never attempted. Pure; the step feeds it
// the subscription's workflows. Limits are settings; these defaults are Azure's documented ones
// (azure-wire.md §8).
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
  /** The limits one more workflow would exceed. */
  exceeded: QuotaUsage[];
}

export function checkWorkflowQuota(input: {
  existing: readonly WorkflowPlacement[];
  subscriptionId: string;
  location: string;
  /** The identity the new workflow will have. */
  identityType: string;
  limits: WorkflowQuotaLimits;
}): QuotaCheck {
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
  return { usage, exceeded: usage.filter((entry) => entry.used + 1 > entry.limit) };
}

export function describeQuota(check: QuotaCheck): string {
  if (check.exceeded.length === 0) {
    return `Within limits: ${check.usage.map((u) => `${u.name} ${u.used}/${u.limit}`).join(', ')}.`;
  }
  const full = check.exceeded.map((u) => `${u.name} ${u.used}/${u.limit} in ${u.scope}`).join(', ');
  return `Creating this workflow would exceed ${full}; nothing was created. Delete unused workflows in that region, raise the operator's quota setting if Azure granted more, or choose another location.`;
}
