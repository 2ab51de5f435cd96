// The coalescing of access-policy adds on its own (the reconcile-level view is coalescing.test.ts):
// when a batch seals — gather window, max wait, bindings still queued on the vault lock, entries
// composed only when the request goes out — and how a write's outcome reaches every binding in it.
import { describe, expect, it } from 'vitest';
import type { AccessPolicyAdditions, VaultGateway } from '../../../../src/azure/index.ts';
import {
  AccessPolicyBatches,
  type BatchTiming,
  SEAL_WHEN_PENDING_REACHES,
} from '../../../../src/controllers/vault-secret-binding/write/access-policy-batches.ts';
import { VaultLocks } from '../../../../src/controllers/vault-secret-binding/write/vault-lock.ts';
import { FakeClock, flushMicrotasks } from '../../../support/fake-clock.ts';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const REF = { resourceGroup: 'rg', name: 'kv' };
const TENANT = 't';

/** A gateway that records each add as the sorted object ids it carried; `gate` delays the composer. */
function recordingGateway(options: { gate?: () => Promise<void>; fail?: unknown; refuse?: unknown } = {}) {
  const writes: string[][] = [];
  const gateway = {
    async addAccessPolicies(_ref: unknown, entries: AccessPolicyAdditions) {
      if (options.refuse) throw options.refuse; // e.g. the leader fence, before composing
      await options.gate?.(); // e.g. the client-side ARM budget
      const list = typeof entries === 'function' ? await entries() : entries;
      writes.push(list.map((e) => e.principal.objectId).sort());
      if (options.fail) throw options.fail;
    },
  } as unknown as VaultGateway;
  return { gateway, writes };
}

function setup(timing: Partial<BatchTiming> = {}, expectedAdditions?: (vaultId: string) => number) {
  const clock = new FakeClock();
  const locks = new VaultLocks();
  const settled: string[] = [];
  const batches = new AccessPolicyBatches<string>(locks, {
    clock,
    timing: { quietMs: 200, maxWaitMs: 2_000, backlogMaxWaitMs: 0, ...timing },
    settled: (keys) => settled.push(...keys),
    ...(expectedAdditions ? { expectedAdditions } : {}),
  });
  const add = (gateway: VaultGateway, id: string) =>
    batches.add(
      gateway,
      VAULT,
      REF,
      { uid: id, key: `ns/${id}` },
      { tenantId: TENANT, objectId: id },
      ['get'],
      `event-${id}`,
    );
  return { clock, locks, batches, settled, add };
}

