import { describe, expect, it } from 'vitest';
import { checkWorkflowQuota } from '../../../../src/controllers/logic-app-workflow/quota.ts';
import {
  WorkflowCounts,
  type WorkflowPlacement,
} from '../../../../src/controllers/logic-app-workflow/workflow-counts.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const placed = (location: string, type = 'SystemAssigned'): WorkflowPlacement => ({
  location,
  identity: { type },
});

function lister(azure: WorkflowPlacement[]) {
  const calls = { count: 0 };
  const list = async () => {
    calls.count += 1;
    return azure.map((w) => structuredClone(w));
  };
  return { calls, list };
}

describe('WorkflowCounts', () => {
  it('serves a burst of creates from one listing plus the creates made since', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope'), placed('northeurope')];
    const { calls, list } = lister(azure);

    for (let i = 0; i < 5; i += 1) {
      const existing = await counts.workflows('operator', 'SUB', list);
      expect(existing).toHaveLength(2 + i);
      counts.noteCreated('sub', placed('westeurope'));
      azure.push(placed('westeurope'));
      await clock.advance(1_000);
    }
    expect(calls.count).toBe(1);
    const check = checkWorkflowQuota({
      existing: await counts.workflows('operator', 'sub', list),
      subscriptionId: 'sub',
      location: 'westeurope',
      identityType: 'SystemAssigned',
      limits: { workflowsPerRegion: 6, managedIdentityWorkflowsPerSubscriptionRegion: 100 },
    });
    // 1 + 5 created in westeurope = 6 of 6: the next create is refused without a new list.
    expect(check.exceeded.map((u) => u.name)).toEqual(['WorkflowsPerRegion']);
    expect(calls.count).toBe(1);
  });

  it('lists again after the TTL, and stops adding creates the new listing already holds', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.workflows('operator', 'sub', list);
    counts.noteCreated('sub', placed('westeurope'));
    azure.push(placed('westeurope'));
    await clock.advance(30_000);
    expect(await counts.workflows('operator', 'sub', list)).toHaveLength(2);
    expect(calls.count).toBe(2);
  });

  it('shares one listing between concurrent checks and keeps subscriptions apart', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const { calls, list } = lister([placed('westeurope')]);
    const results = await Promise.all([
      counts.workflows('operator', 'a', list),
      counts.workflows('operator', 'a', list),
      counts.workflows('operator', 'b', list),
    ]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(calls.count).toBe(2);
  });

  it('lists now when asked for a fresh count (a reconcile request)', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const azure = [placed('westeurope'), placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.workflows('operator', 'sub', list);
    azure.pop(); // deleted out of band
    expect(await counts.workflows('operator', 'sub', list)).toHaveLength(2);
    expect(await counts.workflows('operator', 'sub', list, true)).toHaveLength(1);
    expect(calls.count).toBe(2);
  });

  it('does not keep a failed listing', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const failing = async (): Promise<WorkflowPlacement[]> => {
      throw new Error('throttled');
    };
    await expect(counts.workflows('operator', 'sub', failing)).rejects.toThrow('throttled');
    const { calls, list } = lister([]);
    expect(await counts.workflows('operator', 'sub', list)).toEqual([]);
    expect(calls.count).toBe(1);
  });
});

// Issue 23: each namespace may act as its own identity; a listing serves only the actor that made it.
describe('WorkflowCounts per Azure actor', () => {
  it('lists once per actor and subscription; one actor’s workflows still share one listing', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const a = lister([placed('westeurope')]);
    const b = lister([placed('westeurope')]);
    await Promise.all([1, 2, 3].map(() => counts.workflows('tenant-a/client-a', 'sub', a.list)));
    await counts.workflows('tenant-b/client-b', 'sub', b.list);
    await counts.workflows('tenant-a/client-a', 'SUB', a.list);
    expect([a.calls.count, b.calls.count]).toEqual([1, 1]);
  });

  it('counts a create made as one actor in every actor’s listing of the subscription', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const b = lister([placed('westeurope')]);
    await counts.workflows('tenant-b/client-b', 'sub', b.list);
    await clock.advance(500);
    counts.noteCreated('sub', placed('westeurope')); // created as team A
    await clock.advance(500);
    // A lists after its create (the listing holds it); using A's listing must not forget the
    // create that B's older listing still lacks.
    const a = lister([placed('westeurope'), placed('westeurope')]);
    expect(await counts.workflows('tenant-a/client-a', 'sub', a.list)).toHaveLength(2);
    expect(await counts.workflows('tenant-b/client-b', 'sub', b.list)).toHaveLength(2);
    expect(await counts.report('tenant-b/client-b', 'sub', b.list)).toHaveLength(2);
    expect([a.calls.count, b.calls.count]).toEqual([1, 1]);
  });

  it("never reports from another actor's listing", async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const a = lister([placed('westeurope'), placed('westeurope')]);
    const b = lister([placed('westeurope')]);
    await counts.workflows('tenant-a/client-a', 'sub', a.list);
    expect(await counts.report('tenant-b/client-b', 'sub', b.list)).toHaveLength(1);
    expect(b.calls.count).toBe(1);
  });
});

describe('WorkflowCounts for status (report)', () => {
  it("takes the creates' listing while it is young, else lists once per TTL for every report", async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.workflows('operator', 'sub', list);
    expect(await counts.report('operator', 'sub', list)).toHaveLength(1);
    expect(calls.count).toBe(1);
    await clock.advance(30_000);
    azure.push(placed('westeurope'));
    for (let i = 0; i < 10; i += 1) expect(await counts.report('operator', 'sub', list)).toHaveLength(2);
    expect(calls.count).toBe(2);
  });

  it("never lets a create decide on the reports' listing", async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.report('operator', 'sub', list);
    azure.push(placed('westeurope'), placed('westeurope'));
    // A create right after a report still lists: it counts what Azure holds now.
    expect(await counts.workflows('operator', 'sub', list)).toHaveLength(3);
    expect(calls.count).toBe(2);
  });

  it('counts the creates noted since in reports too', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const { list } = lister([placed('westeurope')]);
    await counts.report('operator', 'sub', list);
    counts.noteCreated('sub', placed('westeurope'));
    expect(await counts.report('operator', 'sub', list)).toHaveLength(2);
  });
});
