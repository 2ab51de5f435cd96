// The Azure formats behave as documented, checked in JavaScript (the same patterns run as
// RE2 in the API server; the integration tier checks them there).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  celMatches,
  LOCATION,
  RESOURCE_GROUP_NAME,
  SECRET_NAME,
  toRegExp,
  USER_ASSIGNED_IDENTITY_ID,
  VAULT_ID,
  VAULT_ID_NAME_LENGTH,
  WORKFLOW_NAME,
  WORKFLOW_PARAMETER_NAME,
} from '../../../src/crds/azure-formats.ts';

const sub = '8e3f4a2c-1b5d-4c6e-9f70-2a1b3c4d5e6f';
const vaultId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`;
const isVaultId = (v: string) => toRegExp(VAULT_ID).test(v) && toRegExp(VAULT_ID_NAME_LENGTH).test(v);

describe('secret names: 1-127 of [0-9a-zA-Z-]', () => {
  const allowed = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'.split('');

  it('accepts every string of allowed characters of length 1-127', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...allowed), minLength: 1, maxLength: 127 }), (name) =>
        toRegExp(SECRET_NAME).test(name),
      ),
    );
  });

  it('rejects any name with another character, and lengths 0 and 128', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !allowed.includes(c)),
        (prefix, bad) => !toRegExp(SECRET_NAME).test(`${prefix}${bad}`),
      ),
    );
    expect(toRegExp(SECRET_NAME).test('')).toBe(false);
    expect(toRegExp(SECRET_NAME).test('a'.repeat(128))).toBe(false);
  });
});

describe('vault ids', () => {
  it.each(['kv1', 'kv-partner-keys', `k${'v'.repeat(23)}`, 'KV-Upper-9'])('accepts vault name %s', (name) => {
    expect(isVaultId(vaultId(name))).toBe(true);
  });

  it.each(['kv', `k${'v'.repeat(24)}`, 'kv--x', '-kv', '9kv', 'kv-', 'kv_x'])(
    'rejects vault name %s',
    (name) => {
      expect(isVaultId(vaultId(name))).toBe(false);
    },
  );

  it('accepts the lower-case segments az prints and rejects other resource types', () => {
    expect(isVaultId(vaultId('kv1').replace('resourceGroups', 'resourcegroups').toLowerCase())).toBe(true);
    expect(
      isVaultId(vaultId('kv1').replace('Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts')),
    ).toBe(false);
  });
});

describe('other names', () => {
  it('resource groups: Unicode letters allowed, no trailing period, at most 90', () => {
    const rg = toRegExp(RESOURCE_GROUP_NAME);
    expect(['rg', 'rg_(x).1-', 'grüße', 'r'.repeat(90)].every((v) => rg.test(v))).toBe(true);
    expect(['rg.', 'r g', 'r/g', '', 'r'.repeat(91)].some((v) => rg.test(v))).toBe(false);
  });

  it('workflow names: letters, digits, - _ . ( ), 1-80', () => {
    const wf = toRegExp(WORKFLOW_NAME);
    expect(['a', 'Orders(v2)_x.y-', 'a'.repeat(80)].every((v) => wf.test(v))).toBe(true);
    expect(['', 'a b', 'a/b', 'a'.repeat(81)].some((v) => wf.test(v))).toBe(false);
  });

  it('user-assigned identity ids end in a 3-128 character name', () => {
    const id = (name: string) =>
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
    const re = toRegExp(USER_ASSIGNED_IDENTITY_ID);
    expect(re.test(id('id-orders_1'))).toBe(true);
    expect(re.test(id('ab'))).toBe(false);
    expect(re.test(id('-abc'))).toBe(false);
  });

  it('locations are canonical, parameter names avoid $ and quotes', () => {
    expect(toRegExp(LOCATION).test('westeurope')).toBe(true);
    expect(toRegExp(LOCATION).test('West Europe')).toBe(false);
    expect(toRegExp(WORKFLOW_PARAMETER_NAME).test('partnerApiKeyUri')).toBe(true);
    expect(toRegExp(WORKFLOW_PARAMETER_NAME).test('$connections')).toBe(false);
    expect(toRegExp(WORKFLOW_PARAMETER_NAME).test("a')")).toBe(false);
  });
});

describe('celMatches', () => {
  it('wraps the pattern in a CEL raw string, with (?i) for ARM ids', () => {
    expect(celMatches(SECRET_NAME)).toBe(`self.matches(r'${SECRET_NAME.pattern}')`);
    expect(celMatches(VAULT_ID)).toBe(`self.matches(r'(?i)${VAULT_ID.pattern}')`);
  });
});
