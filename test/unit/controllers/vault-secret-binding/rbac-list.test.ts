// `list` on an RBAC vault: refused with InvalidSpec, never silently granted as less. Listing
// secrets applies to the entire vault (Key Vault REST, "Get Secrets": "applicable to the entire
// vault … requires the secrets/list permission"); logicops assigns Key Vault Secrets User on the
// one secret only (docs/design.md guarantee 2).
import { beforeEach, describe, expect, it } from 'vitest';
import { StalledError } from '../../../../src/runtime/index.ts';
import { addTestVault, condition, createWorld, PRINCIPAL, type World } from './support/world.ts';

let world: World;
beforeEach(() => {
  world = createWorld();
  world.allowVaults();
  world.workflow('wf', PRINCIPAL);
});

describe('permissions [get, list] where the vault uses RBAC', () => {
  it('stalls with InvalidSpec, says what to change, and grants nothing', async () => {
    addTestVault(world, { rbac: true });
    world.binding('b1', { permissions: ['get', 'list'] });
    expect(await world.reconcile('b1')).toBeInstanceOf(StalledError);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: expect.stringMatching(/asks for list.*uses Azure RBAC.*Remove list from spec\.permissions/),
    });
    expect(world.azure.assignments).toEqual([]);
    expect(world.journal.filter((line) => line.startsWith('azure:') || line.startsWith('ledger:'))).toEqual(
      [],
    );
    expect(world.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'InvalidSpec' });
  });

  it('grants as soon as list is removed', async () => {
    addTestVault(world, { rbac: true });
    world.binding('b1', { permissions: ['get', 'list'] });
    await world.reconcile('b1');
    world.binding('b1', { permissions: ['get'] });
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
    expect(world.azure.assignments).toHaveLength(1);
  });

  it('keeps the grant it made while get was all it asked for, and changes nothing when list is added', async () => {
    addTestVault(world, { rbac: true });
    world.binding('b1', { permissions: ['get'] });
    await world.reconcile('b1');
    expect(world.azure.assignments).toHaveLength(1);
    world.binding('b1', { permissions: ['get', 'list'] });
    world.journal.length = 0;
    expect(await world.reconcile('b1')).toBeInstanceOf(StalledError);
    expect(world.azure.assignments).toHaveLength(1);
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual([]);
  });

  it('grants list where the vault uses access policies', async () => {
    addTestVault(world);
    world.binding('b1', { permissions: ['get', 'list'] });
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
    expect(world.azure.entry('kv1', PRINCIPAL)?.sort()).toEqual(['get', 'list']);
  });
});
