// The operator's table of built-in roles (src/azure/built-in-roles.ts) against the emulator's
// definitions (packages/azure-emulator/src/arm/role-definitions.ts). Both transcribe Microsoft's
// "Azure built-in roles" pages (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles:
// general, integration, storage, security): a GUID or an action copied wrong on either side shows
// here, and the integration tests then grant exactly the role the emulator enforces.
import { BUILT_IN_ROLE_PERMISSIONS, BUILT_IN_ROLES as EMULATOR_ROLE_NAMES } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import {
  authorizationChangingAction,
  BUILT_IN_ROLES,
  builtInRoleById,
  builtInRoleByName,
  canChangeAuthorization,
} from '../../../src/azure/index.ts';

describe('the built-in role table', () => {
  it.each(BUILT_IN_ROLES.map((role) => [role.name, role] as const))(
    '%s matches the emulator',
    (_name, role) => {
      expect(EMULATOR_ROLE_NAMES[role.id]).toBe(role.name);
      const permissions = BUILT_IN_ROLE_PERMISSIONS[role.id];
      expect(permissions).toBeDefined();
      expect([...role.actions]).toEqual(permissions?.actions);
      expect([...role.notActions]).toEqual(permissions?.notActions);
      expect([...role.dataActions]).toEqual(permissions?.dataActions);
    },
  );

  it('has one entry per id and per name, ids in lower case', () => {
    expect(new Set(BUILT_IN_ROLES.map((r) => r.id)).size).toBe(BUILT_IN_ROLES.length);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.name.toLowerCase())).size).toBe(BUILT_IN_ROLES.length);
    for (const role of BUILT_IN_ROLES) expect(role.id).toBe(role.id.toLowerCase());
  });

  it('resolves names case-insensitively and ids in any case', () => {
    expect(builtInRoleByName('storage  blob data reader')?.id).toBe('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1');
    expect(builtInRoleById('4F6D3B9B-027B-4F4C-9142-0E5A2A2247E0')?.name).toBe(
      'Azure Service Bus Data Receiver',
    );
    expect(builtInRoleByName('Storage Blob Data Owner')).toBeUndefined();
  });
});

describe('roles that can change authorization', () => {
  it.each([
    ['Owner', '*'],
    ['Contributor', '*'],
    ['User Access Administrator', 'Microsoft.Authorization/*'],
    ['Role Based Access Control Administrator', 'Microsoft.Authorization/roleAssignments/write'],
  ])('%s is caught by %s', (name, action) => {
    const role = builtInRoleByName(name);
    expect(role && authorizationChangingAction(role)).toBe(action);
  });

  it('leaves every data role of the table alone', () => {
    const grantable = BUILT_IN_ROLES.filter((role) => authorizationChangingAction(role) === undefined).map(
      (role) => role.name,
    );
    expect(grantable).toEqual([
      'Reader',
      'Azure Service Bus Data Receiver',
      'Azure Service Bus Data Sender',
      'Azure Event Hubs Data Receiver',
      'Azure Event Hubs Data Sender',
      'Storage Blob Data Reader',
      'Storage Blob Data Contributor',
      'Key Vault Secrets User',
      'Key Vault Reader',
    ]);
  });

  it.each([
    ['*', true],
    ['*/write', true],
    ['Microsoft.*', true],
    ['microsoft.authorization/*', true],
    ['Microsoft.Authorization/*/write', true],
    ['Microsoft.Authorization/roleAssignments/write', true],
    ['Microsoft.Authorization/roleDefinitions/write', true],
    ['Microsoft.Authorization/elevateAccess/Action', true],
    ['Microsoft.Authorization/roleAss*', true],
    ['*/read', false],
    ['Microsoft.Authorization/*/read', false],
    ['Microsoft.ServiceBus/*', false],
    ['Microsoft.Storage/storageAccounts/blobServices/containers/write', false],
  ])('%s → %s', (action, refused) => {
    expect(canChangeAuthorization(action)).toBe(refused);
  });
});
