// ARM's action matching as the doctor applies it to the permissions read
// (https://learn.microsoft.com/azure/role-based-access-control/role-definitions): wildcards,
// NotActions subtracted within one block, blocks adding up across role assignments.

import { BUILT_IN_ROLE_PERMISSIONS } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_URL_ACTIONS,
  CONNECTION_ACTIONS,
  isActionAllowed,
  missingActions,
  patternMatches,
  REQUIRED_ACTIONS,
} from '../../../src/doctor/azure-actions.ts';

const role = (guid: string) => {
  const permission = BUILT_IN_ROLE_PERMISSIONS[guid];
  if (!permission) throw new Error(`no role ${guid}`);
  return permission;
};
const OWNER = role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
const CONTRIBUTOR = role('b24988ac-6180-42a0-ab88-20f7382dd24c');
const READER = role('acdd72a7-3385-48ef-bd42-f606fba81ae7');
const RBAC_ADMIN = role('f58310d9-a9f6-439a-9e8d-f62e7b41a168');
const MANAGED_IDENTITY_OPERATOR = role('f1a07417-d97a-45cb-824c-7a7467783830');
const LOGIC_APP_CONTRIBUTOR = role('87a39d53-fc1b-424a-814c-f7e04687dc9e');

describe('patternMatches', () => {
  it('matches case-insensitively, * across characters and a wildcard segment also as no segment', () => {
    expect(patternMatches('*', 'Microsoft.Logic/workflows/write')).toBe(true);
    expect(patternMatches('*/read', 'Microsoft.Logic/workflows/read')).toBe(true);
    expect(patternMatches('*/read', 'Microsoft.Logic/workflows/write')).toBe(false);
    expect(
      patternMatches('Microsoft.Authorization/*/Write', 'microsoft.authorization/roleAssignments/write'),
    ).toBe(true);
    expect(patternMatches('Microsoft.Logic/*', 'Microsoft.Logic/workflows/delete')).toBe(true);
    expect(patternMatches('Microsoft.Logic/*', 'Microsoft.LogicX/workflows/delete')).toBe(false);
    expect(
      patternMatches(
        'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
        'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
      ),
    ).toBe(true);
    expect(patternMatches('Microsoft.KeyVault/vaults.read', 'Microsoft.KeyVault/vaultsXread')).toBe(false);
  });
});

describe('isActionAllowed', () => {
  it('subtracts NotActions within a block: Contributor may not write role assignments', () => {
    expect(isActionAllowed([CONTRIBUTOR], 'Microsoft.Logic/workflows/write')).toBe(true);
    expect(isActionAllowed([CONTRIBUTOR], 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    expect(isActionAllowed([CONTRIBUTOR], 'Microsoft.Authorization/roleAssignments/read')).toBe(true);
  });

  it("adds blocks up: another role grants what one block's NotActions excluded", () => {
    expect(isActionAllowed([CONTRIBUTOR, RBAC_ADMIN], 'Microsoft.Authorization/roleAssignments/write')).toBe(
      true,
    );
  });

  it('grants nothing without permissions', () => {
    expect(isActionAllowed([], 'Microsoft.Logic/workflows/read')).toBe(false);
  });
});

describe('missingActions', () => {
  it('lists what each scope lacks for the roles operations.md recommends', () => {
    expect(missingActions([LOGIC_APP_CONTRIBUTOR], 'resourceGroup')).toEqual([]);
    expect(missingActions([READER], 'resourceGroup')).toEqual([
      'Microsoft.Logic/workflows/write',
      'Microsoft.Logic/workflows/delete',
    ]);
    expect(missingActions([MANAGED_IDENTITY_OPERATOR], 'userAssignedIdentity')).toEqual([]);
    expect(missingActions([CONTRIBUTOR], 'accessPolicyVault')).toEqual([]);
    expect(missingActions([CONTRIBUTOR], 'rbacVault')).toEqual([
      'Microsoft.Authorization/roleAssignments/write',
      'Microsoft.Authorization/roleAssignments/delete',
    ]);
    expect(missingActions([OWNER], 'rbacVault')).toEqual([]);
  });
});

describe('missingActions with callback URLs (spec.callbackUrl)', () => {
  it('Logic App Contributor covers listCallbackUrl and regenerateAccessKey; Reader covers neither', () => {
    expect(missingActions([LOGIC_APP_CONTRIBUTOR], 'resourceGroup', CALLBACK_URL_ACTIONS)).toEqual([]);
    expect(missingActions([READER], 'resourceGroup', CALLBACK_URL_ACTIONS)).toEqual(
      expect.arrayContaining([...CALLBACK_URL_ACTIONS]),
    );
  });

  it('a custom role with exactly the actions every workflow group needs lacks them', () => {
    const custom = { actions: [...REQUIRED_ACTIONS.resourceGroup] };
    expect(missingActions([custom], 'resourceGroup')).toEqual([]);
    expect(missingActions([custom], 'resourceGroup', CALLBACK_URL_ACTIONS)).toEqual([
      ...CALLBACK_URL_ACTIONS,
    ]);
  });
});

describe('missingActions with API connections (LogicAppConnection)', () => {
  it('Logic App Contributor covers reading, writing and deleting connections; Reader only reads them', () => {
    expect(missingActions([LOGIC_APP_CONTRIBUTOR], 'resourceGroup', CONNECTION_ACTIONS)).toEqual([]);
    const readerMissing = missingActions([READER], 'resourceGroup', CONNECTION_ACTIONS);
    expect(readerMissing).toEqual(
      expect.arrayContaining(['Microsoft.Web/connections/write', 'Microsoft.Web/connections/delete']),
    );
    expect(readerMissing).not.toContain('Microsoft.Web/connections/read');
  });
});
