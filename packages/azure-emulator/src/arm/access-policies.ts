// Key Vault access-policy semantics for `vaults/{v}/accessPolicies/{add|replace|remove}`:
//   add     merges the listed permissions into the principal's entry (creating it), case-insensitively;
//   replace sets the entry's permissions to exactly the listed ones;
//   remove  takes away only the listed permissions (exact, case-sensitive match, as API 2026-02-01
//           does) and drops the entry when nothing is left; 200 even when nothing matched
//           (github.com/Azure/azure-rest-api-specs/issues/42963).
//
// Casing: the REST spec's enums are lower case (`get`, `list`; keys `wrapKey`), and the spec's
// examples echo them so, but the service returns permissions in another casing: `Get`, `List`
// (azure-rest-api-specs#34772, "Key Vault Access Policy API returns capitalized permission values
// (e.g., Get) instead of lowercase (get) as defined in spec", API 2024-11-01; azure-cli#15907; the
// AzureRM provider normalises to that spelling because "the casing being returned from the API"
// differs, terraform-provider-azurerm#10593). The emulator stores what add, replace and a vault
// PUT/PATCH write in that spelling (PERMISSION_VALUES) by default, so a client that compares or
// removes permissions in the spec's casing fails here as it would against Azure. Some entries
// do keep the caller's casing (terraform-provider-azurerm#17137 saw lower case kept on create):
// `permissionCasing: 'as-sent'` models that.
import { type ArmError, armErrors } from '../errors.ts';
import { isGuid } from '../ids.ts';
import type { PermissionCasing } from '../permission-casing.ts';
import type { AccessPolicyEntry, PermissionCategory } from '../state.ts';
import { isObject } from './common.ts';

/**
 * Every permission Key Vault accepts, in the spelling it stores and returns (the REST spec's
 * enums are lower case, `modelAsString`; requests are matched case-insensitively).
 */
export const PERMISSION_VALUES: Record<PermissionCategory, readonly string[]> = {
  secrets: ['All', 'Get', 'List', 'Set', 'Delete', 'Backup', 'Restore', 'Recover', 'Purge'],
  keys: [
    'All',
    'Encrypt',
    'Decrypt',
    'WrapKey',
    'UnwrapKey',
    'Sign',
    'Verify',
    'Get',
    'List',
    'Create',
    'Update',
    'Import',
    'Delete',
    'Backup',
    'Restore',
    'Recover',
    'Purge',
    'Release',
    'Rotate',
    'GetRotationPolicy',
    'SetRotationPolicy',
  ],
  certificates: [
    'All',
    'Get',
    'List',
    'Delete',
    'Create',
    'Import',
    'Update',
    'ManageContacts',
    'GetIssuers',
    'ListIssuers',
    'SetIssuers',
    'DeleteIssuers',
    'ManageIssuers',
    'Recover',
    'Purge',
    'Backup',
    'Restore',
  ],
  storage: [
    'All',
    'Get',
    'List',
    'Delete',
    'Set',
    'Update',
    'RegenerateKey',
    'Recover',
    'Purge',
    'Backup',
    'Restore',
    'SetSAS',
    'ListSAS',
    'GetSAS',
    'DeleteSAS',
  ],
};
const CATEGORIES = Object.keys(PERMISSION_VALUES) as PermissionCategory[];

export type AccessPolicyOperation = 'add' | 'replace' | 'remove';

/** The entries as Key Vault stores them: each permission in its own spelling (`get` → `Get`). */
export function inStoredCasing(entries: AccessPolicyEntry[], casing: PermissionCasing): AccessPolicyEntry[] {
  if (casing === 'as-sent') return entries;
  return entries.map((entry) => {
    const permissions: AccessPolicyEntry['permissions'] = {};
    for (const category of CATEGORIES) {
      const values = entry.permissions[category];
      if (values) permissions[category] = values.map((value) => storedSpelling(category, value));
    }
    return { ...entry, permissions };
  });
}

function storedSpelling(category: PermissionCategory, value: string): string {
  return PERMISSION_VALUES[category].find((known) => known.toLowerCase() === value.toLowerCase()) ?? value;
}

/** Validates and copies access-policy entries from a request body. */
export function readAccessPolicies(value: unknown, where: string): AccessPolicyEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw armErrors.badRequest('BadRequest', `'${where}' must be an array.`);
  return value.map((entry, index) => readEntry(entry, `${where}[${index}]`));
}

