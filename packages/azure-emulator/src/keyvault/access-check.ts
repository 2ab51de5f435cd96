// The data plane's authorisation of the caller's token (its `oid`): an RBAC vault needs a
// role assignment at the vault or the secret scope (or above) whose role carries the data
// action; an access-policy vault needs an entry for the caller with the secret permission.
// A grant counts only once the propagation delay has passed since it was made.
import type { EmulatorCore } from '../core.ts';
import { scopeContains } from '../ids.ts';
import type { EmulatorResponse } from '../pipeline.ts';
import type { VaultRecord } from '../state.ts';
import type { TokenClaims } from '../tokens.ts';
import { type GrantClock, grantKey } from './grant-clock.ts';

export type SecretPermission = 'get' | 'set';

export const SECRET_DATA_ACTIONS: Record<SecretPermission, string> = {
  get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
};

/** Built-in roles that carry each secret data action (Key Vault RBAC guide). */
const ROLES_WITH: Record<SecretPermission, ReadonlySet<string>> = {
  get: new Set([
    '4633458b-17de-408a-b874-0445c86b69e6', // Key Vault Secrets User
    'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', // Key Vault Secrets Officer
    '00482a5a-887f-4fb3-b363-3b7fe8e74483', // Key Vault Administrator
  ]),
  set: new Set(['b86a8fe4-44ce-4948-aee5-eccb2c155cd7', '00482a5a-887f-4fb3-b363-3b7fe8e74483']),
};

function roleGuidOf(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').at(-1) ?? '').toLowerCase();
}

export function secretScope(vault: VaultRecord, secretName: string): string {
  return `${vault.id}/secrets/${secretName}`;
}

function propagated(grantedAtMs: number | undefined, core: EmulatorCore): boolean {
  if (grantedAtMs === undefined) return true;
  return core.now() - grantedAtMs >= core.grantPropagationSeconds * 1000;
}

function hasRbacGrant(
  core: EmulatorCore,
  vault: VaultRecord,
  secretName: string,
  oid: string,
  permission: SecretPermission,
): boolean {
  const target = secretScope(vault, secretName);
  return Object.values(core.state.roleAssignments).some(
    (assignment) =>
      assignment.principalId.toLowerCase() === oid.toLowerCase() &&
      ROLES_WITH[permission].has(roleGuidOf(assignment.roleDefinitionId)) &&
      scopeContains(assignment.scope, target) &&
      propagated(Date.parse(assignment.createdOn), core),
  );
}

function hasAccessPolicyGrant(
  core: EmulatorCore,
  grants: GrantClock,
  vault: VaultRecord,
  caller: TokenClaims,
  permission: SecretPermission,
): boolean {
  return vault.accessPolicies.some((entry) => {
    if (entry.objectId.toLowerCase() !== caller.oid.toLowerCase()) return false;
    if (entry.tenantId.toLowerCase() !== caller.tid.toLowerCase()) return false;
    // A compound entry (objectId + applicationId) applies only to that application's calls.
    if (entry.applicationId && entry.applicationId.toLowerCase() !== caller.appid.toLowerCase()) return false;
    return (entry.permissions.secrets ?? []).some((granted) => {
      const name = granted.toLowerCase();
      if (name !== permission && name !== 'all') return false;
      return propagated(
        grants.grantedAt(vault.name, grantKey(entry.objectId, entry.applicationId, granted)),
        core,
      );
    });
  });
}

/** Undefined when allowed; otherwise the 403 Key Vault answers. */
export function denySecretAccess(
  core: EmulatorCore,
  grants: GrantClock,
  vault: VaultRecord,
  secretName: string,
  caller: TokenClaims,
  permission: SecretPermission,
): EmulatorResponse | undefined {
  const who = `appid=${caller.appid};oid=${caller.oid};iss=${caller.iss}`;
  const where = `${vault.name};location=${vault.location}`;
  if (vault.properties.enableRbacAuthorization === true) {
    if (hasRbacGrant(core, vault, secretName, caller.oid, permission)) return undefined;
    return forbidden(
      'ForbiddenByRbac',
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${who}\r\nAction: '${SECRET_DATA_ACTIONS[permission]}'\r\nResource: '${secretScope(vault, secretName).toLowerCase()}'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${where}\r\n`,
    );
  }
  if (hasAccessPolicyGrant(core, grants, vault, caller, permission)) return undefined;
  // An access-policy vault answers 403 Forbidden with inner code AccessDenied, as in
  // turbot/steampipe-plugin-azure#127: "… does not have secrets list permission on key vault
  // '…;location=…'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
  // InnerError={"code":"AccessDenied"}. (ForbiddenByRbac is the RBAC vault's inner code.)
  return forbidden(
    'AccessDenied',
    `The user, group or application '${who}' does not have secrets ${permission} permission on key vault '${where}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
  );
}

function forbidden(innerCode: string, message: string): EmulatorResponse {
  return { status: 403, body: { error: { code: 'Forbidden', message, innererror: { code: innerCode } } } };
}
