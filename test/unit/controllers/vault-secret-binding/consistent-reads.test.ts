// Key Vault's read-after-write lag (issue 21, item 6): right after an access-policy write, reads
// show the vault as it was before, and a remove acts on that older copy — the emulator's
// `vaultReadLag`, modelled here by the fake's `lagging` until `catchUp()`. Terraform's azurerm
// provider waits for three consecutive reads, 5 s apart, to agree after each access-policy write
// (hashicorp/terraform-provider-azurerm PR #9125); the binding does the same where a decision
// depends on it, one read per pass (vault-consistency.ts, removal-confirmation.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { LOGICOPS_FINALIZER } from '../../../../src/vocabulary.ts';
import { addTestVault, condition, createWorld, PRINCIPAL, TENANT, type World } from './support/world.ts';

const CONFIRM = { reads: 3, intervalMs: 5_000 };

let world: World;

function lagging(consistentReads = CONFIRM): World {
  const w = createWorld({ consistentReads });
  w.allowVaults();
  w.workflow('wf', PRINCIPAL);
  addTestVault(w);
  w.azure.lagging = true;
  return w;
}

/** False once the finalizer is gone, and with it the object (Kubernetes deletes it then). */
const hasFinalizer = (name: string) =>
  world.find(name)?.metadata.finalizers?.includes(LOGICOPS_FINALIZER) ?? false;

/** One confirmation step: the interval passes (reads may or may not have caught up), one pass. */
async function nextRead(name: string, catchUp: boolean) {
  await world.clock.advance(CONFIRM.intervalMs);
  if (catchUp) world.azure.catchUp();
  return world.reconcile(name);
}

describe('a revoke right after the grant', () => {
  beforeEach(() => {
    world = lagging();
  });

  it('without confirmation, one remove acts on the older copy and the permission stays (the failure)', async () => {
    world = lagging({ reads: 0, intervalMs: 0 });
    world.binding('b1');
    // Every pass after a write reads the older copy (no entry) and adds again: the grant never
    // settles. Four passes, as the controller would run them, one after each write.
    const grant = await world.reconcileUntilSettled('b1', { maxPasses: 4 });
    expect(grant).toMatchObject({ passes: 4, settled: false });
    expect(world.journal.filter((line) => line.startsWith('azure:add'))).toHaveLength(4);
    world.markDeleted('b1');
    await world.reconcileUntilSettled('b1', { maxPasses: 4 });
    expect(hasFinalizer('b1')).toBe(false);
    expect(world.ledger('b1')).toBeUndefined();
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
  });

  it('is sent again once reads show the permission, and the finalizer stays until three reads agree it is gone', async () => {
    world.binding('b1');
    // The grant's add went out; the pass after it reads the older copy and waits for reads to
    // catch up instead of adding again.
    expect(await world.reconcileUntilSettled('b1', { maxPasses: 2 })).toEqual({
      result: { type: 'requeueAfter', delayMs: CONFIRM.intervalMs },
      passes: 2,
      settled: true,
    });
    expect(world.journal.filter((line) => line.startsWith('azure:add'))).toHaveLength(1);
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);

    world.markDeleted('b1');
    // The remove acts on the older copy (no entry yet): nothing removed, the finalizer stays.
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: CONFIRM.intervalMs });
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    expect(world.ledger('b1')?.phase).toBe('Revoking');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'False', reason: 'Deleting' });
    expect(condition(world.get('b1'), 'Ready')?.message).toContain('Key Vault reads to agree');

    // Reads catch up and show the permission: removed again, this time for real.
    await nextRead('b1', true);
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    // The next read is the older copy again (from before that remove): it shows the permission.
    await nextRead('b1', false);
    expect(hasFinalizer('b1')).toBe(true);
    // Then three reads in a row agree it is gone: only now the ledger and the finalizer go.
    await nextRead('b1', true);
    await nextRead('b1', false);
    expect(hasFinalizer('b1')).toBe(true);
    expect(await nextRead('b1', false)).toEqual({ type: 'done' });
    expect(hasFinalizer('b1')).toBe(false);
    expect(world.ledger('b1')).toBeUndefined();
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.azure.removesSent).toEqual(['get', 'get', 'get']);
    expect(world.events.map((e) => e.reason)).toContain('Revoked');
  });

  it('is one remove and no extra read when the grant is older than the confirmation window', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    await world.clock.advance(CONFIRM.reads * CONFIRM.intervalMs);
    world.azure.catchUp();
    await world.reconcile('b1'); // records Granted
    await world.clock.advance(CONFIRM.reads * CONFIRM.intervalMs);
    world.azure.catchUp();
    const readsBefore = world.azure.reads.length;
    world.markDeleted('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.azure.removesSent).toEqual(['get']);
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.azure.reads.length - readsBefore).toBe(0);
  });

  it('gives up after a bounded number of reads, with a Warning Event, when the vault keeps showing the permission', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.markDeleted('b1');
    await world.reconcile('b1');
    // Someone keeps adding it back: every read shows it.
    let result = await world.reconcile('b1');
    for (let read = 0; read < CONFIRM.reads * 4 && hasFinalizer('b1'); read += 1) {
      world.azure.catchUp();
      grantOutOfBand(['get']);
      result = await nextRead('b1', true);
    }
    expect(result).toEqual({ type: 'done' });
    expect(hasFinalizer('b1')).toBe(false);
    expect(world.azure.removesSent).toHaveLength(CONFIRM.reads * 4 + 1);
    expect(world.events.map((e) => e.reason)).toContain('RevokeUnconfirmed');
  });
});

