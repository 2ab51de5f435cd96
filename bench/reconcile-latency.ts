// Reconcile latency percentiles from the operator's own /metrics: the cumulative buckets of
// `controller_runtime_reconcile_time_seconds`, interpolated the way PromQL's
// histogram_quantile does, so the figures match what a dashboard would show. Pure.

export const RECONCILE_HISTOGRAM = 'controller_runtime_reconcile_time_seconds';

export interface HistogramBuckets {
  /** Cumulative counts by upper bound (seconds), ascending; the last is +Inf. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** Parses one histogram from the Prometheus text format, one series per `controller` label. */
export function parseHistograms(
  text: string,
  name: string = RECONCILE_HISTOGRAM,
): Map<string, HistogramBuckets> {
  const byController = new Map<string, HistogramBuckets>();
  const series = (labels: Record<string, string>) => {
    const controller = labels.controller ?? '';
    let histogram = byController.get(controller);
    if (!histogram) {
      histogram = { buckets: [], count: 0, sum: 0 };
      byController.set(controller, histogram);
    }
    return histogram;
  };
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, metric = '', labelText = '', valueText = ''] = match;
    const value = Number(valueText);
    const labels = parseLabels(labelText);
    if (metric === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      series(labels).buckets.push({ le, count: value });
    } else if (metric === `${name}_count`) {
      series(labels).count = value;
    } else if (metric === `${name}_sum`) {
      series(labels).sum = value;
    }
  }
  for (const histogram of byController.values()) histogram.buckets.sort((a, b) => a.le - b.le);
  return byController;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, '$1');
  }
  return labels;
}

/**
 * The q-quantile in seconds: linear interpolation inside the bucket that holds it; when that
 * is the +Inf bucket, the highest finite bound (as PromQL does). Undefined when empty.
 */
export function histogramQuantile(q: number, histogram: HistogramBuckets): number | undefined {
  const total = histogram.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of histogram.buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket > 0 ? lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket : le;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

export interface LatencyPercentiles {
  count: number;
  meanSeconds: number | undefined;
  p50: number | undefined;
  p90: number | undefined;
  p99: number | undefined;
}

export function percentiles(histogram: HistogramBuckets): LatencyPercentiles {
  return {
    count: histogram.count,
    meanSeconds: histogram.count > 0 ? histogram.sum / histogram.count : undefined,
    p50: histogramQuantile(0.5, histogram),
    p90: histogramQuantile(0.9, histogram),
    p99: histogramQuantile(0.99, histogram),
  };
}
