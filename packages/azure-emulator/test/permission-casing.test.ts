// Access-policy permissions come back in Key Vault's spelling, not the REST spec's. Sources:
// - the spec's enums are lower case (`get`, `list`, keys `wrapKey`), and its examples
//   (fixtures/azure-examples/getVault.json, updateAccessPoliciesAdd.json) echo them so;
// - the service returns `Get`, `List`: Azure/azure-rest-api-specs#34772 ("Key Vault Access Policy
//   API returns capitalized permission values (e.g., Get) instead of lowercase (get) as defined in
//   spec", API 2024-11-01), Azure/azure-cli#15907, and the AzureRM provider normalising to that
//   spelling "due to the casing being returned from the API" (terraform-provider-azurerm#10593);
// - `add` matches case-insensitively, `remove` case-sensitively against what is stored and answers
//   200 with no change on a mismatch (Azure/azure-rest-api-specs#42963, API 2026-02-01).
// terraform-provider-azurerm#17137 saw a lower-case create kept lower case: the emulator's
// `permissionCasing: 'as-sent'` keeps that behaviour available.
import { randomUUID } from 'node:crypto';
import type { AccessPolicyEntry } from '@azure/arm-keyvault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;

function harnessWith(permissionCasing?: 'service' | 'as-sent') {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(permissionCasing ? { permissionCasing } : {});
  });
  afterAll(async () => {
    await h?.emu.close();
  });
  const entry = (objectId: string, permissions: AccessPolicyEntry['permissions']): AccessPolicyEntry => ({
    tenantId: h.emu.tenantId,
    objectId,
    permissions,
  });
  const newVault = async (name: string, accessPolicies: AccessPolicyEntry[] = []) => {
    await h.keyVault.vaults.createOrUpdate(RG, name, {
      location: 'westeurope',
      properties: {
        tenantId: h.emu.tenantId,
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: false,
        accessPolicies,
      },
    });
  };
  const update = (vault: string, kind: 'add' | 'remove' | 'replace', entries: AccessPolicyEntry[]) =>
    h.keyVault.vaults.updateAccessPolicy(RG, vault, kind, { properties: { accessPolicies: entries } });
  const policies = async (vault: string) =>
    (await h.keyVault.vaults.get(RG, vault)).properties.accessPolicies ?? [];
  return { entry, newVault, update, policies };
}

describe("by default: Key Vault's own spelling", () => {
  const { entry, newVault, update, policies } = harnessWith();

  it('returns what add wrote in the spec spelling as Get, List, WrapKey, …', async () => {
    const objectId = randomUUID();
    await newVault('case-add');
    await update('case-add', 'add', [
      entry(objectId, {
        secrets: ['get', 'list'],
        keys: ['wrapKey', 'getrotationpolicy'],
        storage: ['setsas'],
      }),
    ]);
    expect((await policies('case-add'))[0]?.permissions).toEqual({
      secrets: ['Get', 'List'],
      keys: ['WrapKey', 'GetRotationPolicy'],
      storage: ['SetSAS'],
    });
  });

  it('does the same for a vault PUT and replace', async () => {
    const objectId = randomUUID();
    await newVault('case-put', [entry(objectId, { secrets: ['get'] })]);
    expect((await policies('case-put'))[0]?.permissions).toEqual({ secrets: ['Get'] });
    await update('case-put', 'replace', [entry(objectId, { secrets: ['list'] })]);
    expect((await policies('case-put'))[0]?.permissions).toEqual({ secrets: ['List'] });
  });

  it("ignores a remove in the spec's spelling (200, nothing removed), and honours one in the stored spelling", async () => {
    const objectId = randomUUID();
    await newVault('case-remove');
    await update('case-remove', 'add', [entry(objectId, { secrets: ['get', 'list'] })]);
    await update('case-remove', 'remove', [entry(objectId, { secrets: ['get'] })]);
    expect((await policies('case-remove'))[0]?.permissions.secrets).toEqual(['Get', 'List']);
    await update('case-remove', 'remove', [entry(objectId, { secrets: ['Get', 'List'] })]);
    expect(await policies('case-remove')).toEqual([]);
  });
});

describe("with permissionCasing 'as-sent'", () => {
  const { entry, newVault, update, policies } = harnessWith('as-sent');

  it('keeps the casing the caller wrote, and add still merges case-insensitively', async () => {
    const objectId = randomUUID();
    await newVault('sent-add', [entry(objectId, { secrets: ['Get'] })]);
    await update('sent-add', 'add', [entry(objectId, { secrets: ['get', 'list'] })]);
    expect((await policies('sent-add'))[0]?.permissions).toEqual({ secrets: ['Get', 'list'] });
  });
});
