// Which role spec.role names, and whether logicops may grant it at all. Decided from the spec
// alone, before any Azure call and whatever the namespace policy says:
//   - a name resolves through the table of built-in roles (src/azure/built-in-roles.ts); an id
//     (GUID, or a role definition id) must be one of them too;
//   - a role whose actions can change authorization (src/azure/role-escalation.ts) is refused:
//     Owner, Contributor, User Access Administrator, Role Based Access Control Administrator;
//   - a custom role is refused: its definition can be edited after the grant (to
//     Microsoft.Authorization/roleAssignments/write, say), so no check made at grant time would
//     bound what the workflow ends up holding.
// A refusal is InvalidSpec (the spec can never work), with the reason and what to do instead.
import {
  authorizationChangingAction,
  BUILT_IN_ROLES,
  type BuiltInRole,
  builtInRoleById,
  builtInRoleByName,
  roleDefinitionResourceId,
} from '../../../azure/index.ts';

export interface ResolvedRole {
  name: string;
  /** The role definition's GUID. */
  id: string;
}

export type RoleChoice = { ok: true; role: ResolvedRole } | { ok: false; message: string };

const ROLE_ID =
  /^(?:(?:\/subscriptions\/[0-9a-f-]{36})?\/providers\/microsoft\.authorization\/roledefinitions\/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function chooseRole(role: string): RoleChoice {
  const idMatch = ROLE_ID.exec(role.trim());
  const found: BuiltInRole | undefined = idMatch
    ? builtInRoleById(idMatch[1] ?? '')
    : builtInRoleByName(role);
  if (!found) {
    return {
      ok: false,
      message: idMatch
        ? `spec.role ${role} is not a built-in role logicops grants. Custom roles are refused: a custom role's permissions can be changed after the grant (to Microsoft.Authorization/roleAssignments/write, say), so logicops cannot bound what the workflow would hold. Nothing was granted. Use one of: ${grantableNames()}`
        : `spec.role ${role} is not a built-in role logicops knows. Nothing was granted. Use one of: ${grantableNames()}`,
    };
  }
  const escalating = authorizationChangingAction(found);
  if (escalating) {
    return {
      ok: false,
      message: `spec.role ${found.name} is never granted by logicops, whatever the namespace policy says: its action ${escalating} can change authorization (grant any role to anyone, or more than a workflow needs). Nothing was granted. Grant a data role for the service instead, e.g. ${grantableNames()}`,
    };
  }
  return { ok: true, role: { name: found.name, id: found.id } };
}

/** The full role definition id to send in the scope's subscription. */
export function roleDefinitionIdIn(subscriptionId: string, role: ResolvedRole): string {
  return roleDefinitionResourceId(subscriptionId, role.id);
}

function grantableNames(): string {
  return BUILT_IN_ROLES.filter((r) => authorizationChangingAction(r) === undefined)
    .map((r) => r.name)
    .join(', ');
}
