// The chart's alerts and the Grafana dashboard query what a real operator exports. Prometheus's
// own parser and engine (promqlcheck, built from Go modules: scripts/build-promql.sh) parse every
// expression of the rendered PrometheusRule and of dashboards/logicops.json; each metric named
// must appear on the /metrics of an operator that reconciled the shipped samples (with one ARM
// 429 along the way, as production sees them, and a small client-side read budget, so the
// throttle and wait series exist). The quota alert, with --quota-access-policies-per-vault set
// to 1, evaluates true against the scraped samples, for that limit only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../../support/eventually.ts';
import { chartDir, helmTemplate, packagingTools } from '../../support/packaging-tools.ts';
import { evaluatePromql, parsePromql, type Scrape } from '../../support/promql-tool.ts';
import { kubectl } from '../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../support/operator-env.ts';
import { applySamples, waitAllReady } from '../support/samples.ts';

const JOB = 'logicops-metrics'; // the chart's metrics Service: <fullname>-metrics, the ServiceMonitor's job
const TIMEOUT = 600_000;

interface Rule {
  alert: string;
  expr: string;
}
interface Dashboard {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
}

/** Grafana's variables as Grafana substitutes them before the query reaches Prometheus. */
function asGrafanaSends(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', JOB);
}

function dashboardExpressions(dashboard: Dashboard): Array<{ where: string; expr: string }> {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `panel "${panel.title}"`,
      expr: asGrafanaSends(target.expr),
    })),
  );
}

async function ruleExpressions(): Promise<Rule[]> {
  const { helm } = await packagingTools();
  const text = await helmTemplate(helm, { 'metrics.prometheusRule.enabled': 'true' });
  const rule = parseAllDocuments(text)
    .map(
      (document) => document.toJS() as { kind?: string; spec?: { groups: Array<{ rules: Rule[] }> } } | null,
    )
    .find((object) => object?.kind === 'PrometheusRule');
  if (!rule?.spec) throw new Error('the chart rendered no PrometheusRule');
  return rule.spec.groups.flatMap((group) => group.rules);
}

/** Metric names with a sample in the exposition text. */
function exportedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
  );
}

