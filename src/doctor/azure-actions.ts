// Which Azure actions the operator needs on each kind of scope (docs/operations.md, "Azure roles
// the operator needs"), and whether a list of ARM permissions grants an action.
//
// ARM's rules (https://learn.microsoft.com/azure/role-based-access-control/role-definitions):
// an action matches a pattern case-insensitively, `*` standing for any run of characters
// ("Microsoft.Authorization/*/read"); within one permission block `notActions` are subtracted
// from `actions`; blocks from different role assignments add up, so an action one block
// excludes is still allowed when another block grants it.

export interface ArmPermission {
  actions?: string[];
  notActions?: string[];
}

export type ScopeKind = 'resourceGroup' | 'userAssignedIdentity' | 'accessPolicyVault' | 'rbacVault';

/** The control-plane actions logicops performs on each kind of scope. */
export const REQUIRED_ACTIONS: Readonly<Record<ScopeKind, readonly string[]>> = {
  resourceGroup: [
    'Microsoft.Logic/workflows/read',
    'Microsoft.Logic/workflows/write',
    'Microsoft.Logic/workflows/delete',
    // The run report in status (issue 25): without them status.lastRun stays empty, and a
    // warning is logged at each read.
    'Microsoft.Logic/workflows/runs/read',
    'Microsoft.Logic/workflows/triggers/read',
  ],
  userAssignedIdentity: [
    'Microsoft.ManagedIdentity/userAssignedIdentities/read',
    'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
  ],
  accessPolicyVault: [
    'Microsoft.KeyVault/vaults/read',
    'Microsoft.KeyVault/vaults/accessPolicies/write',
    'Microsoft.KeyVault/vaults/secrets/read',
  ],
  rbacVault: [
    'Microsoft.KeyVault/vaults/read',
    'Microsoft.KeyVault/vaults/secrets/read',
    'Microsoft.Authorization/roleAssignments/read',
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.Authorization/roleAssignments/delete',
  ],
};

/**
 * What a resource group also needs when a workflow there has spec.callbackUrl: listing its
 * trigger's callback URL and regenerating its access key (both POST actions; Logic App
 * Contributor's `Microsoft.Logic/*` covers them).
 */
export const CALLBACK_URL_ACTIONS: readonly string[] = [
  'Microsoft.Logic/workflows/triggers/listCallbackUrl/action',
  'Microsoft.Logic/workflows/regenerateAccessKey/action',
];

/**
 * What a resource group also needs when a LogicAppConnection is there (issue 24): API
 * connections are read, written and deleted (Logic App Contributor's `Microsoft.Web/connections/*`).
 */
export const CONNECTION_ACTIONS: readonly string[] = [
  'Microsoft.Web/connections/read',
  'Microsoft.Web/connections/write',
  'Microsoft.Web/connections/delete',
];

// `*` matches any run of characters, and a wildcard segment between two slashes also matches no
// segment at all: Managed Identity Operator grants reading and assigning identities with the
// patterns `userAssignedIdentities/` + `*` + `/read` and `.../` + `*` + `/assign/action`, and the
// operations it exists for are `userAssignedIdentities/read` and `userAssignedIdentities/assign/action`.
export function patternMatches(pattern: string, action: string): boolean {
  const literal = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = pattern
    .split('/*/')
    .map((part) => part.split('*').map(literal).join('.*'))
    .join('/(?:.*/)?');
  return new RegExp(`^${source}$`, 'i').test(action);
}

export function isActionAllowed(permissions: readonly ArmPermission[], action: string): boolean {
  return permissions.some(
    (permission) =>
      (permission.actions ?? []).some((pattern) => patternMatches(pattern, action)) &&
      !(permission.notActions ?? []).some((pattern) => patternMatches(pattern, action)),
  );
}

/** The required actions (and `also`, e.g. CALLBACK_URL_ACTIONS) the permissions do not grant, in order. */
export function missingActions(
  permissions: readonly ArmPermission[],
  kind: ScopeKind,
  also: readonly string[] = [],
): string[] {
  return [...REQUIRED_ACTIONS[kind], ...also].filter((action) => !isActionAllowed(permissions, action));
}
