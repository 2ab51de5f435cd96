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
      const existing = await counts.workflows('SUB', list);
      expect(existing).toHaveLength(2 + i);
      counts.noteCreated('sub', placed('westeurope'));
      azure.push(placed('westeurope'));
      await clock.advance(1_000);
    }
    expect(calls.count).toBe(1);
    const check = checkWorkflowQuota({
      existing: await counts.workflows('sub', list),
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
    await counts.workflows('sub', list);
    counts.noteCreated('sub', placed('westeurope'));
    azure.push(placed('westeurope'));
    await clock.advance(30_000);
    expect(await counts.workflows('sub', list)).toHaveLength(2);
    expect(calls.count).toBe(2);
  });

  it('shares one listing between concurrent checks and keeps subscriptions apart', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const { calls, list } = lister([placed('westeurope')]);
    const results = await Promise.all([
      counts.workflows('a', list),
      counts.workflows('a', list),
      counts.workflows('b', list),
    ]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(calls.count).toBe(2);
  });

  it('lists now when asked for a fresh count (a reconcile request)', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const azure = [placed('westeurope'), placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.workflows('sub', list);
    azure.pop(); // deleted out of band
    expect(await counts.workflows('sub', list)).toHaveLength(2);
    expect(await counts.workflows('sub', list, true)).toHaveLength(1);
    expect(calls.count).toBe(2);
  });

  it('does not keep a failed listing', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock);
    const failing = async (): Promise<WorkflowPlacement[]> => {
      throw new Error('throttled');
    };
    await expect(counts.workflows('sub', failing)).rejects.toThrow('throttled');
    const { calls, list } = lister([]);
    expect(await counts.workflows('sub', list)).toEqual([]);
    expect(calls.count).toBe(1);
  });
});

describe('WorkflowCounts for status (report)', () => {
  it("takes the creates' listing while it is young, else lists once per TTL for every report", async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.workflows('sub', list);
    expect(await counts.report('sub', list)).toHaveLength(1);
    expect(calls.count).toBe(1);
    await clock.advance(30_000);
    azure.push(placed('westeurope'));
    for (let i = 0; i < 10; i += 1) expect(await counts.report('sub', list)).toHaveLength(2);
    expect(calls.count).toBe(2);
  });

  it("never lets a create decide on the reports' listing", async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const azure = [placed('westeurope')];
    const { calls, list } = lister(azure);
    await counts.report('sub', list);
    azure.push(placed('westeurope'), placed('westeurope'));
    // A create right after a report still lists: it counts what Azure holds now.
    expect(await counts.workflows('sub', list)).toHaveLength(3);
    expect(calls.count).toBe(2);
  });

  it('counts the creates noted since in reports too', async () => {
    const clock = new FakeClock(0);
    const counts = new WorkflowCounts(clock, 30_000);
    const { list } = lister([placed('westeurope')]);
    await counts.report('sub', list);
    counts.noteCreated('sub', placed('westeurope'));
    expect(await counts.report('sub', list)).toHaveLength(2);
  });
});
