import { describe, expect, it } from 'vitest';
import {
  ARM_WRITE_BUCKET,
  boundRatio,
  lowerBoundMs,
  medianLatencyMs,
  minimumWrites,
  subscriptionsLowerBound,
} from '../../../bench/lower-bound.ts';

describe('minimumWrites', () => {
  const vaults = ['kv-a', 'kv-b', 'KV-A', 'kv-a'];

  it('counts one PUT per workflow and one access-policy add per distinct vault', () => {
    expect(minimumWrites({ model: 'access-policy', workflows: 4, bindingVaults: vaults })).toBe(4 + 2);
  });

  it('counts one role assignment per binding in RBAC mode', () => {
    expect(minimumWrites({ model: 'rbac', workflows: 4, bindingVaults: vaults })).toBe(4 + 4);
  });

  it('adds one role assignment per WorkflowRoleAssignment, in either model (issue 24)', () => {
    expect(
      minimumWrites({ model: 'access-policy', workflows: 4, bindingVaults: vaults, roleGrants: 8 }),
    ).toBe(4 + 2 + 8);
    expect(minimumWrites({ model: 'rbac', workflows: 4, bindingVaults: vaults, roleGrants: 8 })).toBe(
      4 + 4 + 8,
    );
  });

  it('is the workflows alone without bindings', () => {
    expect(minimumWrites({ model: 'access-policy', workflows: 7, bindingVaults: [] })).toBe(7);
  });
});

describe('lowerBoundMs', () => {
  it("is (W − B) / r plus one read and one write at ARM's bucket", () => {
    // The headline case: 1,000 workflows + 10 vaults in access-policy mode.
    const ms = lowerBoundMs({ writes: 1010, bucket: ARM_WRITE_BUCKET, medianReadMs: 50, medianWriteMs: 150 });
    expect(ms).toBeCloseTo(((1010 - 200) / 10) * 1000 + 200, 6);
  });

  it('has no waiting term while the work fits in the burst', () => {
    expect(
      lowerBoundMs({ writes: 200, bucket: ARM_WRITE_BUCKET, medianReadMs: 50, medianWriteMs: 150 }),
    ).toBe(200);
    expect(lowerBoundMs({ writes: 3, bucket: ARM_WRITE_BUCKET, medianReadMs: 0, medianWriteMs: 0 })).toBe(0);
  });

  it('follows the bucket it is given', () => {
    expect(
      lowerBoundMs({
        writes: 30,
        bucket: { capacity: 10, refillPerSecond: 5 },
        medianReadMs: 1,
        medianWriteMs: 2,
      }),
    ).toBe(4000 + 3);
  });

  it('refuses a bucket that never refills', () => {
    expect(() =>
      lowerBoundMs({
        writes: 1,
        bucket: { capacity: 1, refillPerSecond: 0 },
        medianReadMs: 0,
        medianWriteMs: 0,
      }),
    ).toThrow(RangeError);
  });
});

describe('subscriptionsLowerBound', () => {
  const latency = { bucket: ARM_WRITE_BUCKET, medianReadMs: 50, medianWriteMs: 150 };

  it("is one subscription's T_lb when every subscription has the same share: their buckets refill side by side", () => {
    // Issue 23: 3 subscriptions × (1,000 workflows + 10 vaults): each W = 1,010, each its own bucket.
    const floor = subscriptionsLowerBound([1010, 1010, 1010], latency);
    expect(floor.lowerBoundMs).toBeCloseTo(81_000 + 200, 6);
    expect(floor.writesOfSlowest).toBe(1010);
    // Not the floor of 3,030 writes through one bucket ((3,030 − 200) / 10 s).
    expect(floor.lowerBoundMs).toBeLessThan(lowerBoundMs({ ...latency, writes: 3030 }));
    expect(floor).toEqual(subscriptionsLowerBound([1010], latency));
  });

  it('is set by the subscription with the most writes when the shares differ', () => {
    const floor = subscriptionsLowerBound([300, 1010, 250], latency);
    expect(floor).toEqual({
      lowerBoundMs: lowerBoundMs({ ...latency, writes: 1010 }),
      writesOfSlowest: 1010,
    });
  });

  it('is the latencies alone when every share fits in its burst', () => {
    expect(subscriptionsLowerBound([200, 200, 200], latency).lowerBoundMs).toBe(200);
  });

  it('is 0 for no subscriptions', () => {
    expect(subscriptionsLowerBound([], latency)).toEqual({ lowerBoundMs: 0, writesOfSlowest: 0 });
  });
});

describe('boundRatio', () => {
  it('divides measured by bound, and has no value without a bound', () => {
    expect(boundRatio(125, 100)).toBe(1.25);
    expect(boundRatio(125, 0)).toBeUndefined();
  });
});

describe('medianLatencyMs', () => {
  it('reads the median of every distribution the emulator knows', () => {
    expect(medianLatencyMs(undefined)).toBe(0);
    expect(medianLatencyMs({ type: 'fixed', ms: 50 })).toBe(50);
    expect(medianLatencyMs({ type: 'uniform', minMs: 100, maxMs: 400 })).toBe(250);
    expect(medianLatencyMs({ type: 'normal', meanMs: 80, stdDevMs: 20 })).toBe(80);
    expect(medianLatencyMs({ type: 'exponential', meanMs: 100 })).toBeCloseTo(69.3147, 3);
  });
});
