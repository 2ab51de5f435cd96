// Microsoft.ManagedIdentity/userAssignedIdentities through @azure/arm-msi 2.2.0 (api-version 2024-11-30).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import {
  armError,
  captureRaw,
  fixtureBody,
  type Harness,
  KEY_VAULT_SECRETS_USER,
  shapeDifferences,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

describe('user-assigned identities', () => {
  it('PUT creates (201) in the shape of IdentityCreate.json; the SDK flattens principalId/clientId/tenantId', async () => {
    const raw = captureRaw();
    const identity = await h.msi.userAssignedIdentities.createOrUpdate(
      RG,
      'uami-shape',
      { location: 'westeurope', tags: { a: 'b' } },
      raw.options,
    );
    expect(raw.last().status).toBe(201);
    expect(shapeDifferences(raw.last().body, fixtureBody('IdentityCreate.json', '201'))).toEqual([]);
    expect(identity).toMatchObject({
      name: 'uami-shape',
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      location: 'westeurope',
      tags: { a: 'b' },
      tenantId: h.emu.tenantId,
      isolationScope: 'None',
    });
    expect(identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity.principalId).not.toBe(identity.clientId);
  });

  it('GET answers in the shape of IdentityGet.json; a second PUT (200) keeps the principal', async () => {
    const created = await h.msi.userAssignedIdentities.createOrUpdate(RG, 'uami-keep', {
      location: 'westeurope',
    });
    const raw = captureRaw();
    const fetched = await h.msi.userAssignedIdentities.get(RG, 'uami-keep', raw.options);
    expect(shapeDifferences(raw.last().body, fixtureBody('IdentityGet.json'))).toEqual([]);
    expect(fetched.principalId).toBe(created.principalId);
    const again = await h.msi.userAssignedIdentities.createOrUpdate(
      RG,
      'uami-keep',
      { location: 'westeurope', tags: { v: '2' } },
      raw.options,
    );
    expect(raw.last().status).toBe(200);
    expect(again.principalId).toBe(created.principalId);
    expect(again.clientId).toBe(created.clientId);
  });

  it('DELETE removes the identity and its principal from the directory', async () => {
    const created = await h.msi.userAssignedIdentities.createOrUpdate(RG, 'uami-gone', {
      location: 'westeurope',
    });
    // While it exists, a role assignment without principalType finds it in the directory.
    await h.authorization.roleAssignments.create(`/subscriptions/${h.emu.subscriptionId}`, randomUUID(), {
      roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      principalId: created.principalId!,
    });
    await h.msi.userAssignedIdentities.delete(RG, 'uami-gone');
    await expect(h.msi.userAssignedIdentities.get(RG, 'uami-gone')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
    await expect(
      h.authorization.roleAssignments.create(
        `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}`,
        randomUUID(),
        {
          roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
          principalId: created.principalId!,
        },
      ),
    ).rejects.toMatchObject(armError(400, 'PrincipalNotFound'));
  });

  it('a PUT into a missing resource group is ResourceGroupNotFound; list by group and subscription', async () => {
    await expect(
      h.msi.userAssignedIdentities.createOrUpdate('nowhere', 'x', { location: 'westeurope' }),
    ).rejects.toMatchObject(armError(404, 'ResourceGroupNotFound'));
    const inGroup: string[] = [];
    for await (const identity of h.msi.userAssignedIdentities.listByResourceGroup(RG))
      inGroup.push(identity.name!);
    expect(inGroup).toEqual(expect.arrayContaining(['uami-shape', 'uami-keep']));
    const inSubscription: string[] = [];
    for await (const identity of h.msi.userAssignedIdentities.listBySubscription())
      inSubscription.push(identity.name!);
    expect(inSubscription.sort()).toEqual(inGroup.sort());
  });
});
