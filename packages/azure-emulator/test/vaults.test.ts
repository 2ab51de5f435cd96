// Microsoft.KeyVault/vaults through @azure/arm-keyvault 5.0.0 (api-version 2026-02-01):
// the create LRO, reads and lists, access-policy add/replace/remove semantics, and the
// control-plane secret read that tells a missing secret apart.
import { randomUUID } from 'node:crypto';
import type { AccessPolicyEntry, VaultCreateOrUpdateParameters } from '@azure/arm-keyvault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  DEMO_SECRET_NAME,
} from '../src/index.ts';
import {
  admin,
  armError,
  captureRaw,
  fixtureBody,
  type Harness,
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

function vaultParameters(
  extra: Partial<VaultCreateOrUpdateParameters['properties']> = {},
): VaultCreateOrUpdateParameters {
  return {
    location: 'westeurope',
    properties: { tenantId: h.emu.tenantId, sku: { family: 'A', name: 'standard' }, ...extra },
  };
}

function entry(objectId: string, permissions: AccessPolicyEntry['permissions']): AccessPolicyEntry {
  return { tenantId: h.emu.tenantId, objectId, permissions };
}

async function policiesOf(vault: string): Promise<AccessPolicyEntry[]> {
  return (await h.keyVault.vaults.get(RG, vault)).properties.accessPolicies ?? [];
}

async function newAccessPolicyVault(name: string, accessPolicies: AccessPolicyEntry[] = []): Promise<void> {
  await h.keyVault.vaults.createOrUpdate(
    RG,
    name,
    vaultParameters({ enableRbacAuthorization: false, accessPolicies }),
  );
}

describe('vaults: create (long-running), read, list', () => {
  it('PUT is a long-running operation: 201 RegisteringDns, then the poller reads Succeeded', async () => {
    const since = h.emu.requests().at(-1)?.seq ?? 0;
    const vault = await h.keyVault.vaults.createOrUpdate(
      RG,
      'lro-vault',
      vaultParameters({ enableRbacAuthorization: true }),
    );
    expect(vault.properties.provisioningState).toBe('Succeeded');
    const calls = h.emu.requests(since).filter((r) => r.path.endsWith('/vaults/lro-vault'));
    expect(calls.map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 201', 'GET 200']);
  });

  it('a vault created without enableRbacAuthorization uses RBAC (the 2026-02-01 default)', async () => {
    const vault = await h.keyVault.vaults.createOrUpdate(RG, 'default-model', vaultParameters());
    expect(vault.properties.enableRbacAuthorization).toBe(true);
    const explicit = await h.keyVault.vaults.createOrUpdate(
      RG,
      'policy-model',
      vaultParameters({ enableRbacAuthorization: false }),
    );
    expect(explicit.properties.enableRbacAuthorization).toBe(false);
  });

  it('GET answers in the shape of getVault.json', async () => {
    const raw = captureRaw();
    await newAccessPolicyVault('shape-vault', [
      entry(randomUUID(), { secrets: ['get'], keys: ['get'], certificates: ['get'] }),
    ]);
    const vault = await h.keyVault.vaults.get(RG, 'shape-vault', raw.options);
    expect(
      shapeDifferences(raw.last().body, fixtureBody('getVault.json'), ['properties.hsmPoolResourceId']),
    ).toEqual([]);
    expect(vault).toMatchObject({
      name: 'shape-vault',
      type: 'Microsoft.KeyVault/vaults',
      location: 'westeurope',
    });
    expect(vault.properties.vaultUri).toBe('https://shape-vault.vault.azure.net/');
  });

  it('GET of a missing vault is 404 ResourceNotFound', async () => {
    await expect(h.keyVault.vaults.get(RG, 'no-such-vault')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
  });

  it('a PUT into a missing resource group is ResourceGroupNotFound', async () => {
    await expect(
      h.keyVault.vaults.createOrUpdate('missing-rg', 'orphan-vault', vaultParameters()).pollUntilDone(),
    ).rejects.toMatchObject(armError(404, 'ResourceGroupNotFound'));
  });

  // Key Vault's rule: 3-24 alphanumerics and hyphens, starting with a letter, ending with a letter
  // or digit, no consecutive hyphens (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules);
  // stricter than the REST spec's ^[a-zA-Z0-9-]{3,24}$ (azure-rest-api-specs
  // specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/secrets.json), and
  // the service answers VaultNameNotValid with the docs' wording.
  it.each([
    ['starting with a digit', '9kv'],
    ['starting with a hyphen', '-kv'],
    ['ending with a hyphen', 'kv-'],
    ['two hyphens in a row', 'kv--x'],
    ['25 characters', `k${'v'.repeat(24)}`],
  ])('a vault name %s is 400 VaultNameNotValid', async (_name, name) => {
    await expect(
      h.keyVault.vaults.createOrUpdate(RG, name, vaultParameters()).pollUntilDone(),
    ).rejects.toMatchObject({
      ...armError(400, 'VaultNameNotValid'),
      message: expect.stringContaining('must begin with a letter, end with a letter or digit'),
    });
  });

  it('vault names are checked and globally unique', async () => {
    await expect(
      h.keyVault.vaults.createOrUpdate(RG, 'x', vaultParameters()).pollUntilDone(),
    ).rejects.toMatchObject(armError(400, 'VaultNameNotValid'));
    await h.arm(
      'PUT',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/other-rg?api-version=2021-04-01`,
      { location: 'westeurope' },
    );
    await expect(
      h.keyVault.vaults.createOrUpdate('other-rg', DEMO_RBAC_VAULT, vaultParameters()).pollUntilDone(),
    ).rejects.toMatchObject(armError(409, 'VaultAlreadyExists'));
  });

  it('lists by resource group, by subscription, and through the resources API (vaults.list)', async () => {
    const byGroup: string[] = [];
    for await (const vault of h.keyVault.vaults.listByResourceGroup(RG)) byGroup.push(vault.name!);
    expect(byGroup).toEqual(expect.arrayContaining([DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT, 'lro-vault']));
    const bySubscription: string[] = [];
    for await (const vault of h.keyVault.vaults.listBySubscription()) bySubscription.push(vault.name!);
    expect(bySubscription.sort()).toEqual([...byGroup].sort());
    const viaResources: string[] = [];
    for await (const resource of h.keyVault.vaults.list()) viaResources.push(resource.name!);
    expect(viaResources.sort()).toEqual([...byGroup].sort());
  });

  it('the seeded demo vaults use the two access models', async () => {
    expect(
      (await h.keyVault.vaults.get(RG, DEMO_ACCESS_POLICY_VAULT)).properties.enableRbacAuthorization,
    ).toBe(false);
    expect((await h.keyVault.vaults.get(RG, DEMO_RBAC_VAULT)).properties.enableRbacAuthorization).toBe(true);
  });
});

describe('vaults: access policies', () => {
  it('add creates the entry and answers in the shape of updateAccessPoliciesAdd.json', async () => {
    await newAccessPolicyVault('ap-add');
    const objectId = randomUUID();
    const raw = captureRaw();
    const result = await h.keyVault.vaults.updateAccessPolicy(
      RG,
      'ap-add',
      'add',
      {
        properties: {
          accessPolicies: [entry(objectId, { secrets: ['get'], keys: ['encrypt'], certificates: ['get'] })],
        },
      },
      raw.options,
    );
    expect(raw.last().status).toBe(200);
    expect(shapeDifferences(raw.last().body, fixtureBody('updateAccessPoliciesAdd.json'))).toEqual([]);
    expect(result.id).toMatch(/\/vaults\/ap-add\/accessPolicies\/$/);
    // Stored and returned in Key Vault's spelling (permission-casing.test.ts has the sources).
    expect(await policiesOf('ap-add')).toEqual([
      entry(objectId, { secrets: ['Get'], keys: ['Encrypt'], certificates: ['Get'] }),
    ]);
  });

  it('add merges permissions into the principal’s existing entry (no duplicates, case-insensitive)', async () => {
    const objectId = randomUUID();
    await newAccessPolicyVault('ap-merge', [entry(objectId, { secrets: ['Get'], keys: ['decrypt'] })]);
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-merge', 'add', {
      properties: { accessPolicies: [entry(objectId, { secrets: ['get', 'list'] })] },
    });
    const policies = await policiesOf('ap-merge');
    expect(policies).toHaveLength(1);
    expect(policies[0]?.permissions).toEqual({ secrets: ['Get', 'List'], keys: ['Decrypt'] });
  });

  it('remove takes away only the listed permissions', async () => {
    const objectId = randomUUID();
    await newAccessPolicyVault('ap-partial', [
      entry(objectId, { secrets: ['get', 'list', 'set'], keys: ['get'] }),
    ]);
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-partial', 'remove', {
      properties: { accessPolicies: [entry(objectId, { secrets: ['List'] })] },
    });
    expect((await policiesOf('ap-partial'))[0]?.permissions).toEqual({
      secrets: ['Get', 'Set'],
      keys: ['Get'],
    });
  });

  it('remove drops the entry when no permission is left, and leaves other principals alone', async () => {
    const leaving = randomUUID();
    const staying = randomUUID();
    await newAccessPolicyVault('ap-drop', [
      entry(leaving, { secrets: ['get'] }),
      entry(staying, { secrets: ['get'] }),
    ]);
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-drop', 'remove', {
      properties: { accessPolicies: [entry(leaving, { secrets: ['Get'] })] },
    });
    expect((await policiesOf('ap-drop')).map((p) => p.objectId)).toEqual([staying]);
  });

  it('remove matches permission values case-sensitively: other casing is a 200 no-op', async () => {
    const objectId = randomUUID();
    await newAccessPolicyVault('ap-case', [entry(objectId, { secrets: ['Get'] })]);
    const raw = captureRaw();
    await h.keyVault.vaults.updateAccessPolicy(
      RG,
      'ap-case',
      'remove',
      { properties: { accessPolicies: [entry(objectId, { secrets: ['get'] })] } },
      raw.options,
    );
    expect(raw.last().status).toBe(200);
    expect((await policiesOf('ap-case'))[0]?.permissions).toEqual({ secrets: ['Get'] });
  });

  it('replace sets the entry’s permissions to exactly the listed ones', async () => {
    const objectId = randomUUID();
    await newAccessPolicyVault('ap-replace', [entry(objectId, { secrets: ['get', 'list'], keys: ['get'] })]);
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-replace', 'replace', {
      properties: { accessPolicies: [entry(objectId, { secrets: ['set'] })] },
    });
    expect((await policiesOf('ap-replace'))[0]?.permissions).toEqual({ secrets: ['Set'] });
  });

  it('accepts any well-formed object id (no directory lookup) and refuses a malformed one', async () => {
    await newAccessPolicyVault('ap-ids');
    const unknownButWellFormed = randomUUID();
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-ids', 'add', {
      properties: { accessPolicies: [entry(unknownButWellFormed, { secrets: ['get'] })] },
    });
    expect((await policiesOf('ap-ids')).map((p) => p.objectId)).toEqual([unknownButWellFormed]);
    await expect(
      h.keyVault.vaults.updateAccessPolicy(RG, 'ap-ids', 'add', {
        properties: { accessPolicies: [entry('not-a-guid', { secrets: ['get'] })] },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('holds at most 1,024 entries', async () => {
    await newAccessPolicyVault('ap-limit');
    const full = Array.from({ length: 1024 }, () => entry(randomUUID(), { secrets: ['get'] }));
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-limit', 'add', {
      properties: { accessPolicies: full },
    });
    expect(await policiesOf('ap-limit')).toHaveLength(1024);
    // Adding permissions to an existing entry is still fine; a 1,025th entry is not.
    await h.keyVault.vaults.updateAccessPolicy(RG, 'ap-limit', 'add', {
      properties: { accessPolicies: [entry(full[0]!.objectId, { secrets: ['list'] })] },
    });
    await expect(
      h.keyVault.vaults.updateAccessPolicy(RG, 'ap-limit', 'add', {
        properties: { accessPolicies: [entry(randomUUID(), { secrets: ['get'] })] },
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/1024/) });
    expect(await policiesOf('ap-limit')).toHaveLength(1024);
  });

  it('a vault PUT replaces the access-policy list (a redeploy without policies wipes them)', async () => {
    await newAccessPolicyVault('ap-redeploy', [entry(randomUUID(), { secrets: ['get'] })]);
    await h.keyVault.vaults.createOrUpdate(
      RG,
      'ap-redeploy',
      vaultParameters({ enableRbacAuthorization: false }),
    );
    expect(await policiesOf('ap-redeploy')).toEqual([]);
  });
});

describe('vaults: secrets (control plane)', () => {
  it('GET of a seeded secret returns metadata without the value', async () => {
    const raw = captureRaw();
    const secret = await h.keyVault.secrets.get(RG, DEMO_ACCESS_POLICY_VAULT, DEMO_SECRET_NAME, raw.options);
    expect(secret.name).toBe(DEMO_SECRET_NAME);
    expect(secret.properties.secretUri).toBe(
      `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}`,
    );
    expect(secret.properties.value).toBeUndefined();
    expect(JSON.stringify(raw.last().body)).not.toContain('demo-partner-api-key');
  });

  it('a missing secret is 404 and becomes visible once the admin API seeds it', async () => {
    await expect(h.keyVault.secrets.get(RG, DEMO_RBAC_VAULT, 'later')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
    const seeded = await admin(h.emu, 'PUT', `/vaults/${DEMO_RBAC_VAULT}/secrets/later`, {
      value: 'v1',
      contentType: 'text/plain',
    });
    expect(seeded.status).toBe(201);
    const secret = await h.keyVault.secrets.get(RG, DEMO_RBAC_VAULT, 'later');
    expect(secret.properties.secretUriWithVersion).toBe((seeded.body as { id: string }).id);
    expect(secret.properties.contentType).toBe('text/plain');
  });
});
