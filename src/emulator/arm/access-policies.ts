// Key Vault access-policy semantics for `vaults/{v}/accessPolicies/{add|replace|remove}`:
//   add     merges the listed permissions into the principal's entry (creating it), case-insensitively;
//   replace sets the entry's permissions to exactly the listed ones;
//   remove  takes away only the listed permissions (exact, case-sensitive match, as API 2026-02-01
//           does) and drops the entry when nothing is left; 200 even when nothing matched.
import { type ArmError, armErrors } from '../errors.ts';
import { isGuid } from '../ids.ts';
import type { AccessPolicyEntry, PermissionCategory } from '../state.ts';
import { isObject } from './common.ts';

export const PERMISSION_VALUES: Record<PermissionCategory, readonly string[]> = {
  secrets: ['all', 'get', 'list', 'set', 'delete', 'backup', 'restore', 'recover', 'purge'],
  keys: [
    'all',
    'encrypt',
    'decrypt',
    'wrapKey',
    'unwrapKey',
    'sign',
    'verify',
    'get',
    'list',
    'create',
    'update',
    'import',
    'delete',
    'backup',
    'restore',
    'recover',
    'purge',
    'release',
    'rotate',
    'getrotationpolicy',
    'setrotationpolicy',
  ],
  certificates: [
    'all',
    'get',
    'list',
    'delete',
    'create',
    'import',
    'update',
    'managecontacts',
    'getissuers',
    'listissuers',
    'setissuers',
    'deleteissuers',
    'manageissuers',
    'recover',
    'purge',
    'backup',
    'restore',
  ],
  storage: [
    'all',
    'get',
    'list',
    'delete',
    'set',
    'update',
    'regeneratekey',
    'recover',
    'purge',
    'backup',
    'restore',
    'setsas',
    'listsas',
    'getsas',
    'deletesas',
  ],
};
const CATEGORIES = Object.keys(PERMISSION_VALUES) as PermissionCategory[];

export type AccessPolicyOperation = 'add' | 'replace' | 'remove';

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
