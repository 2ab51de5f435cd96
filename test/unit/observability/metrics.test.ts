import { describe, expect, it } from 'vitest';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';

const VAULT_A = '/subscriptions/s1/resourceGroups/team-a/providers/Microsoft.KeyVault/vaults/kv-a';
const VAULT_B = '/subscriptions/s1/resourceGroups/team-b/providers/Microsoft.KeyVault/vaults/kv-b';

describe('OperatorMetrics', () => {
  it('zeroes a reason that no object has any more instead of keeping its last count', async () => {
    const metrics = new OperatorMetrics();
    metrics.objects('LogicAppWorkflow', [
      { ready: 'False', reason: 'Throttled', count: 2 },
      { ready: 'True', reason: 'Succeeded', count: 5 },
    ]);
    metrics.objects('LogicAppWorkflow', [{ ready: 'True', reason: 'Succeeded', count: 7 }]);
    const { body } = await metrics.render();
    expect(body).toContain('logicops_objects{kind="LogicAppWorkflow",ready="False",reason="Throttled"} 0');
    expect(body).toContain('logicops_objects{kind="LogicAppWorkflow",ready="True",reason="Succeeded"} 7');
  });

  it('by default names no Azure scope: one quota series per limit, for the scope nearest its limit', async () => {
    const metrics = new OperatorMetrics();
    metrics.quota([
      { limit: 'AccessPoliciesPerVault', scope: VAULT_A, used: 10, max: 1024 },
      { limit: 'AccessPoliciesPerVault', scope: VAULT_B, used: 900, max: 1024 },
      { limit: 'RoleAssignmentsPerSubscription', scope: '/subscriptions/s1', used: 5, max: 4000 },
    ]);
    const { body } = await metrics.render();
    expect(body).not.toContain('scope=');
    expect(body).not.toContain('kv-');
    expect(body).not.toContain('/subscriptions/');
    expect(body).toContain('logicops_quota_used{limit="AccessPoliciesPerVault"} 900');
    expect(body).toContain('logicops_quota_limit{limit="AccessPoliciesPerVault"} 1024');
    expect(body).toContain('logicops_quota_used{limit="RoleAssignmentsPerSubscription"} 5');
  });

  it('with identifying labels, one quota series per scope; a scope no longer reported disappears', async () => {
    const metrics = new OperatorMetrics({ identifyingLabels: true });
    metrics.quota([
      { limit: 'AccessPoliciesPerVault', scope: VAULT_A, used: 10, max: 1024 },
      { limit: 'AccessPoliciesPerVault', scope: VAULT_A, used: 11, max: 1024 },
      { limit: 'AccessPoliciesPerVault', scope: VAULT_B, used: 900, max: 1024 },
    ]);
    let { body } = await metrics.render();
    expect(body).toContain(`logicops_quota_used{limit="AccessPoliciesPerVault",scope="${VAULT_A}"} 11`);
    expect(body).toContain(`logicops_quota_used{limit="AccessPoliciesPerVault",scope="${VAULT_B}"} 900`);
    metrics.quota([{ limit: 'AccessPoliciesPerVault', scope: VAULT_B, used: 901, max: 1024 }]);
    ({ body } = await metrics.render());
    expect(body).not.toContain(VAULT_A);
    expect(body).toContain(`logicops_quota_limit{limit="AccessPoliciesPerVault",scope="${VAULT_B}"} 1024`);
  });

  it('reports the ARM budget per class, the emptiest subscription by default and each with identifying labels', async () => {
    const figures = [
      { subscription: 'sub-a', class: 'read', remaining: 200 },
      { subscription: 'sub-b', class: 'read', remaining: 12 },
      { subscription: 'sub-a', class: 'write', remaining: 180 },
    ];
    const anonymous = new OperatorMetrics();
    anonymous.armBudget(figures);
    const { body } = await anonymous.render();
    expect(body).not.toContain('sub-');
    expect(body).toContain('logicops_arm_budget_remaining{class="read"} 12');
    expect(body).toContain('logicops_arm_budget_remaining{class="write"} 180');

    const identifying = new OperatorMetrics({ identifyingLabels: true });
    identifying.armBudget(figures);
    identifying.armBudget(figures.slice(1));
    const labelled = (await identifying.render()).body;
    expect(labelled).toContain('logicops_arm_budget_remaining{class="read",subscription="sub-b"} 12');
    expect(labelled).toContain('logicops_arm_budget_remaining{class="write",subscription="sub-a"} 180');
    // A series nobody reports any more disappears.
    expect(labelled).not.toContain('logicops_arm_budget_remaining{class="read",subscription="sub-a"}');
  });

  it('starts each controller at 0 reconciles of every result and 0 errors, as controller-runtime does', async () => {
    const metrics = new OperatorMetrics();
    metrics.reconcileObserver('vaultsecretbinding');
    const { body } = await metrics.render();
    expect(body).toContain('controller_runtime_reconcile_errors_total{controller="vaultsecretbinding"} 0');
    for (const result of ['success', 'requeue_after', 'error']) {
      expect(body).toContain(
        `controller_runtime_reconcile_total{controller="vaultsecretbinding",result="${result}"} 0`,
      );
    }
  });

  it('runs its collectors before each render', async () => {
    const metrics = new OperatorMetrics();
    let succeeded = 1;
    metrics.onCollect(() =>
      metrics.objects('VaultSecretBinding', [{ ready: 'True', reason: 'Succeeded', count: succeeded }]),
    );
    expect((await metrics.render()).body).toContain(
      'logicops_objects{kind="VaultSecretBinding",ready="True",reason="Succeeded"} 1',
    );
    succeeded = 3;
    expect((await metrics.render()).body).toContain(
      'logicops_objects{kind="VaultSecretBinding",ready="True",reason="Succeeded"} 3',
    );
  });

  it('keeps two instances apart (no shared default registry)', async () => {
    const a = new OperatorMetrics();
    const b = new OperatorMetrics();
    a.quota([{ limit: 'AccessPoliciesPerVault', scope: VAULT_A, used: 10, max: 1024 }]);
    expect((await a.render()).body).toContain('logicops_quota_used{limit="AccessPoliciesPerVault"} 10');
    expect((await b.render()).body).not.toContain('AccessPoliciesPerVault');
  });
});