describe('a permission the spec no longer wants, right after its grant', () => {
  it('is removed although the read does not show it yet, and confirmed before the ledger lets go of it', async () => {
    world = lagging();
    world.azure.lagging = false;
    world.binding('b1');
    await world.reconcile('b1');
    await world.clock.advance(CONFIRM.reads * CONFIRM.intervalMs);
    expect(world.ledger('b1')).toMatchObject({ phase: 'Granted', permissionsAdded: ['get'] });
    // `list` is granted; reads still show the vault from before that add.
    world.azure.lagging = true;
    setPermissions('b1', ['get', 'list'], 2);
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get', 'list']);
    expect(world.ledger('b1')).toMatchObject({ phase: 'Intended', permissionsAdded: ['get', 'list'] });
    // The spec drops `list` again at once. The read does not show it, but the ledger says
    // logicops added it: it is removed (the lagging vault skips it), then reads are waited for.
    setPermissions('b1', ['get'], 3);
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: CONFIRM.intervalMs });
    expect(world.azure.removesSent).toEqual(['list']);
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get', 'list']);
    expect(world.ledger('b1')?.permissionsAdded).toEqual(['get', 'list']);
    let result = await nextRead('b1', true);
    for (let read = 0; read < 8 && hasFinalizer('b1') && world.ledger('b1')?.phase !== 'Granted'; read += 1) {
      result = await nextRead('b1', true);
    }
    expect(result).toEqual({ type: 'done' });
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    expect(world.ledger('b1')).toMatchObject({ phase: 'Granted', permissionsAdded: ['get'] });
  });
});

describe('a permission a lagging read shows with no ledger behind it', () => {
  it('an older copy from before a revoke of ours is not taken for a permission that was there before', async () => {
    world = lagging();
    world.azure.lagging = false;
    world.binding('b1');
    await world.reconcile('b1');
    await world.clock.advance(CONFIRM.reads * CONFIRM.intervalMs);
    // b1 goes; its grant is old enough for one remove. Reads now lag that remove.
    world.azure.lagging = true;
    world.markDeleted('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    // b2 (same principal) comes right after: its read is the older copy, which still shows `get`
    // with no ledger claiming it. Recorded as there before, b2 would be Ready without a grant.
    world.binding('b2');
    expect(await world.reconcile('b2')).toEqual({ type: 'requeueAfter', delayMs: CONFIRM.intervalMs });
    expect(world.ledger('b2')).toBeUndefined();
    expect(condition(world.get('b2'), 'Ready')?.message).toContain('recording it as there before');
    // Reads catch up: `get` is not there. b2 adds it, and it is logicops' to revoke.
    let result = await nextRead('b2', true);
    for (let read = 0; read < 4 && world.ledger('b2')?.phase !== 'Granted'; read += 1) {
      result = await nextRead('b2', true);
    }
    expect(result).toEqual({ type: 'done' });
    expect(world.ledger('b2')).toMatchObject({ permissionsAdded: ['get'], permissionsPreExisting: [] });
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
  });

  it('a permission really there before is recorded as such after three agreeing reads', async () => {
    world = createWorld({ consistentReads: CONFIRM });
    world.allowVaults();
    world.workflow('wf', PRINCIPAL);
    addTestVault(world, {
      accessPolicies: [
        {
          tenantId: TENANT,
          objectId: PRINCIPAL,
          permissions: { secrets: ['get'], keys: [], certificates: [], storage: [] },
        },
      ],
    });
    world.binding('b1');
    // The operator just started: an earlier process may have written; three reads must agree.
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: CONFIRM.intervalMs });
    await nextRead('b1', true);
    expect(world.ledger('b1')).toBeUndefined();
    expect(await nextRead('b1', true)).toEqual({ type: 'done' });
    expect(world.ledger('b1')).toMatchObject({ permissionsAdded: [], permissionsPreExisting: ['get'] });
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual([]);
  });
});

