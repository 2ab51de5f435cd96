import { describe, expect, it } from 'vitest';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';

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

  it('keeps two instances apart (no shared default registry)', async () => {
    const a = new OperatorMetrics();
    const b = new OperatorMetrics();
    a.quota('access-policies-per-vault', 'kv-1', 10, 1024);
    expect((await a.render()).body).toContain(
      'logicops_quota_used{limit="access-policies-per-vault",scope="kv-1"} 10',
    );
    expect((await b.render()).body).not.toContain('scope="kv-1"');
  });
});
