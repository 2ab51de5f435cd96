// The RBAC quota check's shared count: one subscription count serves a burst of creates, our
// own creates are added to it, and a reconcile request counts again at once.
import { describe, expect, it } from 'vitest';
import { RoleAssignmentCounts } from '../../../../src/controllers/shared/grants/role-assignment-counts.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

function counter(start: number) {
  const state = { inAzure: start, counts: 0 };
  const countNow = async () => {
    state.counts += 1;
    return state.inAzure;
  };
  return { state, countNow };
}

describe('RoleAssignmentCounts', () => {
  it('counts the subscription once for a burst of creates, adding the creates made since', async () => {
    const clock = new FakeClock(0);
    const counts = new RoleAssignmentCounts(clock, 30_000);
    const { state, countNow } = counter(10);
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      seen.push(await counts.count('operator', 'SUB', countNow));
      counts.noteCreated('sub');
      state.inAzure += 1;
      await clock.advance(1);
    }
    expect(seen).toEqual([10, 11, 12, 13, 14]);
    expect(state.counts).toBe(1);
  });

  it('counts again once the count is older than its TTL, and forgets creates it now includes', async () => {
    const clock = new FakeClock(0);
    const counts = new RoleAssignmentCounts(clock, 30_000);
    const { state, countNow } = counter(3);
    await counts.count('operator', 'sub', countNow);
    counts.noteCreated('sub');
    state.inAzure = 4;
    await clock.advance(30_000);
    expect(await counts.count('operator', 'sub', countNow)).toBe(4);
    expect(state.counts).toBe(2);
  });

  it('counts now for a reconcile request, and keeps subscriptions apart', async () => {
    const clock = new FakeClock(0);
    const counts = new RoleAssignmentCounts(clock, 30_000);
    const a = counter(1);
    const b = counter(7);
    await counts.count('operator', 'a', a.countNow);
    a.state.inAzure = 2;
    expect(await counts.count('operator', 'a', a.countNow, true)).toBe(2);
    expect(await counts.count('operator', 'b', b.countNow)).toBe(7);
    expect(a.state.counts).toBe(2);
  });

  // Issue 23: a namespace acting as its own identity counts with its own listing; our creates,
  // whoever made them, count for every identity (the limit is the subscription's).
  it('counts once per actor and subscription, adding every actor’s creates to each count', async () => {
    const clock = new FakeClock(0);
    const counts = new RoleAssignmentCounts(clock, 30_000);
    const a = counter(5);
    const b = counter(5);
    await Promise.all([1, 2].map(() => counts.count('tenant-a/client-a', 'sub', a.countNow)));
    expect(await counts.count('tenant-b/client-b', 'sub', b.countNow)).toBe(5);
    await clock.advance(1);
    counts.noteCreated('sub'); // created as team A
    expect(await counts.count('tenant-a/client-a', 'sub', a.countNow)).toBe(6);
    expect(await counts.count('tenant-b/client-b', 'sub', b.countNow)).toBe(6);
    expect([a.state.counts, b.state.counts]).toEqual([1, 1]);
  });
});
