// The principal propagation hold: a binding whose workflow principal was first recorded less
// than `principalPropagationMs` ago has its grant written but reports Ready=False
// WaitingForPrincipal until the hold ends; the age comes from the workflow's status (it survives
// restarts), and the workflow controller stamps it only when a principal appears or changes.
import { describe, expect, it } from 'vitest';
import { applyStatusDraft } from '../../../../src/controllers/logic-app-workflow/status.ts';
import type { LogicAppWorkflowStatus } from '../../../../src/crds/index.ts';
import { FakeClock } from '../../../../src/runtime/testing/fake-clock.ts';
import { addTestVault, condition, createWorld, NAMESPACE, PRINCIPAL, TENANT } from './support/world.ts';

const HOLD_MS = 20_000;

function worldWithVault(principalPropagationMs: number) {
  const world = createWorld({ principalPropagationMs });
  world.allowVaults();
  addTestVault(world);
  return world;
}

const secondsAgo = (world: ReturnType<typeof createWorld>, s: number) =>
  new Date(world.clock.now() - s * 1000).toISOString();

describe('principal propagation hold', () => {
  it('grants at once but holds Ready as WaitingForPrincipal until the principal is old enough', async () => {
    const world = worldWithVault(HOLD_MS);
    world.workflow('wf', PRINCIPAL, NAMESPACE, false, secondsAgo(world, 5));
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 15_000 });
    expect(world.journal).toEqual(['finalizer:added', 'ledger:Intended', 'azure:add get', 'ledger:Granted']);
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForPrincipal',
    });
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({ status: 'True' });

    await world.clock.advance(14_999);
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 1 });
    await world.clock.advance(1);
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual(['azure:add get']);
  });

  it('does not hold a principal whose first sighting is not recorded (status older than the field)', async () => {
    const world = worldWithVault(HOLD_MS);
    world.workflow('wf', PRINCIPAL);
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('holds nothing when the hold is 0 (the default)', async () => {
    const world = worldWithVault(0);
    world.workflow('wf', PRINCIPAL, NAMESPACE, false, secondsAgo(world, 0));
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
  });
});

describe('status.identity.principalObservedAt (workflow status)', () => {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const at = (ms: number) => new Date(ms).toISOString();
  const apply = (status: LogicAppWorkflowStatus, principalId: string | undefined) => {
    applyStatusDraft(
      status,
      { identity: { type: 'SystemAssigned', principalId, tenantId: TENANT } },
      1,
      clock,
    );
    return status.identity;
  };

  it('is stamped when a principal first appears, kept while it stays, and restamped when it changes', async () => {
    const status: LogicAppWorkflowStatus = {};
    expect(apply(status, undefined)?.principalObservedAt).toBeUndefined();
    expect(apply(status, 'p-1')?.principalObservedAt).toBe(at(clock.now()));
    const first = clock.now();
    await clock.advance(60_000);
    expect(apply(status, 'P-1')?.principalObservedAt).toBe(at(first));
    expect(apply(status, 'p-2')?.principalObservedAt).toBe(at(clock.now()));
  });

  it('is not invented for a principal recorded before the field existed', () => {
    const status: LogicAppWorkflowStatus = { identity: { type: 'SystemAssigned', principalId: 'p-1' } };
    expect(apply(status, 'p-1')?.principalObservedAt).toBeUndefined();
  });
});
