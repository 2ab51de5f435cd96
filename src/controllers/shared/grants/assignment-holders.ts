// One role assignment can be wanted by more than one object: logicops' assignment names are
// deterministic (UUIDv5 of scope, role and principal), so a VaultSecretBinding in RBAC mode and
// a WorkflowRoleAssignment granting Key Vault Secrets User on the same secret to the same
// principal, or two WorkflowRoleAssignments asking for the same thing, share one assignment.
// A revoke deletes it only when no other record of either kind still holds it.
import type { OperatorRecords } from '../records/operator-records.ts';

export interface RecordRef {
  kind: 'grant' | 'role-grant';
  namespace: string;
  name: string;
}

/**
 * Whether a record other than `self` still holds role assignment `assignmentName` of
 * `principalId` (one being revoked lets go). Only records of the same principal can: the name
 * derives from it (the records' principal index answers).
 */
export function roleAssignmentHeldByOthers(
  records: OperatorRecords,
  assignmentName: string,
  principalId: string,
  self: RecordRef,
): boolean {
  const wanted = assignmentName.toLowerCase();
  const isSelf = (kind: RecordRef['kind'], object: { namespace: string; name: string }) =>
    kind === self.kind && object.namespace === self.namespace && object.name === self.name;
  const byBinding = records
    .grantsOf(principalId)
    .some(
      ({ object, payload }) =>
        !isSelf('grant', object) &&
        payload.phase !== 'Revoking' &&
        payload.accessModel === 'RBAC' &&
        payload.roleAssignmentName?.toLowerCase() === wanted,
    );
  if (byBinding) return true;
  return records
    .roleGrantsOf(principalId)
    .some(
      ({ object, payload }) =>
        !isSelf('role-grant', object) &&
        payload.phase !== 'Revoking' &&
        payload.roleAssignmentName.toLowerCase() === wanted,
    );
}
