import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartMemoryLimit, quantityBytes } from '../../../bench/chart-limits.ts';

describe('quantityBytes', () => {
  it.each([
    ['384Mi', 384 * 1024 * 1024],
    ['1Gi', 1024 ** 3],
    ['512Ki', 512 * 1024],
    ['1G', 1e9],
    ['500M', 5e8],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1048576', 1048576],
  ])('%s', (quantity, bytes) => {
    expect(quantityBytes(quantity)).toBe(bytes);
  });

  it.each(['', 'Mi', '384MB', '-1Mi', 'lots'])('refuses %j', (quantity) => {
    expect(quantityBytes(quantity)).toBeUndefined();
  });
});

describe('chartMemoryLimit', () => {
  it("reads the chart's own resources.limits.memory", () => {
    const limit = chartMemoryLimit();
    expect(limit?.quantity).toMatch(/^\d+(Mi|Gi)$/);
    expect(limit?.bytes).toBe(quantityBytes(limit?.quantity ?? ''));
  });

  it('is undefined when the values set no limit', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'chart-limits-'));
    const file = path.join(folder, 'values.yaml');
    writeFileSync(file, 'resources:\n  requests:\n    memory: 256Mi\n');
    expect(chartMemoryLimit(file)).toBeUndefined();
  });
});