describe('AccessPolicyBatches', () => {
  it('waits for a quiet gap: additions arriving closer together than quietMs share one write', async () => {
    const { clock, batches, settled, add } = setup();
    const { gateway, writes } = recordingGateway();
    add(gateway, 'p1');
    await clock.advance(150);
    add(gateway, 'p2');
    await clock.advance(150);
    add(gateway, 'p3');
    await clock.advance(199);
    expect(writes).toEqual([]);
    expect(batches.isPending('p1')).toBe(true);
    await clock.advance(1);
    expect(writes).toEqual([['p1', 'p2', 'p3']]);
    expect(settled).toEqual(['ns/p1', 'ns/p2', 'ns/p3']);
    expect(batches.isPending('p1')).toBe(false);
    expect(batches.takeResult('p2')).toEqual({ ok: true, event: 'event-p2' });
    expect(batches.takeResult('p2')).toBeUndefined();
  });

  it('seals at maxWaitMs after the first addition even while additions keep coming', async () => {
    const { clock, add } = setup({ quietMs: 200, maxWaitMs: 1_000 });
    const { gateway, writes } = recordingGateway();
    for (let i = 0; i < 10; i += 1) {
      add(gateway, `p${i}`);
      await clock.advance(150);
    }
    // Sealed at 1,000 ms with p0..p6; p7..p9 arrived later and went in the next write.
    await clock.advance(1_000);
    expect(writes).toEqual([
      ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
      ['p7', 'p8', 'p9'],
    ]);
  });

  it('keeps gathering while more bindings of the vault are expected, up to backlogMaxWaitMs', async () => {
    let expected = 10;
    const asked: string[] = [];
    const { clock, add } = setup({ quietMs: 200, maxWaitMs: 1_000, backlogMaxWaitMs: 10_000 }, (vaultId) => {
      asked.push(vaultId);
      return expected;
    });
    const { gateway, writes } = recordingGateway();
    // Bindings arrive 500 ms apart: each gap is longer than quietMs.
    for (let i = 0; i < 6; i += 1) {
      add(gateway, `p${i}`);
      await clock.advance(500);
    }
    expect(writes).toEqual([]);
    expect(asked.every((vaultId) => vaultId === VAULT)).toBe(true);
    // Nothing more on its way: the next look seals.
    expected = 0;
    await clock.advance(200);
    expect(writes).toEqual([['p0', 'p1', 'p2', 'p3', 'p4', 'p5']]);
  });

  it('seals without the stragglers once those waiting are SEAL_WHEN_PENDING_REACHES times those expected', async () => {
    let expected = 3;
    const { clock, add } = setup(
      { quietMs: 200, maxWaitMs: 1_000, backlogMaxWaitMs: 60_000 },
      () => expected,
    );
    const { gateway, writes } = recordingGateway();
    // 11 waiting, 3 expected: 11 < 4 × 3, so the batch keeps gathering.
    for (let i = 0; i < 11; i += 1) {
      add(gateway, `p${i}`);
      await clock.advance(500);
    }
    expect(SEAL_WHEN_PENDING_REACHES).toBe(4);
    expect(writes).toEqual([]);
    // The 12th arrives and one fewer is expected: 12 ≥ 4 × 2, so the next look seals without the last two.
    add(gateway, 'p11');
    expected = 2;
    await clock.advance(200);
    const firstTwelve = Array.from({ length: 12 }, (_, i) => `p${i}`).sort();
    expect(writes).toEqual([firstTwelve]);
    // The stragglers gather again as a new batch: it holds while they are still expected.
    add(gateway, 'p12');
    expected = 1;
    await clock.advance(1_000);
    expect(writes).toHaveLength(1);
    expected = 0;
    await clock.advance(200);
    expect(writes).toEqual([firstTwelve, ['p12']]);
  });

  it('seals at backlogMaxWaitMs even while more bindings are still expected', async () => {
    const { clock, add } = setup({ quietMs: 200, maxWaitMs: 1_000, backlogMaxWaitMs: 5_000 }, () => 1);
    const { gateway, writes } = recordingGateway();
    add(gateway, 'p1');
    await clock.advance(4_999);
    expect(writes).toEqual([]);
    await clock.advance(1);
    expect(writes).toEqual([['p1']]);
  });

  it('does not hold a write back when the estimate of what is coming fails', async () => {
    const { clock, add } = setup({ quietMs: 200, maxWaitMs: 1_000, backlogMaxWaitMs: 5_000 }, () => {
      throw new Error('cache not synced');
    });
    const { gateway, writes } = recordingGateway();
    add(gateway, 'p1');
    await clock.advance(200);
    expect(writes).toEqual([['p1']]);
  });

  it('composes the entries only when the request goes out: additions made while it waited for budget ride along', async () => {
    const { clock, add } = setup({ quietMs: 0, maxWaitMs: 0 });
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const { gateway, writes } = recordingGateway({ gate: () => gate });
    add(gateway, 'p1');
    await clock.advance(0);
    add(gateway, 'p2'); // the write for p1 is still waiting for its budget token
    openGate();
    await flushMicrotasks();
    expect(writes).toEqual([['p1', 'p2']]);
  });

  it('lets bindings queued on the vault lock plan first, then seals with their additions', async () => {
    const { clock, locks, add } = setup({ quietMs: 0, maxWaitMs: 10_000 });
    const { gateway, writes } = recordingGateway();
    // Two bindings hold / wait for the vault lock when the first addition's write wants to seal.
    const planning = [1, 2].map((i) =>
      locks.withVault(VAULT, async () => {
        await flushMicrotasks();
        add(gateway, `q${i}`);
      }),
    );
    add(gateway, 'p1');
    await Promise.all(planning);
    await clock.advance(0);
    expect(writes).toEqual([['p1', 'q1', 'q2']]);
  });

  it('hands a failed write to every binding in it and enqueues them all', async () => {
    const { clock, batches, settled, add } = setup({ quietMs: 0, maxWaitMs: 0 });
    const boom = new Error('409 from someone else');
    const { gateway } = recordingGateway({ fail: boom });
    add(gateway, 'p1');
    add(gateway, 'p2');
    await clock.advance(0);
    expect(settled).toEqual(['ns/p1', 'ns/p2']);
    expect(batches.takeResult('p1')).toEqual({ ok: false, error: boom });
    expect(batches.takeResult('p2')).toEqual({ ok: false, error: boom });
  });

  it('fails the whole queue when the write is refused before composing, instead of retrying forever', async () => {
    const { clock, batches, settled, add } = setup({ quietMs: 0, maxWaitMs: 0 });
    const fenced = new Error('not the leader');
    const { gateway, writes } = recordingGateway({ refuse: fenced });
    add(gateway, 'p1');
    add(gateway, 'p2');
    await clock.advance(0);
    expect(writes).toEqual([]);
    expect(settled).toEqual(['ns/p1', 'ns/p2']);
    expect(batches.takeResult('p1')).toEqual({ ok: false, error: fenced });
    expect(batches.isPending('p2')).toBe(false);
  });

  it('counts principals still waiting in a batch for the quota', async () => {
    const { clock, batches, add } = setup();
    const { gateway } = recordingGateway();
    add(gateway, 'P1');
    expect(batches.pendingPrincipals(VAULT.toUpperCase())).toEqual(['p1']);
    await clock.advance(200);
    expect(batches.pendingPrincipals(VAULT)).toEqual([]);
  });
});
