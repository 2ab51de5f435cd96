// RBAC resyncs through the real reconcile (issue 12): a binding whose ledger says Granted is
// checked against the vault's shared listing of role assignments, outside the vault lock — one
// listing for all bindings of a vault instead of one GET each. Anything that may lead to a write
// (a missing assignment, a reconcile request, no ledger yet) still goes through the locked path
// and its own read.
import { beforeEach, describe, expect, it } from 'vitest';
import { roleAssignmentTarget } from '../../../../src/controllers/vault-secret-binding/plan/grant-model.ts';
import { addTestVault, createWorld, vaultId } from './support/world.ts';

type World = ReturnType<typeof createWorld>;

const principal = (i: number) => `cccccccc-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Binding b<i> for workflow wf<i> with its own principal, all on vault kv1 (RBAC). */
function bindings(world: World, count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    world.workflow(`wf${i}`, principal(i));
    world.binding(`b${i}`, { workflowRef: { name: `wf${i}` } });
    names.push(`b${i}`);
  }
  return names;
}

const roleReads = (world: World) => world.azure.reads.filter((read) => read.startsWith('roleAssignments'));

/** Fails (instead of hanging) as soon as a pass queues for the vault lock the test holds. */
async function neverQueuingForTheLock<T>(world: World, work: Promise<T>): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  while (!settled) {
    if (world.shared.locks.waiting(vaultId('kv1')) > 0) throw new Error('the pass waited for the vault lock');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return watched;
}

let world: World;
let names: string[];
beforeEach(async () => {
  world = createWorld({ vaultReadTtlMs: 5_000 });
  world.allowVaults();
  addTestVault(world, { rbac: true });
  names = bindings(world, 5);
  for (const name of names) await world.reconcile(name);
  expect(world.azure.assignments).toHaveLength(5);
  world.azure.reads.length = 0;
  world.journal.length = 0;
  await world.clock.advance(60_000);
});

describe('RBAC resync from the shared role-assignment listing', () => {
  it('checks a vault’s Granted bindings with ONE listing, no GET, no write, without the vault lock', async () => {
    const release = await world.shared.locks.acquire(vaultId('kv1'));
    try {
      const results = await neverQueuingForTheLock(
        world,
        Promise.all(names.map((name) => world.reconcile(name))),
      );
      expect(results).toEqual(names.map(() => ({ type: 'done' })));
    } finally {
      release();
    }
    expect(roleReads(world)).toEqual(['roleAssignments.listAround']);
    expect(world.azure.reads).toEqual(['vaults.get', 'secrets.get', 'roleAssignments.listAround']);
    expect(world.journal).toEqual([]);
  });

  it('an assignment deleted out of band is seen once the listing expired, and restored under the lock', async () => {
    await world.reconcile('b0'); // keeps a listing that still shows b0's assignment
    const own = roleAssignmentTarget(vaultId('kv1'), 'api-key', principal(0)).name;
    world.azure.assignments.splice(
      world.azure.assignments.findIndex((a) => a.name === own),
      1,
    );
    world.journal.length = 0;
    // Within the listing's few seconds the pass still concludes "in sync" (at most TTL late) ...
    await world.reconcile('b0');
    expect(world.journal).toEqual([]);
    // ... then the listing misses it: the locked path reads the assignment itself and restores it.
    await world.clock.advance(5_000);
    world.azure.reads.length = 0;
    await world.reconcile('b0');
    expect(roleReads(world)).toEqual(['roleAssignments.listAround', 'roleAssignments.get']);
    expect(world.journal).toEqual(['ledger:Intended', `azure:assign ${own}`, 'ledger:Granted']);
    expect(world.events.at(-1)).toMatchObject({ object: 'b0', reason: 'GrantRestored' });
  });

  it('answers a reconcile request from a GET under the lock, never from the listing', async () => {
    world.annotate('b1', { 'logicops.io/reconcile-request': 'now' });
    await world.reconcile('b1');
    expect(roleReads(world)).toEqual(['roleAssignments.get']);
  });

  it('a binding without a Granted ledger never uses the listing', async () => {
    world.workflow('wf9', principal(9));
    world.binding('b9', { workflowRef: { name: 'wf9' } });
    await world.reconcile('b9');
    expect(roleReads(world)).toEqual(['roleAssignments.get']);
    expect(world.get('b9').status?.grant?.phase).toBe('Granted');
  });

  it('a changed principal goes the locked path: the old grant is revoked, the new one assigned', async () => {
    world.workflow('wf2', principal(7));
    await world.reconcile('b2');
    expect(roleReads(world)).toEqual(['roleAssignments.get']);
    expect(world.get('b2').status?.grant?.principalId).toBe(principal(7));
    expect(world.journal).toContain(
      `azure:unassign ${roleAssignmentTarget(vaultId('kv1'), 'api-key', principal(2)).name}`,
    );
  });
});
