import { describe, expect, it } from 'vitest';
import {
  normalizeResourceId,
  parseResourceId,
  sameResourceId,
  secretScope,
  USER_ASSIGNED_IDENTITY_TYPE,
  VAULT_TYPE,
} from '../../../src/azure/resource-id.ts';

const VAULT =
  '/subscriptions/5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1/resourceGroups/rg-1/providers/Microsoft.KeyVault/vaults/kv-1';

describe('parseResourceId', () => {
  it('splits a top-level resource id', () => {
    expect(parseResourceId(VAULT, VAULT_TYPE)).toEqual({
      subscriptionId: '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1',
      resourceGroup: 'rg-1',
      provider: 'Microsoft.KeyVault',
      type: 'vaults',
      name: 'kv-1',
    });
  });

  it('accepts the lower-case spelling az prints', () => {
    expect(parseResourceId(VAULT.toLowerCase(), VAULT_TYPE).name).toBe('kv-1');
  });

  it.each([
    ['another type', VAULT, USER_ASSIGNED_IDENTITY_TYPE],
    ['a child resource', `${VAULT}/secrets/s`, VAULT_TYPE],
    ['not an id', 'kv-1', VAULT_TYPE],
  ])('refuses %s', (_name, id, type) => {
    expect(() => parseResourceId(id, type)).toThrow();
  });
});

describe('comparing ids', () => {
  it('ignores case and leading/trailing slashes', () => {
    expect(sameResourceId(VAULT, `${VAULT.toLowerCase().slice(1)}/`)).toBe(true);
    expect(sameResourceId(VAULT, `${VAULT}2`)).toBe(false);
    expect(normalizeResourceId(`//${VAULT.slice(1)}`)).toBe(VAULT.toLowerCase());
  });

  it('builds the RBAC scope of one secret', () => {
    expect(secretScope(`${VAULT}/`, 'api-key')).toBe(`${VAULT}/secrets/api-key`);
  });
});
