import { describe, expect, it } from 'vitest';
import type { ObservedWorkflow } from '../../../../src/azure/index.ts';
import { checkWorkflowQuota, describeQuota } from '../../../../src/controllers/logic-app-workflow/quota.ts';

const workflow = (location: string, identity: string): ObservedWorkflow => ({
  id: `id-${Math.random()}`,
  name: 'w',
  location,
  tags: {},
  identity: { type: identity },
  parameters: {},
});

const existing = [
  workflow('westeurope', 'SystemAssigned'),
  workflow('West Europe', 'UserAssigned'),
  workflow('westeurope', 'None'),
  workflow('northeurope', 'SystemAssigned'),
];

describe('checkWorkflowQuota', () => {
  it('counts workflows and managed-identity workflows in the region only', () => {
    const check = checkWorkflowQuota({
      existing,
      subscriptionId: 'sub',
      location: 'westeurope',
      identityType: 'SystemAssigned',
      limits: { workflowsPerRegion: 10, managedIdentityWorkflowsPerSubscriptionRegion: 10 },
    });
    expect(check.usage).toEqual([
      { name: 'WorkflowsPerRegion', scope: '/subscriptions/sub/locations/westeurope', used: 3, limit: 10 },
      {
        name: 'ManagedIdentityWorkflowsPerSubscriptionRegion',
        scope: '/subscriptions/sub/locations/westeurope',
        used: 2,
        limit: 10,
      },
    ]);
    expect(check.exceeded).toEqual([]);
    expect(describeQuota(check)).toMatch(/^Within limits/);
  });

  it('refuses a create that would go over a limit, and allows one that reaches it', () => {
    const base = { existing, subscriptionId: 'sub', location: 'westeurope', identityType: 'SystemAssigned' };
    const atLimit = checkWorkflowQuota({
      ...base,
      limits: { workflowsPerRegion: 4, managedIdentityWorkflowsPerSubscriptionRegion: 3 },
    });
    expect(atLimit.exceeded).toEqual([]);
    const over = checkWorkflowQuota({
      ...base,
      limits: { workflowsPerRegion: 4, managedIdentityWorkflowsPerSubscriptionRegion: 2 },
    });
    expect(over.exceeded.map((u) => u.name)).toEqual(['ManagedIdentityWorkflowsPerSubscriptionRegion']);
    expect(describeQuota(over)).toContain('ManagedIdentityWorkflowsPerSubscriptionRegion 2/2');
  });

  it('does not count the managed-identity limit for a workflow without identity', () => {
    const check = checkWorkflowQuota({
      existing,
      subscriptionId: 'sub',
      location: 'westeurope',
      identityType: 'None',
      limits: { workflowsPerRegion: 10, managedIdentityWorkflowsPerSubscriptionRegion: 0 },
    });
    expect(check.usage.map((u) => u.name)).toEqual(['WorkflowsPerRegion']);
    expect(check.exceeded).toEqual([]);
  });
});
