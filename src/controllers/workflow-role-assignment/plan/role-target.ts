// The role assignment a WorkflowRoleAssignment wants, named the way every logicops assignment is
// (UUIDv5 of scope, role and principal: a retry, a restart or a second replica computes the same
// name), and the test of whether a recorded assignment is logicops' own.
import { checkRoleAssignmentScope, roleAssignmentName, sameResourceId } from '../../../azure/index.ts';
import type { RoleGrantRecord } from '../../../crds/index.ts';

export interface RoleTarget {
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  name: string;
}

/** The subscription of a role-assignment scope (checked the way the gateway checks it). */
export function subscriptionOf(scope: string): string {
  checkRoleAssignmentScope(scope);
  return scope.split('/')[2] ?? '';
}

export function roleTarget(scope: string, roleDefinitionId: string, principalId: string): RoleTarget {
  return {
    scope,
    roleDefinitionId,
    principalId,
    name: roleAssignmentName(scope, roleDefinitionId, principalId),
  };
}

/** Whether the record describes this very grant (scope, role and principal). */
export function recordsTarget(record: RoleGrantRecord, target: RoleTarget): boolean {
  return (
    sameResourceId(record.scope, target.scope) &&
    record.roleDefinitionId.toLowerCase() === target.roleDefinitionId.toLowerCase() &&
    record.principalId.toLowerCase() === target.principalId.toLowerCase()
  );
}

/** An assignment is logicops' only when it carries logicops' deterministic name (guarantee 2). */
export function isOwnAssignment(record: RoleGrantRecord): boolean {
  return (
    record.roleAssignmentName.toLowerCase() ===
    roleAssignmentName(record.scope, record.roleDefinitionId, record.principalId)
  );
}
