// Latency draws are deterministic under a seed and stay inside their distribution; the
// classes map ARM kinds, tokens and the data plane as documented. No timing is measured.
import { describe, expect, it } from 'vitest';
import type { LatencyDistribution } from '../src/faults/config.ts';
import { parseFaultConfig } from '../src/faults/config.ts';
import { sampleMs } from '../src/faults/latency.ts';
import { seededRandom, streamSeed } from '../src/faults/prng.ts';

const draws = (distribution: LatencyDistribution, seed: number, n = 200) => {
  const random = seededRandom(streamSeed(seed, 'latency'));
  return Array.from({ length: n }, () => sampleMs(distribution, random));
};

describe('latency distributions', () => {
  it('repeat exactly under the same seed and differ under another', () => {
    const uniform: LatencyDistribution = { type: 'uniform', minMs: 10, maxMs: 50 };
    expect(draws(uniform, 5)).toEqual(draws(uniform, 5));
    expect(draws(uniform, 5)).not.toEqual(draws(uniform, 6));
  });

  it('stay inside their bounds', () => {
    expect(draws({ type: 'fixed', ms: 7 }, 1).every((ms) => ms === 7)).toBe(true);
    const uniform = draws({ type: 'uniform', minMs: 10, maxMs: 50 }, 1);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThan(50);
    expect(Math.min(...draws({ type: 'normal', meanMs: 5, stdDevMs: 50 }, 1))).toBe(0); // clamped
    const exponential = draws({ type: 'exponential', meanMs: 20 }, 1, 2000);
    const mean = exponential.reduce((a, b) => a + b, 0) / exponential.length;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(25);
  });

  it('are validated with the class names the docs list', () => {
    expect(
      parseFaultConfig({ latency: { dataPlane: { type: 'fixed', ms: 1 }, token: { type: 'fixed', ms: 2 } } }),
    ).toEqual({ latency: { dataPlane: { type: 'fixed', ms: 1 }, token: { type: 'fixed', ms: 2 } } });
    expect(() => parseFaultConfig({ latency: { action: { type: 'fixed', ms: 1 } } })).toThrow(
      /class must be/,
    );
    expect(() => parseFaultConfig({ errors: [{ operation: '*' }] })).toThrow(
      /needs 'rate', 'next' or 'outage'/,
    );
  });
});
