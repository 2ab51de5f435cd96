// Issue 20, items 3, 4 and 6 at reconcile level: what a team can write (status, which many
// clusters let teams patch) never decides an Azure write; what logicops granted lives in its own
// records, so a lost status loses nothing; a narrowed policy revokes. Judged from the fake
// Azure's state and the ordered journal of record and Azure writes.
import { beforeEach, describe, expect, it } from 'vitest';

import type { GrantRecord, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { ALLOWED_VAULTS_ANNOTATION } from '../../../../src/vocabulary.ts';
import {
  addTestVault,
  condition,
  createWorld,
  NAMESPACE,
  OTHER_PRINCIPAL,
  PRINCIPAL,
  SUBSCRIPTION,
  TENANT,
  vaultId,
  type World,
} from './support/world.ts';

const VICTIM = 'dddddddd-0000-4000-8000-000000000009';
const entryWith = (objectId: string, secrets: string[]) => ({
  tenantId: TENANT,
  objectId,
  permissions: { secrets, keys: [], certificates: [], storage: [] },
});

// Writes a status as a team allowed to patch the status subresource could (nothing else changes).
function forgeStatus(world: World, name: string, status: VaultSecretBinding['status']) {
  const object = world.get(name);
  object.status = { ...object.status, ...status };
  world.kube.put(object);
}

let world: World;
beforeEach(() => {
  world = createWorld();
  world.allowVaults();
  world.workflow('wf', PRINCIPAL);
  addTestVault(world, { accessPolicies: [entryWith(VICTIM, ['get', 'list'])] });
});

describe('status is a report, never an authority', () => {
  it('revokes nothing of a principal a forged status.grant names when the binding is deleted', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    forgeStatus(world, 'b1', {
      grant: {
        phase: 'Granted',
        principalId: VICTIM,
        vaultId: vaultId('kv1'),
        accessModel: 'AccessPolicy',
        permissionsAdded: ['get', 'list'],
      },
    });
    world.markDeleted('b1');
    world.journal.length = 0;
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', VICTIM)).toEqual(['get', 'list']);
    // Its own grant (the record) is what was revoked.
    expect(world.journal).toEqual([
      'ledger:Revoking',
      'azure:remove get',
      'ledger:cleared',
      'finalizer:removed',
    ]);
  });

  it('grants no principal that only a forged workflow status names', async () => {
    world.workflow('wf', undefined);
    const workflows = world.workflows;
    const forged = workflows.get(`${NAMESPACE}/wf`);
    if (!forged) throw new Error('no workflow');
    forged.status = { identity: { type: 'SystemAssigned', principalId: VICTIM, tenantId: TENANT } };
    world.binding('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', VICTIM)).toEqual(['get', 'list']);
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual([]);
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ reason: 'WaitingForPrincipal' });
  });

  it('leaves exactly the pre-existing permissions after a restore dropped every status', async () => {
    world.azure.vaults.get('kv1')?.accessPolicies.push(entryWith(PRINCIPAL, ['list']));
    world.binding('b1', { permissions: ['get', 'list'] });
    world.binding('b2', { permissions: ['get'] });
    await world.reconcile('b1');
    await world.reconcile('b2');
    expect(world.azure.entry('kv1', PRINCIPAL)?.sort()).toEqual(['get', 'list']);
    for (const name of ['b1', 'b2']) {
      const object = world.get(name);
      delete object.status;
      world.kube.put(object);
    }
    // The passes after the restore change nothing and count nothing as pre-existing.
    await world.reconcile('b1');
    await world.reconcile('b2');
    expect(world.ledger('b1')).toMatchObject({ permissionsAdded: ['get'], permissionsPreExisting: ['list'] });
    world.markDeleted('b1');
    await world.reconcile('b1');
    world.markDeleted('b2');
    await world.reconcile('b2');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['list']);
  });

  it('revokes the grant of a principal logicops no longer vouches for, and waits', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    world.workflow('wf', undefined); // the identity record is withdrawn (policy, ownership, None)
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.ledger('b1')).toBeUndefined();
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({
      reason: 'WaitingForPrincipal',
      message: expect.stringContaining('revoked'),
    });
  });
});

