// Coalesced access-policy adds and shared vault reads, through the real reconcile: N bindings
// granting on one vault at once cost one accessPolicies/add, and the write-ahead ledger of each
// stays exact (Intended before the shared write, Granted after).
import { beforeEach, describe, expect, it } from 'vitest';
import { AzureError } from '../../../../src/azure/index.ts';
import { StalledError } from '../../../../src/runtime/index.ts';
import { addTestVault, createWorld, TENANT } from './support/world.ts';

type World = ReturnType<typeof createWorld>;

const principal = (i: number) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`;

function vault(
  world: World,
  accessPolicies: Parameters<World['azure']['addVault']>[0]['accessPolicies'] = [],
) {
  addTestVault(world, { accessPolicies });
}

/** Binding b<i> for workflow wf<i> with its own principal. */
function bindings(world: World, count: number, permissions: string[][] = []) {
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    world.workflow(`wf${i}`, principal(i));
    world.binding(`b${i}`, {
      workflowRef: { name: `wf${i}` },
      permissions: (permissions[i] ?? ['get']) as never,
    });
    names.push(`b${i}`);
  }
  return names;
}

const grantWrites = (world: World) => world.journal.filter((line) => line.startsWith('azure:add'));

let world: World;
beforeEach(() => {
  world = createWorld({ vaultReadTtlMs: 5_000 });
  world.allowVaults();
});

describe('coalesced access-policy adds', () => {
  it('grants N bindings of one vault with ONE accessPolicies/add, each ledger Intended before and Granted after', async () => {
    vault(world);
    const names = bindings(world, 8);
    const results = await Promise.all(names.map((name) => world.reconcile(name)));
    expect(results).toEqual(names.map(() => ({ type: 'done' })));
    expect(grantWrites(world)).toEqual([`azure:add ${names.map(() => 'get').join(' + ')}`]);
    const write = world.journal.indexOf(grantWrites(world)[0] ?? '');
    const intended = world.journal.flatMap((line, i) => (line === 'ledger:Intended' ? [i] : []));
    const granted = world.journal.flatMap((line, i) => (line === 'ledger:Granted' ? [i] : []));
    expect(intended).toHaveLength(8);
    expect(granted).toHaveLength(8);
    expect(Math.max(...intended)).toBeLessThan(write);
    expect(Math.min(...granted)).toBeGreaterThan(write);
    for (const [i, name] of names.entries()) {
      expect(world.azure.entry('kv1', principal(i))).toEqual(['get']);
      expect(world.get(name).status?.grant).toMatchObject({ phase: 'Granted', permissionsAdded: ['get'] });
      expect(world.get(name).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    expect(world.events.filter((e) => e.reason === 'Granted')).toHaveLength(8);
  });

  it('records Granted with the status write that ends the pass after the coalesced write', async () => {
    vault(world);
    const [name = ''] = bindings(world, 1);
    await world.reconcile(name);
    expect(world.get(name).status?.grant?.phase).toBe('Granted');
    world.azure.vaults.get('kv1')!.accessPolicies = [];
    await world.clock.advance(5_000);
    world.journal.length = 0;
    const statusPatches = () => world.kube.requests.filter((r) => r.subresource === 'status').length;
    const before = statusPatches();
    // The pass that queues the add, and the pass the controller runs once the write settled.
    expect(await world.reconcileUntilSettled(name, { maxPasses: 2 })).toMatchObject({
      result: { type: 'done' },
      passes: 2,
      settled: true,
    });
    // Intended (written ahead) together with Progressing, then Granted together with Ready.
    expect(statusPatches() - before).toBe(2);
    expect(world.journal.filter((line) => line.startsWith('ledger:'))).toEqual([
      'ledger:Intended',
      'ledger:Granted',
    ]);
    expect(world.get(name).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('merges bindings of the same principal into one entry of the shared write', async () => {
    vault(world);
    world.workflow('wf', principal(1));
    world.binding('reads', { workflowRef: { name: 'wf' }, permissions: ['get'] });
    world.binding('lists', { workflowRef: { name: 'wf' }, permissions: ['list'], secretName: 'api-key' });
    await Promise.all([world.reconcile('reads'), world.reconcile('lists')]);
    expect(grantWrites(world)).toEqual(['azure:add get,list']);
    expect(world.azure.entry('kv1', principal(1))).toEqual(['get', 'list']);
    // Revoking one keeps what the other still needs.
    world.markDeleted('lists');
    await world.reconcile('lists');
    expect(world.azure.entry('kv1', principal(1))).toEqual(['get']);
  });

  it('fails every binding of a failed shared write, leaves their intent on record, and grants on the next pass', async () => {
    vault(world);
    const names = bindings(world, 3);
    world.azure.failNext(
      'vaults.add',
      new AzureError(
        'vaults.updateAccessPolicy.add',
        { kind: 'retry', reason: 'serverError', message: 'boom' },
        500,
      ),
    );
    const results = await Promise.all(names.map((name) => world.reconcile(name)));
    for (const result of results) expect(result).toBeInstanceOf(Error);
    for (const name of names) expect(world.get(name).status?.grant?.phase).toBe('Intended');
    expect(grantWrites(world)).toEqual([]);

    await Promise.all(names.map((name) => world.reconcile(name)));
    expect(grantWrites(world)).toEqual(['azure:add get + get + get']);
    for (const name of names) expect(world.get(name).status?.grant?.phase).toBe('Granted');
  });

  it('counts new entries waiting in the shared write against the vault quota', async () => {
    world = createWorld({
      vaultReadTtlMs: 5_000,
      quota: { accessPoliciesPerVault: 3, roleAssignmentsPerSubscription: 10 },
    });
    world.allowVaults();
    vault(world, [
      {
        tenantId: TENANT,
        objectId: 'cccccccc-0000-4000-8000-000000000001',
        permissions: { secrets: ['get'], keys: [], certificates: [], storage: [] },
      },
    ]);
    const names = bindings(world, 4);
    const results = await Promise.all(names.map((name) => world.reconcile(name)));
    expect(results.filter((r) => r instanceof StalledError)).toHaveLength(2);
    expect(world.azure.vaults.get('kv1')?.accessPolicies).toHaveLength(3);
  });
});

describe('shared vault reads', () => {
  it('observes a vault once for a burst of its bindings, and reads nothing more in sync', async () => {
    vault(world);
    const names = bindings(world, 5);
    await Promise.all(names.map((name) => world.reconcile(name)));
    world.azure.reads.length = 0;
    world.journal.length = 0;
    // A resync burst after the shared read expired: one vault read and one secret read for all five,
    // and one pass each (no write to wait for).
    await world.clock.advance(60_000);
    const resync = await Promise.all(
      names.map((name) => world.reconcileUntilSettled(name, { maxPasses: 2 })),
    );
    expect(resync.map(({ passes, settled }) => ({ passes, settled }))).toEqual(
      names.map(() => ({ passes: 1, settled: true })),
    );
    expect(world.azure.reads).toEqual(['vaults.get', 'secrets.get']);
    expect(world.journal).toEqual([]);
  });

  it('decides a write only on a read made under the lock; a shared read is at most a few seconds old', async () => {
    vault(world);
    const [name = ''] = bindings(world, 1);
    await world.reconcile(name);
    await world.reconcile(name); // in sync: keeps a shared read
    world.azure.reads.length = 0;
    world.journal.length = 0;
    // Wiped out of band: within the shared read's few seconds a pass still sees the old entry ...
    world.azure.vaults.get('kv1')!.accessPolicies = [];
    await world.reconcile(name);
    expect(world.azure.reads).toEqual([]);
    expect(world.journal).toEqual([]);
    // ... and once it expired, the pass sees the loss, re-reads under the lock and restores; the
    // pass after the coalesced write reads the vault once more (our write dropped the shared read).
    await world.clock.advance(5_000);
    await world.reconcile(name);
    expect(world.azure.reads).toEqual(['vaults.get', 'secrets.get', 'vaults.get', 'vaults.get']);
    expect(grantWrites(world)).toEqual(['azure:add get']);
    expect(world.azure.entry('kv1', principal(0))).toEqual(['get']);
    expect(world.events.map((e) => e.reason)).toContain('GrantRestored');
  });

  it('answers a reconcile request from Azure now, never from a shared read', async () => {
    vault(world);
    const [name = ''] = bindings(world, 1);
    await world.reconcile(name);
    await world.reconcile(name);
    world.azure.vaults.get('kv1')!.accessPolicies = [];
    world.annotate(name, { 'logicops.io/reconcile-request': 'now' });
    world.journal.length = 0;
    await world.reconcile(name);
    expect(grantWrites(world)).toEqual(['azure:add get']);
    expect(world.get(name).status?.lastHandledReconcileRequest).toBe('now');
  });
});
