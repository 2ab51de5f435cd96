import { describe, expect, it } from 'vitest';
import { histogramQuantile, parseHistograms, percentiles } from '../../../bench/reconcile-latency.ts';

const TEXT = `# HELP controller_runtime_reconcile_time_seconds Length of time per reconciliation per controller
# TYPE controller_runtime_reconcile_time_seconds histogram
controller_runtime_reconcile_time_seconds_bucket{le="0.1",controller="wf"} 10
controller_runtime_reconcile_time_seconds_bucket{le="0.5",controller="wf"} 90
controller_runtime_reconcile_time_seconds_bucket{le="1",controller="wf"} 100
controller_runtime_reconcile_time_seconds_bucket{le="+Inf",controller="wf"} 100
controller_runtime_reconcile_time_seconds_sum{controller="wf"} 30
controller_runtime_reconcile_time_seconds_count{controller="wf"} 100
controller_runtime_reconcile_time_seconds_bucket{le="1",controller="vsb"} 0
controller_runtime_reconcile_time_seconds_bucket{le="+Inf",controller="vsb"} 4
controller_runtime_reconcile_time_seconds_count{controller="vsb"} 4
workqueue_depth{name="wf",controller="wf"} 0
`;

describe('parseHistograms', () => {
  it('groups buckets by controller and ignores other metrics', () => {
    const parsed = parseHistograms(TEXT);
    expect([...parsed.keys()]).toEqual(['wf', 'vsb']);
    expect(parsed.get('wf')).toEqual({
      buckets: [
        { le: 0.1, count: 10 },
        { le: 0.5, count: 90 },
        { le: 1, count: 100 },
        { le: Number.POSITIVE_INFINITY, count: 100 },
      ],
      count: 100,
      sum: 30,
    });
  });
});

describe('histogramQuantile', () => {
  const wf = parseHistograms(TEXT).get('wf');
  if (!wf) throw new Error('fixture');

  it('interpolates inside the bucket as PromQL does', () => {
    expect(histogramQuantile(0.5, wf)).toBeCloseTo(0.1 + 0.4 * (40 / 80), 9);
    expect(histogramQuantile(0.05, wf)).toBeCloseTo(0.05, 9);
    expect(histogramQuantile(0.95, wf)).toBeCloseTo(0.75, 9);
  });

  it('answers the highest finite bound for the +Inf bucket, nothing when empty', () => {
    const vsb = parseHistograms(TEXT).get('vsb');
    if (!vsb) throw new Error('fixture');
    expect(histogramQuantile(0.5, vsb)).toBe(1);
    expect(histogramQuantile(0.5, { buckets: [], count: 0, sum: 0 })).toBeUndefined();
  });

  it('summarises count, mean and p50/p90/p99', () => {
    expect(percentiles(wf)).toMatchObject({ count: 100, meanSeconds: 0.3 });
    expect(percentiles(wf).p90).toBeCloseTo(0.5, 9);
  });
});