describe('a narrowed namespace policy', () => {
  it('revokes what the binding granted and stalls with NamespacePolicyDenied', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.allowVaults(
      NAMESPACE,
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/other`,
    );
    world.journal.length = 0;
    expect(await world.reconcile('b1')).toBeInstanceOf(Error);
    expect(world.journal).toEqual(['ledger:Revoking', 'azure:remove get', 'ledger:cleared']);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({
      reason: 'NamespacePolicyDenied',
      message: expect.stringContaining('revoked'),
    });
    expect(world.events.map((e) => e.reason)).toEqual(['Granted', 'Revoked', 'NamespacePolicyDenied']);
    // Stays revoked on the next passes.
    world.journal.length = 0;
    await world.reconcile('b1');
    expect(world.journal).toEqual([]);
  });
});

describe('records are addressed by what they say, not by the spec', () => {
  it('revokes a ledger left on another vault by a binding of the same name before granting anew', async () => {
    world.azure.addVault({
      id: vaultId('kv2'),
      name: 'kv2',
      location: 'westeurope',
      tenantId: TENANT,
      vaultUri: 'https://kv2.vault.azure.net/',
      enableRbacAuthorization: false,
      accessPolicies: [entryWith(PRINCIPAL, ['get'])],
    });
    world.azure.secrets.add('kv2/api-key');
    world.records.seed('grant', { namespace: NAMESPACE, name: 'b1' }, {
      phase: 'Granted',
      principalId: PRINCIPAL,
      tenantId: TENANT,
      vaultId: vaultId('kv2'),
      accessModel: 'AccessPolicy',
      permissionsAdded: ['get'],
      permissionsPreExisting: [],
    } satisfies GrantRecord);
    world.binding('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv2', PRINCIPAL)).toBeUndefined();
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    expect(world.ledger('b1')).toMatchObject({ vaultId: vaultId('kv1'), phase: 'Granted' });
  });
});

describe('the legacy ledger in status (upgrade path)', () => {
  it('moves a ledger that describes this binding into a record, so the grant is revoked exactly', async () => {
    world.azure.vaults.get('kv1')?.accessPolicies.push(entryWith(PRINCIPAL, ['get']));
    world.binding('b1');
    forgeStatus(world, 'b1', {
      grant: {
        phase: 'Granted',
        principalId: PRINCIPAL,
        tenantId: TENANT,
        vaultId: vaultId('kv1'),
        accessModel: 'AccessPolicy',
        permissionsAdded: ['get'],
        permissionsPreExisting: [],
      },
    });
    await world.reconcile('b1');
    expect(world.ledger('b1')).toMatchObject({ permissionsAdded: ['get'], permissionsPreExisting: [] });
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
  });

  it('ignores a legacy ledger that names another principal', async () => {
    world.azure.vaults.get('kv1')?.accessPolicies.push(entryWith(OTHER_PRINCIPAL, ['get']));
    world.binding('b1');
    forgeStatus(world, 'b1', {
      grant: {
        phase: 'Granted',
        principalId: OTHER_PRINCIPAL,
        vaultId: vaultId('kv1'),
        accessModel: 'AccessPolicy',
        permissionsAdded: ['get'],
      },
    });
    await world.reconcile('b1');
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', OTHER_PRINCIPAL)).toEqual(['get']);
  });
});

describe('namespace policy annotations', () => {
  it('are read from the Namespace (admin-only), never from the binding', async () => {
    world.namespaces.clear();
    world.binding('b1');
    const object = world.get('b1');
    object.metadata.annotations = { [ALLOWED_VAULTS_ANNOTATION]: '**' };
    world.kube.put(object);
    expect(await world.reconcile('b1')).toBeInstanceOf(Error);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({ reason: 'NamespacePolicyDenied' });
    expect(world.journal.filter((line) => line.startsWith('azure:'))).toEqual([]);
  });
});
