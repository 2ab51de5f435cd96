// One set of clients and one ARM budget per (actor, subscription), dropped when idle (issue 23).
import { describe, expect, it } from 'vitest';
import { type AzureActor, GatewayPool } from '../../../src/azure/index.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const SUB_1 = '00000000-0000-4000-8000-000000000001';
const SUB_2 = '00000000-0000-4000-8000-000000000002';
const actor = (key: string): AzureActor => ({ key, credential: { getToken: async () => null }, source: key });

function pool(clock = new FakeClock()) {
  return new GatewayPool({
    clients: { armEndpoint: 'https://management.azure.com' },
    budget: {
      read: { burst: 250, perSecond: 25 },
      write: { burst: 200, perSecond: 10 },
      delete: { burst: 200, perSecond: 10 },
      headroom: 0.9,
    },
    observer: undefined,
    clock,
    idleMs: 60_000,
  });
}

describe('GatewayPool', () => {
  it('reuses the gateways of one (actor, subscription) and keeps actors and subscriptions apart', () => {
    const gateways = pool();
    const a = actor('tenant-a/client-a');
    const b = actor('tenant-b/client-b');
    expect(gateways.gatewaysFor(a, SUB_1)).toBe(gateways.gatewaysFor(a, SUB_1));
    expect(gateways.gatewaysFor(a, SUB_1)).not.toBe(gateways.gatewaysFor(b, SUB_1));
    expect(gateways.gatewaysFor(a, SUB_1)).not.toBe(gateways.gatewaysFor(a, SUB_2));
    expect(
      gateways
        .budgets()
        .map(({ actorKey, subscriptionId }) => `${actorKey}@${subscriptionId}`)
        .sort(),
    ).toEqual([`tenant-a/client-a@${SUB_1}`, `tenant-a/client-a@${SUB_2}`, `tenant-b/client-b@${SUB_1}`]);
  });

  it('builds new clients for a rotated credential of the same identity', () => {
    const gateways = pool();
    const before = gateways.gatewaysFor(actor('t/c'), SUB_1);
    expect(gateways.gatewaysFor(actor('t/c'), SUB_1)).not.toBe(before);
    expect(gateways.size).toBe(1);
  });

  it('drops what no pass used for the idle time, so many team identities stay bounded', async () => {
    const clock = new FakeClock();
    const gateways = pool(clock);
    const a = actor('a');
    gateways.gatewaysFor(a, SUB_1);
    await clock.advance(59_000);
    gateways.gatewaysFor(actor('b'), SUB_1);
    expect(gateways.size).toBe(2);
    await clock.advance(1_000);
    gateways.gatewaysFor(actor('b'), SUB_1);
    expect(gateways.budgets().map((budget) => budget.actorKey)).toEqual(['b']);
  });
});

describe('GatewayPool and clouds', () => {
  it("keeps an actor of a sovereign cloud apart from the operator's cloud", () => {
    const gateways = pool();
    const publicActor = actor('t/c');
    const government = { ...publicActor, armEndpoint: 'https://management.usgovcloudapi.net' };
    expect(gateways.gatewaysFor(publicActor, SUB_1)).not.toBe(gateways.gatewaysFor(government, SUB_1));
  });
});
