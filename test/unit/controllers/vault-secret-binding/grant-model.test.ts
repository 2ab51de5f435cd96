import { describe, expect, it } from 'vitest';
import {
  effectiveAccessModel,
  grantScopeOf,
  isOwnRoleAssignment,
  ledgerRelation,
  roleAssignmentTarget,
  secretUriOf,
} from '../../../../src/controllers/vault-secret-binding/plan/grant-model.ts';
import type { GrantRecord } from '../../../../src/crds/index.ts';

const KV =
  '/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';
const P1 = 'aaaaaaaa-0000-4000-8000-000000000001';

describe('effectiveAccessModel', () => {
  it.each([
    ['Auto', true, 'RBAC'],
    ['Auto', false, 'AccessPolicy'],
    ['AccessPolicy', true, 'AccessPolicy'],
    ['RBAC', false, 'RBAC'],
  ] as const)('%s on a vault with RBAC=%s is %s', (requested, rbac, expected) => {
    expect(effectiveAccessModel(requested, rbac)).toBe(expected);
    expect(grantScopeOf(expected)).toBe(expected === 'RBAC' ? 'Secret' : 'Vault');
  });
});

describe('secretUriOf', () => {
  it('is versionless, with or without the trailing slash of vaultUri', () => {
    expect(secretUriOf('https://kv1.vault.azure.net/', 's')).toBe('https://kv1.vault.azure.net/secrets/s');
    expect(secretUriOf('https://kv1.vault.azure.net', 's')).toBe('https://kv1.vault.azure.net/secrets/s');
  });
});

describe('role assignments', () => {
  const target = roleAssignmentTarget(KV, 'api-key', P1);
  const record = (name: string): GrantRecord => ({
    phase: 'Granted',
    principalId: P1,
    vaultId: KV,
    accessModel: 'RBAC',
    roleAssignmentName: name,
    roleAssignmentScope: target.scope,
  });

  it('targets the one secret with Key Vault Secrets User under a stable name', () => {
    expect(target.scope).toBe(`${KV}/secrets/api-key`);
    expect(target.roleDefinitionId).toMatch(/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
    expect(roleAssignmentTarget(KV.toLowerCase(), 'api-key', P1.toUpperCase()).name).toBe(target.name);
    expect(roleAssignmentTarget(KV, 'other', P1).name).not.toBe(target.name);
  });

  it('is logicops’ only under the deterministic name', () => {
    expect(isOwnRoleAssignment(record(target.name))).toBe(true);
    expect(isOwnRoleAssignment(record('ffffffff-0000-4000-8000-000000000000'))).toBe(false);
  });
});

describe('ledgerRelation', () => {
  const record = { phase: 'Granted', principalId: P1, vaultId: KV, accessModel: 'AccessPolicy' } as const;
  it.each([
    ['nothing recorded', undefined, P1, 'none'],
    ['same principal (any case)', record, P1.toUpperCase(), 'samePrincipal'],
    ['the workflow identity changed', record, 'aaaaaaaa-0000-4000-8000-000000000009', 'otherPrincipal'],
  ] as const)('%s', (_name, recorded, principalId, expected) => {
    expect(ledgerRelation(recorded, { principalId, vaultId: KV })).toBe(expected);
  });
});
