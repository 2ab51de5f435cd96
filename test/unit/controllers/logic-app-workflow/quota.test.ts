import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ObservedWorkflow } from '../../../../src/azure/index.ts';
import { loadConfig, OPTIONS } from '../../../../src/config.ts';
import {
  afterCreate,
  checkWorkflowQuota,
  DEFAULT_WORKFLOW_QUOTA,
  describeQuota,
} from '../../../../src/controllers/logic-app-workflow/quota.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

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

describe('checkWorkflowQuota for a workflow that exists', () => {
  const limits = { workflowsPerRegion: 3, managedIdentityWorkflowsPerSubscriptionRegion: 2 };
  const base = {
    existing,
    subscriptionId: 'sub',
    location: 'westeurope',
    identityType: 'SystemAssigned',
    limits,
  };

  it('counts it among the existing ones and reports a limit only once the region is past it', () => {
    const atLimit = checkWorkflowQuota({ ...base, creating: false });
    expect(atLimit.usage.map((u) => u.used)).toEqual([3, 2]);
    expect(atLimit.exceeded).toEqual([]);
    const past = checkWorkflowQuota({
      ...base,
      limits: { ...limits, workflowsPerRegion: 2 },
      creating: false,
    });
    expect(past.exceeded.map((u) => u.name)).toEqual(['WorkflowsPerRegion']);
    expect(describeQuota(past)).toContain('this workflow is unaffected');
  });

  it('counts a create it allowed once the create went through', () => {
    const created = afterCreate(
      checkWorkflowQuota({ ...base, limits: { ...limits, workflowsPerRegion: 4 } }),
    );
    expect(created.usage.map((u) => u.used)).toEqual([4, 3]);
    expect(created.creating).toBe(false);
    expect(created.exceeded.map((u) => u.name)).toEqual(['ManagedIdentityWorkflowsPerSubscriptionRegion']);
  });
});

// Microsoft Learn, "Limits and configuration reference for Azure Logic Apps"
// (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config, source
// MicrosoftDocs/azure-docs articles/logic-apps/logic-apps-limits-and-config.md, ms.date 2024-05-20):
// "Workflows per region per Azure subscription — Consumption: 1,000 workflows" and "Number of logic
// apps that have a managed identity in an Azure subscription per region — Consumption: 5,000 logic
// apps" (the 2023-10-09 revision said 1,000; the 2019 one said 100).
describe("the quota defaults are Azure's documented limits, everywhere they are stated", () => {
  const DOCUMENTED = { workflowsPerRegion: 1_000, managedIdentityWorkflowsPerSubscriptionRegion: 5_000 };

  it('in the controller and the operator configuration', () => {
    expect(DEFAULT_WORKFLOW_QUOTA).toEqual(DOCUMENTED);
    const config = loadConfig([], { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'x' });
    expect(config.quota).toMatchObject(DOCUMENTED);
  });

  it('in the README, the operations guide and the chart', () => {
    const flags = {
      'quota-workflows-per-region': DOCUMENTED.workflowsPerRegion,
      'quota-identity-workflows-per-region': DOCUMENTED.managedIdentityWorkflowsPerSubscriptionRegion,
    } as const;
    for (const [flag, limit] of Object.entries(flags)) {
      expect((OPTIONS[flag as keyof typeof OPTIONS] as { default?: string }).default).toBe(String(limit));
      const readme = read('README.md')
        .split('\n')
        .find((line) => line.startsWith(`| \`--${flag}\` |`));
      expect(readme?.split('|')[3]?.trim()).toBe(`\`${limit}\``);
      const guide = read('docs/operations.md')
        .split('\n')
        .find((line) => line.includes(`| \`--${flag}\` |`));
      expect(guide?.split('|')[3]?.trim()).toBe(String(limit));
    }
    const values = parse(read('deploy/helm/logicops/values.yaml')) as {
      operator: { quota: { workflowsPerRegion: number; identityWorkflowsPerRegion: number } };
    };
    expect(values.operator.quota.workflowsPerRegion).toBe(DOCUMENTED.workflowsPerRegion);
    expect(values.operator.quota.identityWorkflowsPerRegion).toBe(
      DOCUMENTED.managedIdentityWorkflowsPerSubscriptionRegion,
    );
  });
});
