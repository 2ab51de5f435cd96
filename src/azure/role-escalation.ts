// Which role permissions can change authorization: grant access to others (role assignments),
// redefine what a role allows (role definitions), elevate, lock or unlock, assign policy. A
// workflow holding one of them could give any principal any role: the escalation that Azure
// Service Operator's open role assignments allowed (azure-service-operator#3645). logicops never
// grants such a role, whatever the namespace policy says.
//
// The rule is conservative on purpose: an action pattern is refused when it COULD match any
// Microsoft.Authorization operation other than a read — `*`, `Microsoft.*`,
// `Microsoft.Authorization/*`, `Microsoft.Authorization/*/write`,
// `Microsoft.Authorization/roleAssignments/write` — whatever the role's notActions say (ARM wildcards
// match across `/`; notActions shrink a role only as long as nobody adds a new operation a
// wildcard covers). Patterns that end in a literal `/read` match reads only, so
// `Microsoft.Authorization/*/read` and `*/read` are fine. Contributor (`*` minus authorization
// writes) is refused by this rule too: `*` is far more than a workflow needs.
const AUTHORIZATION = 'microsoft.authorization/';

export interface RolePermissions {
  actions: readonly string[];
}

/** The first action of `permissions` that can change authorization, or undefined. */
export function authorizationChangingAction(permissions: RolePermissions): string | undefined {
  return permissions.actions.find(canChangeAuthorization);
}

export function canChangeAuthorization(action: string): boolean {
  const pattern = action.trim().toLowerCase();
  if (pattern.endsWith('/read')) return false;
  const star = pattern.indexOf('*');
  const literalPrefix = star === -1 ? pattern : pattern.slice(0, star);
  // Could the pattern match something under microsoft.authorization/ ?
  if (star === -1) return pattern.startsWith(AUTHORIZATION);
  return AUTHORIZATION.startsWith(literalPrefix) || literalPrefix.startsWith(AUTHORIZATION);
}