/** Makes the principal's entry hold `secrets` (someone else's write). */
function grantOutOfBand(secrets: string[]): void {
  const vault = world.azure.vaults.get('kv1');
  if (!vault) return;
  const entry = vault.accessPolicies.find((policy) => policy.objectId === PRINCIPAL);
  if (entry) entry.permissions.secrets = [...new Set([...entry.permissions.secrets, ...secrets])];
  else
    vault.accessPolicies.push({
      tenantId: TENANT,
      objectId: PRINCIPAL,
      permissions: { secrets, keys: [], certificates: [], storage: [] },
    });
}

/** Changes the binding's permissions (a new generation). */
function setPermissions(name: string, permissions: ('get' | 'list')[], generation: number): void {
  const object = world.get(name);
  object.spec.permissions = permissions;
  object.metadata.generation = generation;
  world.kube.put(object);
}

describe('what the confirmation costs', () => {
  /** Four bindings of one vault granted, then a resync pass of each past the confirmation window. */
  async function grantedAndResynced(consistentReads: { reads: number; intervalMs: number }) {
    const w = createWorld({ consistentReads, vaultReadTtlMs: 5_000 });
    w.allowVaults();
    const names = ['b1', 'b2', 'b3', 'b4'];
    names.forEach((name, i) => {
      w.workflow(`wf${i}`, `aaaaaaaa-0000-4000-8000-00000000001${i}`);
      w.binding(name, { workflowRef: { name: `wf${i}` } });
    });
    addTestVault(w);
    for (const name of names) await w.reconcile(name);
    await w.clock.advance(60_000);
    const before = w.azure.reads.length;
    for (const name of names) expect(await w.reconcile(name)).toEqual({ type: 'done' });
    return { w, names, resyncReads: w.azure.reads.length - before };
  }

  it('nothing in steady state: a resync reads what it read without it', async () => {
    const on = await grantedAndResynced(CONFIRM);
    const off = await grantedAndResynced({ reads: 0, intervalMs: 0 });
    expect(on.resyncReads).toBe(off.resyncReads);
    expect(on.resyncReads).toBeGreaterThan(0);
  });

  it('a revoke inside the window: three reads, shared by the bindings of the vault that revoke together', async () => {
    const { w, names } = await grantedAndResynced(CONFIRM);
    world = w;
    w.azure.vaults.get('kv1')?.accessPolicies.push({
      tenantId: TENANT,
      objectId: 'aaaaaaaa-0000-4000-8000-000000000099',
      permissions: { secrets: ['get'], keys: [], certificates: [], storage: [] },
    });
    w.shared.consistency.wrote(w.shared.ledgers.of({ namespace: 'team-a', name: 'b1' })?.vaultId ?? '');
    for (const name of names) w.markDeleted(name);
    const before = w.azure.reads.length;
    for (const name of names) await w.reconcile(name);
    for (let read = 0; read < CONFIRM.reads; read += 1) {
      await w.clock.advance(CONFIRM.intervalMs);
      for (const name of names) await w.reconcile(name);
    }
    for (const name of names) expect(hasFinalizer(name)).toBe(false);
    // One remove per binding, then one read of the vault per round for all four: the passes of a
    // round share a read that started after each binding's previous one (3 reads, not 12).
    expect(w.azure.removesSent).toHaveLength(names.length);
    expect(w.azure.reads.slice(before).filter((read) => read === 'vaults.get')).toHaveLength(CONFIRM.reads);
  });
});
