import { describe, expect, it } from 'vitest';
import { isInvalidAzureNameError } from '../../../src/azure/arm-names.ts';
import {
  normalizeResourceId,
  parseResourceId,
  sameResourceId,
  secretScope,
  USER_ASSIGNED_IDENTITY_TYPE,
  VAULT_TYPE,
  WORKFLOW_TYPE,
} from '../../../src/azure/resource-id.ts';

const SUB = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-1/providers/Microsoft.KeyVault/vaults/kv-1`;
const IDENTITY = `/subscriptions/${SUB}/resourceGroups/rg-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1`;

/** The error parseResourceId throws, which must be the one the controllers turn into InvalidSpec. */
function refusal(id: string, type: string): string {
  try {
    parseResourceId(id, type);
  } catch (error) {
    expect(isInvalidAzureNameError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`${id} was accepted as a ${type}`);
}

describe('parseResourceId', () => {
  it('splits a top-level resource id', () => {
    expect(parseResourceId(VAULT, VAULT_TYPE)).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg-1',
      provider: 'Microsoft.KeyVault',
      type: 'vaults',
      name: 'kv-1',
    });
    expect(parseResourceId(IDENTITY, USER_ASSIGNED_IDENTITY_TYPE).name).toBe('id-1');
    expect(
      parseResourceId(
        `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf(1)`,
        WORKFLOW_TYPE,
      ).name,
    ).toBe('wf(1)');
  });

  it('accepts the lower-case spelling az prints', () => {
    expect(parseResourceId(VAULT.toLowerCase(), VAULT_TYPE).name).toBe('kv-1');
  });

  // Each refusal names the part that is wrong and what Azure allows for it.
  it.each([
    [
      'another type',
      VAULT,
      USER_ASSIGNED_IDENTITY_TYPE,
      'is a Microsoft.KeyVault/vaults, not a Microsoft.ManagedIdentity/userAssignedIdentities',
    ],
    [
      'a child resource',
      `${VAULT}/secrets/s`,
      VAULT_TYPE,
      'an id of this type is /subscriptions/<subscription GUID>',
    ],
    ['not an id', 'kv-1', VAULT_TYPE, 'an id of this type is'],
    ['a trailing slash', `${VAULT}/`, VAULT_TYPE, 'an id of this type is'],
    ['a leading double slash', `/${VAULT}`, VAULT_TYPE, 'an id of this type is'],
    [
      'a subscription that is not a GUID',
      VAULT.replace(SUB, 'sub'),
      VAULT_TYPE,
      'subscription id of vault id',
    ],
    ['a dot-segment resource group', VAULT.replace('rg-1', '..'), VAULT_TYPE, 'resource group of vault id'],
    ['a resource group ending in a period', VAULT.replace('rg-1', 'rg.'), VAULT_TYPE, "do not end with '.'"],
    ['a dot-segment vault name', VAULT.replace('kv-1', '..'), VAULT_TYPE, 'vault name of vault id'],
    ['an encoded dot-segment', VAULT.replace('kv-1', '%2e%2e'), VAULT_TYPE, 'vault names are 3-24'],
    ['a vault name with a query', VAULT.replace('kv-1', 'kv-1?x=1'), VAULT_TYPE, 'vault name'],
    ['a Kelvin sign in the vault name', VAULT.replace('kv-1', '\u212av-1'), VAULT_TYPE, 'vault name'],
    [
      'a long s in subscriptions',
      VAULT.replace('subscriptions', '\u017fubscriptions'),
      VAULT_TYPE,
      'an id of this type is',
    ],
    [
      'an identity name with a period',
      IDENTITY.replace('id-1', 'id.1'),
      USER_ASSIGNED_IDENTITY_TYPE,
      'identity name',
    ],
    [
      'a workflow named ..',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Logic/workflows/..`,
      WORKFLOW_TYPE,
      'workflow name',
    ],
  ])('refuses %s', (_name, id, type, said) => {
    expect(refusal(id, type)).toContain(said);
  });

  it('does not parse types it has no naming rules for', () => {
    expect(() => parseResourceId(VAULT, 'Microsoft.Storage/storageAccounts')).toThrow(/does not parse/);
  });
});

describe('comparing ids', () => {
  it('ignores case and leading/trailing slashes', () => {
    expect(sameResourceId(VAULT, `${VAULT.toLowerCase().slice(1)}/`)).toBe(true);
    expect(sameResourceId(VAULT, `${VAULT}2`)).toBe(false);
    expect(normalizeResourceId(`//${VAULT.slice(1)}`)).toBe(VAULT.toLowerCase());
  });
});

describe('secretScope', () => {
  it('builds the RBAC scope of one secret', () => {
    expect(secretScope(VAULT, 'api-key')).toBe(`${VAULT}/secrets/api-key`);
  });

  it.each([
    ['a dot-segment secret name', VAULT, '..'],
    ['a secret name with a slash', VAULT, '../other/secrets/x'],
    ['a secret name with a query', VAULT, 'x?api-version=1'],
    ['a vault id with a trailing slash', `${VAULT}/`, 'api-key'],
    ['a vault id with a dot-segment', VAULT.replace('kv-1', '..'), 'api-key'],
  ])('refuses %s: the scope goes into the URL unencoded', (_name, vaultId, secretName) => {
    expect(() => secretScope(vaultId, secretName)).toThrow(/is not valid in Azure/);
  });
});
