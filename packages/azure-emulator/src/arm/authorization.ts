// ARM's authorization check, in front of every resource provider: the caller (the token's
// `oid`) must hold a role assignment at the request's scope or above it whose role grants the
// operation's action, or ARM answers 403 AuthorizationFailed and the provider never sees the
// request.
//
// Sources:
// - Role assignments are inherited by every child scope (management group → subscription →
//   resource group → resource): https://learn.microsoft.com/azure/role-based-access-control/scope-overview
// - A role grants an action when one of its `actions` matches it and none of its `notActions`
//   does; `*` is a wildcard ("Microsoft.Logic/*", "*/read"); actions are case-insensitive:
//   https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions
//   (and #notactions). The roles' permissions: role-definitions.ts (Azure built-in roles page).
// - The refusal, 403 `AuthorizationFailed`, "The client '<oid>' with object id '<oid>' does not
//   have authorization to perform action '<action>' over scope '<scope>' or the scope is invalid.
//   If access was recently granted, please refresh your credentials.":
//   https://learn.microsoft.com/azure/role-based-access-control/troubleshooting (symptom
//   "Authorization failed"), and ARM's body as a service principal received it in Azure/ARO-RP#66
//   (the client name is the object id for an app without a UPN).
// The action is the route's Azure operation name (`Microsoft.Logic/workflows/write`, …), the
// scope the request path (ARM reports the full resource path, action segments included).
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import { scopeContains } from '../ids.ts';
import type { Middleware } from '../pipeline.ts';
import { BUILT_IN_ROLE_PERMISSIONS, OWNER, type RolePermission } from './role-definitions.ts';

/**
 * Operations every authenticated caller may use, whatever its roles: asking ARM what one may do
 * (Permissions_List*) and which subscriptions one can see (Subscriptions_List answers with those
 * only). Both answer from the caller's own assignments.
 */
const ALWAYS_ALLOWED = new Set(['microsoft.authorization/permissions/read']);

const patternCache = new Map<string, RegExp>();

/** True when an `actions`/`notActions` entry (with `*` wildcards, any case) covers the action. */
export function actionMatches(pattern: string, action: string): boolean {
  let regex = patternCache.get(pattern);
  if (!regex) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`, 'i');
    patternCache.set(pattern, regex);
  }
  return regex.test(action);
}

export function roleGrants(permission: RolePermission, action: string): boolean {
  return (
    permission.actions.some((pattern) => actionMatches(pattern, action)) &&
    !permission.notActions.some((pattern) => actionMatches(pattern, action))
  );
}

function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').at(-1) ?? '').toLowerCase();
}

/** The subscription a scope lies in, if any. */
function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

/** Whether `principalId` may perform `action` over `scope` (role assignments at or above it). */
export function isAuthorized(
  core: EmulatorCore,
  principalId: string,
  action: string,
  scope: string,
): boolean {
  const principal = principalId.toLowerCase();
  const subscriptionId = subscriptionOf(scope);
  const subscription = subscriptionId ? core.subscription(subscriptionId) : undefined;
  if (subscription?.standingOwners.includes(principal)) {
    return roleGrants(BUILT_IN_ROLE_PERMISSIONS[OWNER]!, action);
  }
  return Object.values(core.state.roleAssignments).some((assignment) => {
    if (assignment.principalId.toLowerCase() !== principal) return false;
    if (!scopeContains(assignment.scope, scope)) return false;
    const permission = BUILT_IN_ROLE_PERMISSIONS[roleGuid(assignment.roleDefinitionId)];
    return permission !== undefined && roleGrants(permission, action);
  });
}

export function authorizationFailed(principalId: string, action: string, scope: string): ArmError {
  return new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${principalId}' with object id '${principalId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/**
 * Refuses an ARM request whose caller lacks the operation's action at the request's scope.
 * Runs after authentication and the subscription gate, before the resource-group check: ARM
 * answers AuthorizationFailed for a group the caller cannot see even when it does not exist
 * ("… or the scope is invalid").
 */
export function authorizeArmRequests(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const { route } = ctx.match;
    if (route.plane !== 'arm' || !ctx.caller) return next();
    // Unmatched paths are answered 404 by ARM's routing; the subscription list filters itself.
    if (route.operation === 'Unmatched' || (!ctx.match.params.subscriptionId && !ctx.match.params.scope)) {
      return next();
    }
    if (ALWAYS_ALLOWED.has(route.operation.toLowerCase())) return next();
    if (!isAuthorized(core, ctx.caller.oid, route.operation, ctx.path)) {
      throw authorizationFailed(ctx.caller.oid, route.operation, ctx.path);
    }
    return next();
  };
}

/** True when a role's `dataActions` cover the data action and its `notDataActions` do not. */
export function roleGrantsData(permission: RolePermission, dataAction: string): boolean {
  return (
    permission.dataActions.some((pattern) => actionMatches(pattern, dataAction)) &&
    !permission.notDataActions.some((pattern) => actionMatches(pattern, dataAction))
  );
}

/**
 * Whether `principalId` may perform a data-plane action on `scope`: a role assignment at the
 * scope or above it whose role's dataActions cover it, made at least the grant-propagation delay
 * ago (the same delay the Key Vault data plane applies). Standing owners get nothing here: Owner
 * carries no dataActions (built-in roles page), as in Azure.
 */
export function isDataActionAuthorized(
  core: EmulatorCore,
  principalId: string,
  dataAction: string,
  scope: string,
): boolean {
  const principal = principalId.toLowerCase();
  return Object.values(core.state.roleAssignments).some((assignment) => {
    if (assignment.principalId.toLowerCase() !== principal) return false;
    if (!scopeContains(assignment.scope, scope)) return false;
    if (core.now() - Date.parse(assignment.createdOn) < core.grantPropagationSeconds * 1000) return false;
    const permission = BUILT_IN_ROLE_PERMISSIONS[roleGuid(assignment.roleDefinitionId)];
    return permission !== undefined && roleGrantsData(permission, dataAction);
  });
}
