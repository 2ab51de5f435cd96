// Pure decisions about the grant's shape: which access model applies, what scope and secret URI
// the status shows, how a ledger relates to what is wanted now, and the RBAC naming facts.
import {
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  parseResourceId,
  roleAssignmentName,
  roleDefinitionResourceId,
  sameResourceId,
  secretScope,
} from '../../../azure/index.ts';
import { AccessModel, type EffectiveAccessModel, type GrantRecord, GrantScope } from '../../../crds/index.ts';

const VAULT_TYPE = 'Microsoft.KeyVault/vaults';

/** `Auto` follows the vault's `enableRbacAuthorization`; a forced model wins. */
export function effectiveAccessModel(requested: AccessModel, vaultUsesRbac: boolean): EffectiveAccessModel {
  if (requested === AccessModel.AccessPolicy || requested === AccessModel.RBAC) return requested;
  return vaultUsesRbac ? AccessModel.RBAC : AccessModel.AccessPolicy;
}

/** An access policy opens the whole vault's secrets; an RBAC assignment only the one secret. */
export function grantScopeOf(model: EffectiveAccessModel): GrantScope {
  return model === AccessModel.RBAC ? GrantScope.Secret : GrantScope.Vault;
}

/** Versionless, so a rotated secret keeps working; never carries a value. */
export function secretUriOf(vaultUri: string, secretName: string): string {
  return `${vaultUri.endsWith('/') ? vaultUri : `${vaultUri}/`}secrets/${secretName}`;
}

export interface VaultCoordinates {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Throws when `vaultId` is not a vault id (admission normally rejects those). */
export function vaultCoordinates(vaultId: string): VaultCoordinates {
  const { subscriptionId, resourceGroup, name } = parseResourceId(vaultId, VAULT_TYPE);
  return { subscriptionId, resourceGroup, name };
}

export interface RoleAssignmentTarget {
  scope: string;
  roleDefinitionId: string;
  /** logicops' deterministic (UUIDv5) name for this grant. */
  name: string;
}

export function roleAssignmentTarget(
  vaultId: string,
  secretName: string,
  principalId: string,
): RoleAssignmentTarget {
  const scope = secretScope(vaultId, secretName);
  const roleDefinitionId = roleDefinitionResourceId(
    vaultCoordinates(vaultId).subscriptionId,
    KEY_VAULT_SECRETS_USER_ROLE_ID,
  );
  return { scope, roleDefinitionId, name: roleAssignmentName(scope, roleDefinitionId, principalId) };
}

/** An assignment is logicops' only when it carries logicops' deterministic name (guarantee 2). */
export function isOwnRoleAssignment(record: GrantRecord): boolean {
  if (!record.roleAssignmentName || !record.roleAssignmentScope) return false;
  const expected = roleAssignmentName(
    record.roleAssignmentScope,
    KEY_VAULT_SECRETS_USER_ROLE_ID,
    record.principalId,
  );
  return record.roleAssignmentName.toLowerCase() === expected;
}

export function hasAccessPolicyPart(record: GrantRecord | undefined): boolean {
  return record?.permissionsAdded !== undefined || record?.permissionsPreExisting !== undefined;
}

export function hasRoleAssignmentPart(record: GrantRecord | undefined): boolean {
  return record?.roleAssignmentName !== undefined;
}

/**
 * How the recorded grant relates to the one wanted now:
 * - `none`: nothing recorded;
 * - `samePrincipal`: refresh in place (the grant functions also finish a model migration:
 *   the wanted model is granted first, then what the record holds of the other model is revoked);
 * - `otherPrincipal`: the workflow's identity changed — the old principal's grant is revoked
 *   first (it can no longer use it), then the new one is granted.
 * The vault cannot differ: spec.vaultId is immutable.
 */
export type LedgerRelation = 'none' | 'samePrincipal' | 'otherPrincipal';

export function ledgerRelation(
  record: GrantRecord | undefined,
  wanted: { principalId: string; vaultId: string },
): LedgerRelation {
  if (!record) return 'none';
  const samePrincipal = record.principalId.toLowerCase() === wanted.principalId.toLowerCase();
  return samePrincipal && sameResourceId(record.vaultId, wanted.vaultId) ? 'samePrincipal' : 'otherPrincipal';
}

export function sameGrantRecord(a: GrantRecord | undefined, b: GrantRecord | undefined): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(record: GrantRecord | undefined): unknown {
  if (!record) return null;
  return Object.fromEntries(
    Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
