// The client-side ARM limiter against the emulator's own token buckets, through the real SDK
// clients: a burst that ARM would throttle goes through without a single 429 when it waits for
// tokens first, and a 429 caused by someone else holds the class back until Retry-After.

import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArmRateLimiter,
  type AzureCallRecord,
  AzureCalls,
  createAzureGateways,
} from '../../../src/azure/index.ts';
import { systemClock } from '../../../src/runtime/index.ts';
import { type AzureTestbed, startTestbed } from './support.ts';

const vault = { resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_ACCESS_POLICY_VAULT };
const BUDGET = {
  read: { burst: 4, perSecond: 5 },
  write: { burst: 200, perSecond: 10 },
  delete: { burst: 200, perSecond: 10 },
};
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

function limitedGateways(headroom: number) {
  const records: AzureCallRecord[] = [];
  const waits: number[] = [];
  const calls = new AzureCalls({
    limiter: new ArmRateLimiter({ ...BUDGET, headroom }, systemClock),
    observer: {
      callCompleted: (record) => records.push(record),
      rateLimiterWaited: (_class, ms) => waits.push(ms),
    },
  });
  return { gateways: createAzureGateways(t.clients, calls), records, waits };
}

const throttleReads = () =>
  t.emu.setFaults({
    throttling: { enabled: true, buckets: { reads: { capacity: 4, refillPerSecond: 5 } } },
  });

describe('ArmRateLimiter against ARM-like throttling', () => {
  it('without the limiter, a burst beyond the bucket gets 429s (the scenario bites)', async () => {
    throttleReads();
    t.records.length = 0;
    await Promise.allSettled(Array.from({ length: 10 }, () => t.gateways.vaults.get(vault)));
    expect(t.records.filter((r) => r.statusCode === 429).length).toBeGreaterThan(0);
  });

  it('with the limiter, the same burst waits for tokens and never sees a 429', async () => {
    throttleReads();
    const { gateways, records, waits } = limitedGateways(0.2);
    const results = await Promise.all(Array.from({ length: 10 }, () => gateways.vaults.get(vault)));
    expect(results.every((v) => v?.name === DEMO_ACCESS_POLICY_VAULT)).toBe(true);
    expect(records.filter((r) => r.statusCode === 429)).toEqual([]);
    expect(waits.length).toBeGreaterThan(0);
  });

  it('after a 429 caused by another client, holds the class back until Retry-After', async () => {
    t.emu.setFaults({
      throttling: { enabled: true, buckets: { reads: { capacity: 1, refillPerSecond: 1 } } },
    });
    await t.gateways.vaults.get(vault); // someone else takes the subscription's only read token
    const { gateways, records } = limitedGateways(0);
    const first = await gateways.vaults.get(vault).catch((error: unknown) => error);
    expect(first).toMatchObject({ failure: { kind: 'throttled', retryAfterMs: 1000 } });
    const started = Date.now();
    await gateways.vaults.get(vault);
    // Held back for Retry-After (1 s) instead of spending another request on a 429.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(records.map((r) => r.statusCode)).toEqual([429, 200]);
  });
});
