import { describe, expect, it } from 'vitest';
import {
  grantsExactly,
  isLogicopsDescription,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  logicopsDescription,
  ROLE_ASSIGNMENT_NAMESPACE,
  type RoleAssignment,
  roleAssignmentName,
  roleDefinitionGuid,
  roleDefinitionResourceId,
  toArmRoleAssignment,
} from '../../../src/azure/role-assignment-model.ts';

const SUB = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const SCOPE = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/api-key`;
const ROLE = roleDefinitionResourceId(SUB, KEY_VAULT_SECRETS_USER_ROLE_ID);
const PRINCIPAL = '0f1e2d3c-4b5a-4968-8776-655443322110';

describe('roleAssignmentName', () => {
  it('is pinned: changing the namespace or the key format would orphan every existing assignment', () => {
    // Cross-checked with Python: uuid5(uuid5(NAMESPACE_URL, 'https://logicops.io/role-assignments'),
    // '<lower-case scope>|<role guid>|<principal>').
    expect(ROLE_ASSIGNMENT_NAMESPACE).toBe('4981061b-888c-5b56-870b-84809c655ef6');
    expect(roleAssignmentName(SCOPE, ROLE, PRINCIPAL)).toBe('6907f4f5-c7c7-52f3-ace1-c172c58e82a0');
  });

  it('ignores how the same inputs are spelled', () => {
    const name = roleAssignmentName(SCOPE, ROLE, PRINCIPAL);
    expect(roleAssignmentName(SCOPE.toLowerCase().slice(1), ROLE, PRINCIPAL)).toBe(name);
    expect(roleAssignmentName(`${SCOPE}/`, ROLE, PRINCIPAL.toUpperCase())).toBe(name);
    expect(
      roleAssignmentName(
        SCOPE,
        `/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE_ID}`,
        PRINCIPAL,
      ),
    ).toBe(name);
  });

  it('differs for another secret, role or principal', () => {
    const name = roleAssignmentName(SCOPE, ROLE, PRINCIPAL);
    expect(roleAssignmentName(`${SCOPE}-2`, ROLE, PRINCIPAL)).not.toBe(name);
    expect(
      roleAssignmentName(
        SCOPE,
        roleDefinitionResourceId(SUB, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'),
        PRINCIPAL,
      ),
    ).not.toBe(name);
    expect(roleAssignmentName(SCOPE, ROLE, '11111111-2222-4333-8444-555555555555')).not.toBe(name);
  });
});

describe('the PUT body', () => {
  it('is a ServicePrincipal assignment with the logicops marker', () => {
    expect(
      toArmRoleAssignment({ scope: SCOPE, roleDefinitionId: ROLE, principalId: PRINCIPAL, owner: 'c/ns/b' }),
    ).toEqual({
      roleDefinitionId: ROLE,
      principalId: PRINCIPAL,
      principalType: 'ServicePrincipal',
      description: 'managed by logicops: c/ns/b',
    });
  });

  it.each([
    ['managed by logicops: c/ns/b', undefined, true],
    ['managed by logicops: c/ns/b', 'c/ns/b', true],
    ['managed by logicops: c/ns/b', 'c/ns/other', false],
    ['made by hand', undefined, false],
    [undefined, undefined, false],
  ])('isLogicopsDescription(%s, %s) = %s', (description, owner, expected) => {
    expect(isLogicopsDescription(description, owner)).toBe(expected);
  });

  it('logicopsDescription round-trips', () => {
    expect(isLogicopsDescription(logicopsDescription('x/y/z'), 'x/y/z')).toBe(true);
  });
});

describe('grantsExactly', () => {
  const assignment: RoleAssignment = {
    id: `${SCOPE}/providers/Microsoft.Authorization/roleAssignments/n`,
    name: 'n',
    scope: SCOPE,
    roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE_ID.toUpperCase()}`,
    principalId: PRINCIPAL,
  };
  it.each([
    [
      'same scope, role and principal (any spelling)',
      SCOPE.toLowerCase(),
      ROLE,
      PRINCIPAL.toUpperCase(),
      true,
    ],
    ['a parent scope', SCOPE.replace('/secrets/api-key', ''), ROLE, PRINCIPAL, false],
    [
      'another role',
      SCOPE,
      roleDefinitionResourceId(SUB, '21090545-7ca7-4776-b22c-e363652d74d2'),
      PRINCIPAL,
      false,
    ],
    ['another principal', SCOPE, ROLE, '11111111-2222-4333-8444-555555555555', false],
  ])('%s', (_name, scope, role, principal, expected) => {
    expect(grantsExactly(assignment, scope, role, principal)).toBe(expected);
  });

  it('roleDefinitionGuid reads every form of the id', () => {
    expect(roleDefinitionGuid(ROLE)).toBe(KEY_VAULT_SECRETS_USER_ROLE_ID);
    expect(roleDefinitionGuid(KEY_VAULT_SECRETS_USER_ROLE_ID.toUpperCase())).toBe(
      KEY_VAULT_SECRETS_USER_ROLE_ID,
    );
  });
});