function readEntry(entry: unknown, where: string): AccessPolicyEntry {
  if (!isObject(entry)) throw armErrors.badRequest('BadRequest', `'${where}' must be an object.`);
  const { tenantId, objectId, applicationId, permissions } = entry;
  if (!isGuid(tenantId)) throw armErrors.badRequest('BadRequest', `'${where}.tenantId' must be a GUID.`);
  // Any well-formed object id is accepted: Key Vault does not look principals up in the directory.
  if (!isGuid(objectId)) throw armErrors.badRequest('BadRequest', `'${where}.objectId' must be a GUID.`);
  if (applicationId !== undefined && applicationId !== null && !isGuid(applicationId)) {
    throw armErrors.badRequest('BadRequest', `'${where}.applicationId' must be a GUID.`);
  }
  if (!isObject(permissions)) throw armErrors.badRequest('BadRequest', `'${where}.permissions' is required.`);
  const copy: AccessPolicyEntry['permissions'] = {};
  for (const [category, values] of Object.entries(permissions)) {
    if (!CATEGORIES.includes(category as PermissionCategory)) {
      throw armErrors.badRequest(
        'BadRequest',
        `'${where}.permissions.${category}' is not a permission category.`,
      );
    }
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw armErrors.badRequest(
        'BadRequest',
        `'${where}.permissions.${category}' must be an array of strings.`,
      );
    }
    const allowed = PERMISSION_VALUES[category as PermissionCategory].map((v) => v.toLowerCase());
    const unknown = values.find((v) => !allowed.includes(v.toLowerCase()));
    if (unknown !== undefined) {
      throw armErrors.badRequest('BadRequest', `Invalid ${category} permission '${unknown}' in '${where}'.`);
    }
    copy[category as PermissionCategory] = [...values];
  }
  return {
    tenantId,
    objectId,
    ...(typeof applicationId === 'string' ? { applicationId } : {}),
    permissions: copy,
  };
}

export function sameEntry(a: AccessPolicyEntry, b: AccessPolicyEntry): boolean {
  return (
    a.tenantId.toLowerCase() === b.tenantId.toLowerCase() &&
    a.objectId.toLowerCase() === b.objectId.toLowerCase() &&
    (a.applicationId ?? '').toLowerCase() === (b.applicationId ?? '').toLowerCase()
  );
}

function isEmpty(entry: AccessPolicyEntry): boolean {
  return CATEGORIES.every((category) => (entry.permissions[category] ?? []).length === 0);
}

/** Returns the vault's new access-policy list; throws when it would exceed the limit. */
export function applyAccessPolicyOperation(
  current: AccessPolicyEntry[],
  operation: AccessPolicyOperation,
  changes: AccessPolicyEntry[],
  maxEntries: number,
): AccessPolicyEntry[] {
  const next = current.map((entry) => structuredClone(entry));
  for (const change of changes) {
    const index = next.findIndex((entry) => sameEntry(entry, change));
    const existing = index === -1 ? undefined : next[index]!;
    if (operation === 'remove') {
      if (!existing) continue;
      for (const category of CATEGORIES) {
        const removed = change.permissions[category] ?? [];
        const kept = (existing.permissions[category] ?? []).filter((p) => !removed.includes(p));
        if (existing.permissions[category]) existing.permissions[category] = kept;
      }
      if (isEmpty(existing)) next.splice(index, 1);
      continue;
    }
    if (!existing) {
      next.push(structuredClone(change));
      continue;
    }
    if (operation === 'replace') {
      existing.permissions = structuredClone(change.permissions);
      continue;
    }
    for (const category of CATEGORIES) {
      const added = change.permissions[category];
      if (!added) continue;
      const merged = [...(existing.permissions[category] ?? [])];
      for (const permission of added) {
        if (!merged.some((p) => p.toLowerCase() === permission.toLowerCase())) merged.push(permission);
      }
      existing.permissions[category] = merged;
    }
  }
  if (next.length > maxEntries) throw tooManyAccessPolicies(maxEntries);
  return next;
}

export function tooManyAccessPolicies(maxEntries: number): ArmError {
  return armErrors.badRequest(
    'BadRequest',
    `The number of access policies in the vault exceeds the maximum of ${maxEntries}.`,
  );
}
