// RoleAssignmentGateway through the real @azure/arm-authorization client against the emulator:
// deterministic names, the logicops marker, and a grant that exists under someone else's name.
import { randomUUID } from 'node:crypto';
import { DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DesiredRoleAssignment,
  isLogicopsDescription,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  roleAssignmentName,
  roleDefinitionResourceId,
  secretScope,
} from '../../../src/azure/index.ts';
import { type AzureTestbed, startTestbed } from './support.ts';

let t: AzureTestbed;
let vaultId: string;
beforeAll(async () => {
  t = await startTestbed();
  vaultId = `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
});
afterAll(async () => {
  await t?.close();
});

async function newPrincipal(): Promise<string> {
  const identity = await t.clients.msi.userAssignedIdentities.createOrUpdate(
    DEMO_RESOURCE_GROUP,
    `ra-${randomUUID().slice(0, 8)}`,
    { location: 'westeurope' },
  );
  return identity.principalId!;
}

function desired(principalId: string, secret: string): DesiredRoleAssignment {
  return {
    scope: secretScope(vaultId, secret),
    roleDefinitionId: roleDefinitionResourceId(t.emu.subscriptionId, KEY_VAULT_SECRETS_USER_ROLE_ID),
    principalId,
    owner: 'test-cluster/team-a/reads-key',
  };
}

describe('RoleAssignmentGateway', () => {
  it('creates Key Vault Secrets User at one secret under the deterministic name, marked as logicops', async () => {
    const want = desired(await newPrincipal(), 'create-get');
    const created = await t.gateways.roleAssignments.create(want);
    expect(created).toMatchObject({
      name: roleAssignmentName(want.scope, want.roleDefinitionId, want.principalId),
      scope: want.scope,
      principalId: want.principalId,
      principalType: 'ServicePrincipal',
      description: 'managed by logicops: test-cluster/team-a/reads-key',
    });
    expect(isLogicopsDescription(created.description, want.owner)).toBe(true);

    const fetched = await t.gateways.roleAssignments.get(want.scope, created.name);
    expect(fetched?.id).toBe(created.id);
  });

  it('ensure is idempotent: a repeat finds its own assignment', async () => {
    const want = desired(await newPrincipal(), 'ensure-twice');
    const first = await t.gateways.roleAssignments.ensure(want);
    const second = await t.gateways.roleAssignments.ensure(want);
    expect(first.ownedByLogicops).toBe(true);
    expect(second).toMatchObject({ ownedByLogicops: true, assignment: { name: first.assignment.name } });
  });

  it('a grant that already exists under another name: create is a conflict, ensure finds it and marks it foreign', async () => {
    const want = desired(await newPrincipal(), 'foreign');
    const foreignName = randomUUID();
    await t.clients.authorization.roleAssignments.create(want.scope, foreignName, {
      roleDefinitionId: want.roleDefinitionId,
      principalId: want.principalId,
      principalType: 'ServicePrincipal',
      description: 'made by hand in the portal',
    });

    await expect(t.gateways.roleAssignments.create(want)).rejects.toMatchObject({
      name: 'AzureError',
      code: 'RoleAssignmentExists',
      failure: { kind: 'conflict', code: 'RoleAssignmentExists' },
    });
    const ensured = await t.gateways.roleAssignments.ensure(want);
    expect(ensured).toMatchObject({ ownedByLogicops: false, assignment: { name: foreignName } });
    expect(isLogicopsDescription(ensured.assignment.description)).toBe(false);

    const found = await t.gateways.roleAssignments.findExisting(
      want.scope,
      want.roleDefinitionId,
      want.principalId,
    );
    expect(found?.name).toBe(foreignName);
  });

  it('findExisting matches exactly scope, role and principal', async () => {
    const principalId = await newPrincipal();
    const atVault = { ...desired(principalId, 'x'), scope: vaultId };
    await t.gateways.roleAssignments.create(atVault);
    // The vault-scope grant is above the secret: not an exact match for the secret scope.
    await expect(
      t.gateways.roleAssignments.findExisting(
        secretScope(vaultId, 'x'),
        atVault.roleDefinitionId,
        principalId,
      ),
    ).resolves.toBeUndefined();
    await expect(
      t.gateways.roleAssignments.findExisting(vaultId, atVault.roleDefinitionId, principalId),
    ).resolves.toMatchObject({ scope: vaultId });
  });

  it('lists at a scope (atScope()) and for a principal (principalId eq)', async () => {
    const principalId = await newPrincipal();
    const a = await t.gateways.roleAssignments.create(desired(principalId, 'list-a'));
    const b = await t.gateways.roleAssignments.create(desired(principalId, 'list-b'));

    const forPrincipal = await t.gateways.roleAssignments.listForPrincipal(vaultId, principalId);
    expect(forPrincipal.map((r) => r.name).sort()).toEqual([a.name, b.name].sort());

    const atA = await t.gateways.roleAssignments.listAtScope(secretScope(vaultId, 'list-a'));
    expect(atA.map((r) => r.name)).toContain(a.name);
    expect(atA.map((r) => r.name)).not.toContain(b.name);
  });

  it('delete removes it; deleting again is done', async () => {
    const want = desired(await newPrincipal(), 'delete-me');
    const created = await t.gateways.roleAssignments.create(want);
    await t.gateways.roleAssignments.delete(want.scope, created.name);
    await expect(t.gateways.roleAssignments.get(want.scope, created.name)).resolves.toBeUndefined();
    await expect(t.gateways.roleAssignments.delete(want.scope, created.name)).resolves.toBeUndefined();
  });

  it('counts the assignments in the subscription', async () => {
    const before = await t.gateways.roleAssignments.countInSubscription();
    await t.gateways.roleAssignments.create(desired(await newPrincipal(), 'count'));
    await expect(t.gateways.roleAssignments.countInSubscription()).resolves.toBe(before + 1);
  });
});
