// The principal propagation hold: a binding whose workflow principal was first recorded less
// than `principalPropagationMs` ago has its grant written but reports Ready=False
// WaitingForPrincipal until the hold ends; the age comes from the workflow's identity record
// (it survives restarts), and the workflow controller stamps it only when a principal appears
// or changes.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.ts';
import type { WorkflowRun } from '../../../../src/controllers/logic-app-workflow/context.ts';
import { vouchFor } from '../../../../src/controllers/logic-app-workflow/vouched-identity.ts';
import { DEFAULT_PRINCIPAL_PROPAGATION_MS } from '../../../../src/controllers/shared/grants/propagation-hold.ts';
import type { LogicAppWorkflow, WorkflowIdentityStatus } from '../../../../src/crds/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { MemoryRecords } from '../shared/support/memory-records.ts';
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
      message: expect.stringMatching(/first seen 5 s ago .*hold 20 s\): Ready in 15 s$/),
    });
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({ status: 'True' });

    await world.clock.advance(14_999);
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 1 });
    await world.clock.advance(1);
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual(['azure:add get']);
  });

  it('counts from the recorded first sighting, so a principal recorded long ago is not held after a restart', async () => {
    const world = worldWithVault(HOLD_MS);
    world.workflow('wf', PRINCIPAL, NAMESPACE, false, secondsAgo(world, 3600));
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('holds nothing when the hold is 0 (dev mode and tests only)', async () => {
    const world = worldWithVault(0);
    world.workflow('wf', PRINCIPAL, NAMESPACE, false, secondsAgo(world, 0));
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
  });
});

describe('the default hold', () => {
  const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'x' };

  it('is 60 s in the operator configuration and in the controller, and 0 only when asked for', () => {
    expect(DEFAULT_PRINCIPAL_PROPAGATION_MS).toBe(60_000);
    expect(loadConfig([], env).principalPropagationMs).toBe(60_000);
    expect(loadConfig(['--principal-propagation-hold', '0s'], env).principalPropagationMs).toBe(0);
  });

  it('holds a binding of a principal first seen 10 s ago for the 50 s left', async () => {
    const world = worldWithVault(DEFAULT_PRINCIPAL_PROPAGATION_MS);
    world.workflow('wf', PRINCIPAL, NAMESPACE, false, secondsAgo(world, 10));
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 50_000 });
    expect(condition(world.get('b1'), 'Ready')?.message).toMatch(/hold 60 s\): Ready in 50 s$/);
  });
});

describe('principalObservedAt (the workflow identity record, shown in status)', () => {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const at = (ms: number) => new Date(ms).toISOString();
  function vouching(status?: WorkflowIdentityStatus) {
    const memory = new MemoryRecords();
    const object = {
      metadata: { name: 'wf', namespace: NAMESPACE, uid: 'u1' },
      status: { identity: status },
    };
    const run = {
      deps: { records: memory.records },
      namespace: NAMESPACE,
      name: 'wf',
      object: object as unknown as LogicAppWorkflow,
      context: { clock },
    } as unknown as WorkflowRun;
    return async (principalId: string) =>
      (await vouchFor(run, { type: 'SystemAssigned', principalId, tenantId: TENANT })).principalObservedAt;
  }

  it('is stamped when a principal first appears, kept while it stays, and restamped when it changes', async () => {
    const vouch = vouching();
    expect(await vouch('p-1')).toBe(at(clock.now()));
    const first = clock.now();
    await clock.advance(60_000);
    expect(await vouch('P-1')).toBe(at(first));
    expect(await vouch('p-2')).toBe(at(clock.now()));
  });

  it('takes an upgraded status: its stamp for the same principal, "long ago" when it has none, never another principal\'s', async () => {
    expect(await vouching({ principalId: 'p-1', principalObservedAt: at(1000) })('p-1')).toBe(at(1000));
    expect(await vouching({ principalId: 'p-1' })('p-1')).toBe(at(0));
    expect(await vouching({ principalId: 'p-1', principalObservedAt: at(1000) })('p-2')).toBe(
      at(clock.now()),
    );
  });
});
