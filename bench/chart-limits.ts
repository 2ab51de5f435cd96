// The chart's memory limit (deploy/helm/logicops/values.yaml, resources.limits.memory): what the
// bench's peak RSS is set against for issue 20 ("RSS with 50 maximum-size workflows stays within
// the chart's memory limit"). Read from the chart itself, so the figure follows the chart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const VALUES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../deploy/helm/logicops/values.yaml',
);

export interface MemoryLimit {
  /** As the chart writes it, e.g. 384Mi. */
  quantity: string;
  bytes: number;
}

export function chartMemoryLimit(valuesPath = VALUES): MemoryLimit | undefined {
  const values = parse(readFileSync(valuesPath, 'utf8')) as {
    resources?: { limits?: { memory?: unknown } };
  };
  const quantity = values.resources?.limits?.memory;
  if (typeof quantity !== 'string' && typeof quantity !== 'number') return undefined;
  const bytes = quantityBytes(String(quantity));
  return bytes === undefined ? undefined : { quantity: String(quantity), bytes };
}

const SUFFIXES: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes memory quantity (`384Mi`, `1G`, `500000000`) in bytes; undefined when it is not one. */
export function quantityBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (SUFFIXES[match[2] ?? ''] ?? 1));
}