describe('alerts and dashboard against a real operator', () => {
  let env: OperatorEnv;
  const scrapes: Scrape[] = [];

  beforeAll(async () => {
    env = await startOperatorEnv({
      namespacePrefix: 'promql',
      flags: [
        '--quota-access-policies-per-vault',
        '1',
        '--arm-read-budget',
        '4+4/s',
        '--leader-elect',
        '--leader-election-namespace',
        'default',
        '--lease-name',
        `logicops-promql-${process.pid}`,
      ],
      emulator: {
        faults: {
          errors: [
            { operation: 'Microsoft.Logic/workflows/read', next: 1, status: 429, code: 'TooManyRequests' },
          ],
        },
      },
    });
    await applySamples(env.namespace);
    await waitAllReady(env.namespace);
    // Two scrapes, stamped 15 s apart as Prometheus would take them, with a reconcile of every
    // sample in between (logicops.io/reconcile-request), so rate() and the quantiles have data.
    const port = env.operator.manager.metricsPort;
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const start = Date.now();
    const first = await scrape();
    scrapes.push({ atMs: start, labels: { job: JOB, instance: `127.0.0.1:${port}` }, text: first });
    await kubectl([
      'annotate',
      'logicops',
      '--all',
      '-n',
      env.namespace,
      '--overwrite',
      `logicops.io/reconcile-request=${start}`,
    ]);
    const successes = (text: string) =>
      [...text.matchAll(/^controller_runtime_reconcile_total\{[^}]*result="success"\} (\d+)/gm)].reduce(
        (sum, [, count]) => sum + Number(count),
        0,
      );
    const second = await eventually(async () => {
      const text = await scrape();
      if (successes(text) < successes(first) + 4)
        throw new Error('the samples have not been reconciled again yet');
      return text;
    }, 60_000);
    scrapes.push({ atMs: start + 15_000, labels: { job: JOB, instance: `127.0.0.1:${port}` }, text: second });
  }, TIMEOUT);
  afterAll(() => env?.stop());

  it(
    'every expression parses, and every metric it names is on /metrics',
    async () => {
      const dashboard = JSON.parse(
        readFileSync(path.join(chartDir, 'dashboards/logicops.json'), 'utf8'),
      ) as Dashboard;
      const rules = await ruleExpressions();
      const expressions = [
        ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
        ...dashboardExpressions(dashboard),
      ];
      expect(rules.length).toBe(4);
      expect(expressions.length).toBeGreaterThan(15);
      const parsed = await parsePromql(expressions.map((e) => e.expr));
      const exported = exportedNames(scrapes.at(-1)?.text ?? '');
      const problems: string[] = [];
      parsed.forEach((result, index) => {
        const { where } = expressions[index] ?? { where: '?' };
        if (result.error) problems.push(`${where}: ${result.error}`);
        if (result.metrics.length === 0) problems.push(`${where}: selects no metric`);
        for (const metric of result.metrics) {
          if (!exported.has(metric)) problems.push(`${where}: ${metric} is not on /metrics`);
        }
      });
      // The $job variable's query: label_values(<metric>, job).
      for (const variable of dashboard.templating.list) {
        const metric = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),/.exec(variable.definition ?? '')?.[1];
        if (variable.definition && !metric)
          problems.push(`variable ${variable.name}: unexpected query ${variable.definition}`);
        if (metric && !exported.has(metric))
          problems.push(`variable ${variable.name}: ${metric} is not on /metrics`);
      }
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "every expression evaluates in Prometheus's engine over the scraped samples",
    async () => {
      const dashboard = JSON.parse(
        readFileSync(path.join(chartDir, 'dashboards/logicops.json'), 'utf8'),
      ) as Dashboard;
      const at = scrapes.at(-1)?.atMs ?? 0;
      const failures: string[] = [];
      for (const { where, expr } of [
        ...(await ruleExpressions()).map((rule) => ({ where: rule.alert, expr: rule.expr })),
        ...dashboardExpressions(dashboard),
      ]) {
        await evaluatePromql(expr, at, scrapes).catch((error: Error) =>
          failures.push(`${where}: ${error.message}`),
        );
      }
      expect(failures).toEqual([]);
      // The panels see the reconciles, the 429 and the leader.
      const reconciles = await evaluatePromql(
        asGrafanaSends(
          'sum(max_over_time(controller_runtime_reconcile_total{job=~"$job", result="success"}[1m]))',
        ),
        at,
        scrapes,
      );
      expect(reconciles[0]?.value).toBeGreaterThan(0);
      const throttled = await evaluatePromql(
        `sum(logicops_azure_throttled_total{job="${JOB}"})`,
        at,
        scrapes,
      );
      expect(throttled[0]?.value).toBeGreaterThanOrEqual(1);
      const leader = await evaluatePromql(`max(leader_election_master_status{job="${JOB}"})`, at, scrapes);
      expect(leader[0]?.value).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'the quota alert fires for the limit set low, and for no other',
    async () => {
      const quotaAlert = (await ruleExpressions()).find(
        (rule) => rule.alert === 'LogicopsAzureQuotaNearLimit',
      );
      const firing = await evaluatePromql(quotaAlert?.expr ?? '', scrapes.at(-1)?.atMs ?? 0, scrapes);
      expect(firing).toEqual([{ metric: { limit: 'AccessPoliciesPerVault' }, value: 1 }]);
      // The other alerts hold: nothing is stalled and a replica leads.
      for (const name of ['LogicopsObjectsStalled', 'LogicopsNoLeader']) {
        const rule = (await ruleExpressions()).find((r) => r.alert === name);
        expect(await evaluatePromql(rule?.expr ?? '', scrapes.at(-1)?.atMs ?? 0, scrapes)).toEqual([]);
      }
    },
    TIMEOUT,
  );
});
