// VaultGateway through the real @azure/arm-keyvault 5 client against the emulator: access
// policies change only through accessPolicies/add|remove, and only the permissions asked for.
import { randomUUID } from 'node:crypto';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  DEMO_SECRET_NAME,
} from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicyPrincipal, VaultRef } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
const policyVault: VaultRef = { resourceGroup: RG, name: DEMO_ACCESS_POLICY_VAULT };
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

const principal = (): AccessPolicyPrincipal => ({ tenantId: t.emu.tenantId, objectId: randomUUID() });

async function entryFor(vault: VaultRef, objectId: string) {
  return (await t.gateways.vaults.get(vault))?.accessPolicies.find((p) => p.objectId === objectId);
}

describe('VaultGateway', () => {
  it('reads the access model, vault URI and tenant', async () => {
    const policies = await t.gateways.vaults.get(policyVault);
    expect(policies).toMatchObject({
      name: DEMO_ACCESS_POLICY_VAULT,
      enableRbacAuthorization: false,
      tenantId: t.emu.tenantId,
      vaultUri: `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/`,
    });
    const rbac = await t.gateways.vaults.get({ resourceGroup: RG, name: DEMO_RBAC_VAULT });
    expect(rbac?.enableRbacAuthorization).toBe(true);
  });

  it('answers undefined for a vault that does not exist', async () => {
    await expect(
      t.gateways.vaults.get({ resourceGroup: RG, name: 'no-such-vault' }),
    ).resolves.toBeUndefined();
  });

  it('add merges permissions into one entry and leaves other entries alone', async () => {
    const mine = principal();
    const other = principal();
    await t.gateways.vaults.addAccessPolicy(policyVault, other, ['get', 'list']);
    await t.gateways.vaults.addAccessPolicy(policyVault, mine, ['get']);
    await t.gateways.vaults.addAccessPolicy(policyVault, mine, ['list']);
    await t.gateways.vaults.addAccessPolicy(policyVault, mine, ['get']); // idempotent

    // Key Vault returns its own spelling (packages/azure-emulator/test/permission-casing.test.ts).
    expect((await entryFor(policyVault, mine.objectId))?.permissions.secrets).toEqual(['Get', 'List']);
    expect((await entryFor(policyVault, other.objectId))?.permissions.secrets).toEqual(['Get', 'List']);
  });

  it('adds several principals in ONE accessPolicies/add, merging into existing entries', async () => {
    const first = principal();
    const second = principal();
    await t.gateways.vaults.addAccessPolicy(policyVault, first, ['list']);
    const since = lastSeq(t.emu);
    await t.gateways.vaults.addAccessPolicies(policyVault, [
      { principal: first, secretPermissions: ['get'] },
      { principal: second, secretPermissions: ['get', 'list'] },
      { principal: principal(), secretPermissions: [] },
    ]);
    const writes = armRequestsSince(t.emu, since).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.split('/vaults/')[1]}`)).toEqual([
      `PUT ${DEMO_ACCESS_POLICY_VAULT}/accessPolicies/add`,
    ]);
    expect((await entryFor(policyVault, first.objectId))?.permissions.secrets.sort()).toEqual([
      'Get',
      'List',
    ]);
    expect((await entryFor(policyVault, second.objectId))?.permissions.secrets.sort()).toEqual([
      'Get',
      'List',
    ]);
    const none = lastSeq(t.emu);
    await t.gateways.vaults.addAccessPolicies(policyVault, []);
    expect(armRequestsSince(t.emu, none)).toEqual([]);
  });

  it('never PUTs or PATCHes the vault: access policies go through accessPolicies/{add,remove}', async () => {
    const since = lastSeq(t.emu);
    const mine = principal();
    await t.gateways.vaults.addAccessPolicy(policyVault, mine, ['get']);
    await t.gateways.vaults.removeAccessPolicy(policyVault, mine, ['get']);
    const writes = armRequestsSince(t.emu, since).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.split('/vaults/')[1]}`)).toEqual([
      `PUT ${DEMO_ACCESS_POLICY_VAULT}/accessPolicies/add`,
      `PUT ${DEMO_ACCESS_POLICY_VAULT}/accessPolicies/remove`,
    ]);
  });

  it('remove takes away only the given permissions; the entry goes when nothing is left', async () => {
    const mine = principal();
    await t.gateways.vaults.addAccessPolicy(policyVault, mine, ['get', 'list']);

    // Asked in the spec's spelling, sent (and answered) in the stored one: a remove in another
    // casing would be a silent no-op (azure-rest-api-specs#42963).
    await expect(t.gateways.vaults.removeAccessPolicy(policyVault, mine, ['list'])).resolves.toEqual([
      'List',
    ]);
    expect((await entryFor(policyVault, mine.objectId))?.permissions.secrets).toEqual(['Get']);

    await expect(t.gateways.vaults.removeAccessPolicy(policyVault, mine, ['get'])).resolves.toEqual(['Get']);
    expect(await entryFor(policyVault, mine.objectId)).toBeUndefined();
  });

  it('removing what is already gone sends no write', async () => {
    const mine = principal();
    const since = lastSeq(t.emu);
    await expect(t.gateways.vaults.removeAccessPolicy(policyVault, mine, ['get'])).resolves.toEqual([]);
    expect(armRequestsSince(t.emu, since).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('remove sends the permission names as stored (Key Vault matches them case-sensitively)', async () => {
    const mine = principal();
    // Someone (the portal, an older tool) stored the permissions capitalised.
    await t.clients.keyVault.vaults.updateAccessPolicy(RG, DEMO_ACCESS_POLICY_VAULT, 'add', {
      properties: {
        accessPolicies: [{ ...mine, permissions: { secrets: ['Get', 'List'], keys: ['Get'] } }],
      },
    });
    await expect(t.gateways.vaults.removeAccessPolicy(policyVault, mine, ['get'])).resolves.toEqual(['Get']);
    const left = await entryFor(policyVault, mine.objectId);
    expect(left?.permissions).toMatchObject({ secrets: ['List'], keys: ['Get'] });
  });

  it('counts access-policy entries', async () => {
    const before = await t.gateways.vaults.countAccessPolicies(policyVault);
    await t.gateways.vaults.addAccessPolicy(policyVault, principal(), ['get']);
    await expect(t.gateways.vaults.countAccessPolicies(policyVault)).resolves.toBe(before + 1);
  });

  it('tells whether a secret exists without reading its value', async () => {
    const since = lastSeq(t.emu);
    await expect(t.gateways.vaults.secretExists(policyVault, DEMO_SECRET_NAME)).resolves.toBe(true);
    await expect(t.gateways.vaults.secretExists(policyVault, 'not-there')).resolves.toBe(false);
    // Control plane only: nothing went to the vault's data plane.
    expect(
      armRequestsSince(t.emu, since).every((r) => r.path.includes('/providers/Microsoft.KeyVault/vaults/')),
    ).toBe(true);
  });
});
