// The chart ships the Grafana dashboard as a ConfigMap for Grafana's dashboard sidecar: off by
// default, with the conventional grafana_dashboard label when on, holding exactly the JSON in
// the chart (dashboards/logicops.json) — the one that test/integration/observability checks
// against the operator's /metrics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartDir } from '../../support/packaging-tools.ts';
import { named, ofKind, renderChart } from './support/rendered-chart.ts';

const TIMEOUT = 600_000;
const DASHBOARD = readFileSync(path.join(chartDir, 'dashboards/logicops.json'), 'utf8');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

describe('chart Grafana dashboard', () => {
  it(
    'renders no ConfigMap by default',
    async () => {
      const objects = await renderChart();
      expect(ofKind(objects, 'ConfigMap').map((object) => object.metadata.name)).not.toContain(
        'logicops-dashboard',
      );
    },
    TIMEOUT,
  );

  it(
    'when enabled, a ConfigMap labelled grafana_dashboard: "1" holding the chart dashboard verbatim',
    async () => {
      const objects = await renderChart({ 'grafanaDashboard.enabled': 'true' });
      const configMap = named(objects, 'ConfigMap', 'logicops-dashboard') as unknown as {
        metadata: { namespace: string; labels: Record<string, string> };
        data: Record<string, string>;
      };
      expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
      expect(configMap.metadata.labels['app.kubernetes.io/name']).toBe('logicops');
      expect(configMap.metadata.namespace).toBe('logicops-system');
      expect(Object.keys(configMap.data)).toEqual(['logicops.json']);
      expect(configMap.data['logicops.json']).toBe(DASHBOARD.trimEnd());
      expect(JSON.parse(configMap.data['logicops.json'] ?? '')).toMatchObject({ uid: 'logicops-overview' });
    },
    TIMEOUT,
  );

  it(
    'takes another sidecar label, namespace and folder annotation from values',
    async () => {
      const objects = await renderChart({
        'grafanaDashboard.enabled': 'true',
        'grafanaDashboard.namespace': 'monitoring',
        'grafanaDashboard.labels.grafana_dashboard': 'logicops',
        'grafanaDashboard.annotations.grafana_folder': 'Operators',
      });
      const configMap = named(objects, 'ConfigMap', 'logicops-dashboard') as unknown as {
        metadata: { namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
      };
      expect(configMap.metadata.namespace).toBe('monitoring');
      expect(configMap.metadata.labels.grafana_dashboard).toBe('logicops');
      expect(configMap.metadata.annotations.grafana_folder).toBe('Operators');
    },
    TIMEOUT,
  );

  it('shows what the issue asks for: rates, errors, latency, queue, ARM, 429s, budget, quota, leader, objects', () => {
    const panels = (JSON.parse(DASHBOARD) as { panels: Panel[] }).panels.filter((p) => p.type !== 'row');
    const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)).join('\n');
    for (const metric of [
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds_bucket',
      'workqueue_depth',
      'logicops_azure_requests_total',
      'logicops_azure_throttled_total',
      'logicops_arm_budget_remaining',
      'logicops_quota_used',
      'logicops_quota_limit',
      'leader_election_master_status',
      'logicops_objects',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toMatch(/histogram_quantile\(0\.99,/);
    // Every panel reads the chosen job only, through the dashboard's $job variable.
    for (const panel of panels) {
      for (const target of panel.targets ?? []) expect(target.expr).toContain('job=~"$job"');
    }
  });
});
