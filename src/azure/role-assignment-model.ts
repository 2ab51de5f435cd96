// Role assignments as logicops sees them, and the pure rules for naming and matching them.
// The name is a UUIDv5 of (scope, role, principal): a retry, a restart or a second replica
// computes the same name, so a PUT repeated after a crash is idempotent instead of creating a
// duplicate (docs/design.md guarantee 2).
import type {
  RoleAssignment as ArmRoleAssignment,
  RoleAssignmentCreateParameters,
} from '@azure/arm-authorization';
import { normalizeResourceId } from './resource-id.ts';
import { UUID_NAMESPACE_URL, uuidV5 } from './uuid-v5.ts';

/** Built-in role "Key Vault Secrets User": read secret contents (RBAC-model vaults only). */
export const KEY_VAULT_SECRETS_USER_ROLE_ID = '4633458b-17de-408a-b874-0445c86b69e6';

/** The namespace of logicops' role-assignment names. Changing it would orphan every existing assignment. */
export const ROLE_ASSIGNMENT_NAMESPACE = uuidV5('https://logicops.io/role-assignments', UUID_NAMESPACE_URL);

const DESCRIPTION_PREFIX = 'managed by logicops: ';

export interface DesiredRoleAssignment {
  /** ARM id of the scope, e.g. a vault secret: `/subscriptions/…/vaults/{vault}/secrets/{name}`. */
  scope: string;
  /** Full role definition id (`/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`). */
  roleDefinitionId: string;
  principalId: string;
  /** Who in Kubernetes asked for it: `<cluster-id>/<namespace>/<name>`. Goes into the description. */
  owner: string;
}

export interface RoleAssignment {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  description?: string;
  createdOn?: Date;
}

/** The id to send for a built-in role in a subscription. */
export function roleDefinitionResourceId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The role's GUID, whichever form the id is in (`/subscriptions/…/roleDefinitions/{guid}`, `/providers/…`, bare). */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').filter(Boolean).at(-1) ?? '').toLowerCase();
}

/** Deterministic assignment name; inputs are normalised so `resourcegroups` vs `resourceGroups` agree. */
export function roleAssignmentName(scope: string, roleDefinitionId: string, principalId: string): string {
  const key = [
    normalizeResourceId(scope),
    roleDefinitionGuid(roleDefinitionId),
    principalId.toLowerCase(),
  ].join('|');
  return uuidV5(key, ROLE_ASSIGNMENT_NAMESPACE);
}

export function logicopsDescription(owner: string): string {
  return `${DESCRIPTION_PREFIX}${owner}`;
}

/** True when the description carries logicops' marker (optionally for one owner). */
export function isLogicopsDescription(description: string | undefined, owner?: string): boolean {
  if (!description?.startsWith(DESCRIPTION_PREFIX)) return false;
  return owner === undefined || description === logicopsDescription(owner);
}

/** The PUT body: ServicePrincipal skips Entra's directory lookup (Azure's fix for replication lag). */
export function toArmRoleAssignment(desired: DesiredRoleAssignment): RoleAssignmentCreateParameters {
  return {
    roleDefinitionId: desired.roleDefinitionId,
    principalId: desired.principalId,
    principalType: 'ServicePrincipal',
    description: logicopsDescription(desired.owner),
  };
}

/** Whether an assignment grants `roleDefinitionId` to `principalId` at exactly `scope`. */
export function grantsExactly(
  assignment: RoleAssignment,
  scope: string,
  roleDefinitionId: string,
  principalId: string,
): boolean {
  return (
    normalizeResourceId(assignment.scope) === normalizeResourceId(scope) &&
    roleDefinitionGuid(assignment.roleDefinitionId) === roleDefinitionGuid(roleDefinitionId) &&
    assignment.principalId.toLowerCase() === principalId.toLowerCase()
  );
}

export function fromArmRoleAssignment(assignment: ArmRoleAssignment): RoleAssignment {
  const result: RoleAssignment = {
    id: assignment.id ?? '',
    name: assignment.name ?? '',
    scope: assignment.scope ?? '',
    roleDefinitionId: assignment.roleDefinitionId ?? '',
    principalId: assignment.principalId ?? '',
  };
  if (assignment.principalType) result.principalType = assignment.principalType;
  if (assignment.description) result.description = assignment.description;
  if (assignment.createdOn) result.createdOn = assignment.createdOn;
  return result;
}
