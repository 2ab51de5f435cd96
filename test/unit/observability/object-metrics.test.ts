import { describe, expect, it } from 'vitest';
import type { Condition, QuotaUsage } from '../../../src/crds/index.ts';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';
import {
  collectObjectMetrics,
  countByReadyReason,
  quotaFigures,
} from '../../../src/observability/object-metrics.ts';

const VAULT = '/subscriptions/s1/resourceGroups/team-a/providers/Microsoft.KeyVault/vaults/kv-a';

function ready(status: Condition['status'], reason: string): { status: { conditions: Condition[] } } {
  return {
    status: { conditions: [{ type: 'Ready', status, reason, message: '', lastTransitionTime: '' }] },
  };
}

function withQuota(...quota: QuotaUsage[]) {
  return { status: { quota } };
}

describe('countByReadyReason', () => {
  it('counts by Ready status and reason; not yet reconciled objects have no reason', () => {
    const counts = countByReadyReason([
      ready('True', 'Succeeded'),
      ready('True', 'Succeeded'),
      ready('False', 'NamespacePolicyDenied'),
      {},
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { ready: 'True', reason: 'Succeeded', count: 2 },
        { ready: 'False', reason: 'NamespacePolicyDenied', count: 1 },
        { ready: 'Unknown', reason: '', count: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });

  it('folds reasons and statuses outside the shared vocabulary, so a forged status adds no series', () => {
    const forged = Array.from({ length: 50 }, (_, i) => ready('False', `team-a-secret-${i}`));
    const counts = countByReadyReason([...forged, ready('Maybe' as Condition['status'], 'Succeeded')]);
    expect(counts).toEqual([
      { ready: 'False', reason: 'Unrecognized', count: 50 },
      { ready: 'Unknown', reason: 'Succeeded', count: 1 },
    ]);
  });
});

describe('quotaFigures', () => {
  it('takes each known limit once per object, with sane numbers only', () => {
    const figures = quotaFigures([
      withQuota(
        { name: 'AccessPoliciesPerVault', scope: VAULT, used: 3, limit: 1024 },
        { name: 'AccessPoliciesPerVault', scope: `${VAULT}-forged`, used: 1, limit: 1024 },
        { name: 'MadeUpLimit', scope: VAULT, used: 1, limit: 2 },
        { name: 'RoleAssignmentsPerSubscription', scope: '/subscriptions/s1', used: -1, limit: 4000 },
        { name: 'WorkflowsPerRegion', scope: '/subscriptions/s1/locations/westeurope', used: 4, limit: 0 },
      ),
      withQuota({
        name: 'WorkflowsPerRegion',
        scope: '/subscriptions/s1/locations/westeurope',
        used: 4,
        limit: 1000,
      }),
      {},
    ]);
    expect(figures).toEqual([
      { limit: 'AccessPoliciesPerVault', scope: VAULT, used: 3, max: 1024 },
      { limit: 'WorkflowsPerRegion', scope: '/subscriptions/s1/locations/westeurope', used: 4, max: 1000 },
    ]);
  });
});

describe('collectObjectMetrics', () => {
  it('renders what the caches hold at each scrape', async () => {
    const metrics = new OperatorMetrics();
    let workflows: object[] = [ready('False', 'Progressing')];
    const bindings = [
      {
        status: {
          ...ready('True', 'Succeeded').status,
          quota: [{ name: 'AccessPoliciesPerVault', scope: VAULT, used: 7, limit: 1024 }],
        },
      },
    ];
    collectObjectMetrics(metrics, [
      { kind: 'LogicAppWorkflow', list: () => workflows },
      { kind: 'VaultSecretBinding', list: () => bindings },
    ]);
    let { body } = await metrics.render();
    expect(body).toContain('logicops_objects{kind="LogicAppWorkflow",ready="False",reason="Progressing"} 1');
    expect(body).toContain('logicops_objects{kind="VaultSecretBinding",ready="True",reason="Succeeded"} 1');
    expect(body).toContain('logicops_quota_used{limit="AccessPoliciesPerVault"} 7');
    expect(body).not.toContain(VAULT);

    workflows = [ready('True', 'Succeeded')];
    ({ body } = await metrics.render());
    expect(body).toContain('logicops_objects{kind="LogicAppWorkflow",ready="False",reason="Progressing"} 0');
    expect(body).toContain('logicops_objects{kind="LogicAppWorkflow",ready="True",reason="Succeeded"} 1');
  });
});
