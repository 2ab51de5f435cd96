// The chart's alerts may only query series the operator exports, with labels those series
// carry: an alert on a name nobody exports never fires. The operator's series come from the
// same OperatorMetrics and collector that src/operator.ts wires, fed what each alert watches.
import { describe, expect, it } from 'vitest';
import { OperatorMetrics } from '../../../src/observability/metrics.ts';
import { collectObjectMetrics } from '../../../src/observability/object-metrics.ts';
import { named, renderChart } from './support/rendered-chart.ts';

interface Rule {
  alert: string;
  expr: string;
}

const TIMEOUT = 600_000;
const VAULT = '/subscriptions/s1/resourceGroups/team-a/providers/Microsoft.KeyVault/vaults/kv-a';

/** Every `name{...}` selector of a PromQL expression, with the label names it matches on. */
function selectorsOf(expr: string): Array<{ metric: string; labels: string[] }> {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, matchers]) => ({
    metric: metric ?? '',
    labels: [...(matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
      ([, l]) => l ?? '',
    ),
  }));
}

/** Series of the exposition text: metric name to the label names its samples carry. */
function exportedSeries(body: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of body.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample?.[1]) continue;
    const labels = series.get(sample[1]) ?? new Set<string>();
    for (const [, label] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      labels.add(label ?? '');
    series.set(sample[1], labels);
  }
  return series;
}

async function operatorSeries(): Promise<Map<string, Set<string>>> {
  const metrics = new OperatorMetrics();
  const stalled = {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'False' as const,
          reason: 'NamespacePolicyDenied',
          message: '',
          lastTransitionTime: '',
        },
      ],
      quota: [{ name: 'AccessPoliciesPerVault', scope: VAULT, used: 1000, limit: 1024 }],
    },
  };
  collectObjectMetrics(metrics, [
    { kind: 'LogicAppWorkflow', list: () => [] },
    { kind: 'VaultSecretBinding', list: () => [stalled] },
  ]);
  metrics.azureCall('vaults.updateAccessPolicy.add', 429, 12);
  metrics.setLeader('logicops-leader', true);
  return exportedSeries((await metrics.render()).body);
}

describe('chart PrometheusRule', () => {
  it(
    'queries only series the operator exports, on labels they carry',
    async () => {
      const objects = await renderChart({ 'metrics.prometheusRule.enabled': 'true' });
      const rule = named(objects, 'PrometheusRule', 'logicops') as unknown as {
        spec: { groups: Array<{ rules: Rule[] }> };
      };
      const rules = rule.spec.groups.flatMap((group) => group.rules);
      expect(rules.map((r) => r.alert).sort()).toEqual([
        'LogicopsAzureQuotaNearLimit',
        'LogicopsAzureThrottled',
        'LogicopsNoLeader',
        'LogicopsObjectsStalled',
      ]);
      const exported = await operatorSeries();
      const problems: string[] = [];
      for (const { alert, expr } of rules) {
        const selectors = selectorsOf(expr);
        if (selectors.length === 0) problems.push(`${alert}: no metric selector found in ${expr}`);
        for (const { metric, labels } of selectors) {
          const carried = exported.get(metric);
          if (!carried) {
            problems.push(`${alert}: ${metric} is not exported`);
            continue;
          }
          // Prometheus adds `job` at scrape time.
          for (const label of labels.filter((l) => l !== 'job' && !carried.has(l))) {
            problems.push(`${alert}: ${metric} has no label ${label}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  it('the operator series those alerts read name no Azure scope by default', async () => {
    const exported = await operatorSeries();
    expect([...(exported.get('logicops_quota_used') ?? [])]).toEqual(['limit']);
    expect([...(exported.get('logicops_quota_limit') ?? [])]).toEqual(['limit']);
  });
});
