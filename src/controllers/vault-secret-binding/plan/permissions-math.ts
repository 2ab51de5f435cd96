// Pure arithmetic of shared access-policy entries (docs/design.md guarantees 2 and 3).
//
// Key Vault keeps ONE access-policy entry per principal, so every binding that grants the same
// principal on the same vault shares it — across namespaces too, when a user-assigned identity
// is shared. Each binding's ledger (status.grant) says which of the entry's permissions
// logicops added for it (`permissionsAdded`) and which were there before logicops touched the
// entry (`permissionsPreExisting`, never removed). From the ledgers alone we can tell what a
// revocation may remove: what this binding added, minus what another binding still needs, minus
// what was pre-existing. Nothing here talks to Azure or Kubernetes.

import { sameResourceId } from '../../../azure/index.ts';
import type { GrantRecord, SecretPermission } from '../../../crds/index.ts';

/** Lower-case, de-duplicated, sorted: the one form permissions are compared and recorded in. */
export function normalizePermissions(permissions: Iterable<string>): SecretPermission[] {
  const set = new Set<string>();
  for (const permission of permissions) set.add(permission.toLowerCase());
  return ([...set].filter(isReadPermission) as SecretPermission[]).sort();
}

function isReadPermission(permission: string): boolean {
  return permission === 'get' || permission === 'list';
}

const union = (...lists: Iterable<string>[]): SecretPermission[] =>
  normalizePermissions(lists.flatMap((list) => [...list]));
const minus = (from: Iterable<string>, ...without: Iterable<string>[]): SecretPermission[] => {
  const removed = new Set(union(...without));
  return normalizePermissions(from).filter((permission) => !removed.has(permission));
};
const intersect = (a: Iterable<string>, b: Iterable<string>): SecretPermission[] => {
  const other = new Set(normalizePermissions(b));
  return normalizePermissions(a).filter((permission) => other.has(permission));
};

/** What the other bindings' ledgers say about the same principal's entry on the same vault. */
export interface SharedEntryView {
  /** Permissions another binding still relies on (its access-policy grant is not being revoked). */
  neededByOthers: SecretPermission[];
  /** Permissions another binding recorded as added by logicops, in any phase: never "pre-existing". */
  addedByOthers: SecretPermission[];
}

/** Folds the other bindings' ledgers into what one binding must respect on a shared entry. */
export function sharedEntryView(
  others: readonly GrantRecord[],
  principalId: string,
  vaultId: string,
): SharedEntryView {
  const sameEntry = others.filter(
    (record) =>
      record.principalId.toLowerCase() === principalId.toLowerCase() &&
      sameResourceId(record.vaultId, vaultId),
  );
  return {
    neededByOthers: union(
      ...sameEntry
        .filter((record) => record.accessModel === 'AccessPolicy' && record.phase !== 'Revoking')
        .map((record) => record.permissionsAdded ?? []),
    ),
    addedByOthers: union(...sameEntry.map((record) => record.permissionsAdded ?? [])),
  };
}

export interface AccessPolicyGrantInput {
  /** spec.permissions. */
  desired: readonly string[];
  /** The principal's entry as Azure has it now (secret permissions; empty when there is no entry). */
  entry: readonly string[];
  /** This binding's access-policy ledger for the same principal and vault, if any. */
  ledger?: Pick<GrantRecord, 'permissionsAdded' | 'permissionsPreExisting'>;
  shared: SharedEntryView;
}

export interface AccessPolicyGrantPlan {
  /** Send to accessPolicies/add (missing from the entry). */
  add: SecretPermission[];
  /**
   * Send to accessPolicies/remove: what this binding's ledger added and no longer wants, that
   * nobody else needs and that was not there before — whether or not the read shows it. A read may
   * lag our own add by seconds (vault-consistency.ts); removing only what it shows left the
   * permission behind while the ledger let go of it. A remove of a missing permission is a no-op.
   */
  remove: SecretPermission[];
  /** The ledger once both writes are done. */
  permissionsAdded: SecretPermission[];
  permissionsPreExisting: SecretPermission[];
  /** The ledger to record before the writes: covers both the old and the new grant. */
  intendedPermissionsAdded: SecretPermission[];
}

/**
 * Plans one binding's grant on a (possibly shared) entry.
 * - Pre-existing = wanted permissions the entry had that no logicops ledger claims. Once
 *   recorded it stays, unless the entry lost it meanwhile (a vault redeploy): then logicops
 *   re-adds it and it is logicops' from then on.
 * - Added = everything else wanted, including permissions another binding added: the last
 *   binding that needs a shared permission is the one that removes it.
 */
export function planAccessPolicyGrant(input: AccessPolicyGrantInput): AccessPolicyGrantPlan {
  const desired = normalizePermissions(input.desired);
  const entry = normalizePermissions(input.entry);
  const recordedAdded = normalizePermissions(input.ledger?.permissionsAdded ?? []);
  const stillPreExisting = intersect(input.ledger?.permissionsPreExisting ?? [], entry);
  const newlyPreExisting = minus(intersect(desired, entry), input.shared.addedByOthers, recordedAdded);
  const permissionsPreExisting = intersect(union(stillPreExisting, newlyPreExisting), desired);
  const permissionsAdded = minus(desired, permissionsPreExisting);
  const noLongerWanted = minus(recordedAdded, permissionsAdded);
  return {
    add: minus(desired, entry),
    remove: minus(noLongerWanted, input.shared.neededByOthers, permissionsPreExisting),
    permissionsAdded,
    permissionsPreExisting,
    intendedPermissionsAdded: union(recordedAdded, permissionsAdded),
  };
}

/** What revoking one binding's access-policy grant removes from the shared entry. */
export function planAccessPolicyRevoke(
  ledger: Pick<GrantRecord, 'permissionsAdded' | 'permissionsPreExisting'>,
  shared: SharedEntryView,
): SecretPermission[] {
  return minus(ledger.permissionsAdded ?? [], ledger.permissionsPreExisting ?? [], shared.neededByOthers);
}

export function samePermissions(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = normalizePermissions(a ?? []);
  const right = normalizePermissions(b ?? []);
  return left.length === right.length && left.every((permission, i) => permission === right[i]);
}
