// What the caller may do, as ARM reports it (read-only; `logicops doctor` asks it):
//
// - `GET /subscriptions/{s}/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions`
//   (Permissions_ListForResourceGroup) and `GET /subscriptions/{s}/resourcegroups/{rg}/providers/
//   {namespace}/{parentResourcePath}/{type}/{name}/providers/Microsoft.Authorization/permissions`
//   (Permissions_ListForResource), api-version 2022-04-01: `{value: Permission[], nextLink?}`,
//   Permission = `{actions, notActions, dataActions, notDataActions}`. Azure/azure-rest-api-specs,
//   specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/
//   authorization-RoleDefinitionsCalls.json. One entry per role assignment of the caller at the
//   scope or above it (role assignments are inherited by child scopes:
//   https://learn.microsoft.com/azure/role-based-access-control/scope-overview). Group membership
//   and deny assignments are not modelled.
// - `GET /subscriptions` (Subscriptions_List, Microsoft.Resources 2022-12-01,
//   specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json):
//   the subscriptions in which the caller holds a role assignment (at the subscription or below).
import type { EmulatorCore } from '../core.ts';
import { resourceGroupId, scopeContains } from '../ids.ts';
import { json, param, type RequestContext, type Route } from '../pipeline.ts';
import type { RoleAssignmentRecord } from '../state.ts';
import { page } from './paging.ts';
import { AUTHORIZATION_API_VERSIONS } from './role-assignments.ts';
import { BUILT_IN_ROLE_PERMISSIONS } from './role-definitions.ts';

const SUBSCRIPTIONS_API_VERSIONS = [
  '2016-06-01',
  '2019-11-01',
  '2020-01-01',
  '2021-01-01',
  '2022-12-01',
] as const;

function callerAssignments(core: EmulatorCore, ctx: RequestContext): RoleAssignmentRecord[] {
  const oid = ctx.caller?.oid.toLowerCase();
  if (!oid) return [];
  return Object.values(core.state.roleAssignments).filter((ra) => ra.principalId.toLowerCase() === oid);
}

function permissionsAt(core: EmulatorCore, ctx: RequestContext, scope: string) {
  const permissions = callerAssignments(core, ctx)
    .filter((assignment) => scopeContains(assignment.scope, scope))
    .map((assignment) => BUILT_IN_ROLE_PERMISSIONS[roleGuid(assignment.roleDefinitionId)])
    .filter((permission) => permission !== undefined);
  return json(200, page(core, ctx, permissions));
}

function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').at(-1) ?? '').toLowerCase();
}

export function permissionRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    method: 'GET',
    kind: 'read' as const,
    resourceType: 'permissions',
    apiVersions: AUTHORIZATION_API_VERSIONS,
    operation: 'Microsoft.Authorization/permissions/read',
    requiresResourceGroup: true,
  };
  return [
    {
      ...base,
      pattern:
        /^\/subscriptions\/(?<subscriptionId>[^/]+)\/resourceGroups\/(?<resourceGroup>[^/]+)\/providers\/Microsoft\.Authorization\/permissions$/i,
      handler: (ctx) =>
        permissionsAt(core, ctx, resourceGroupId(param(ctx, 'subscriptionId'), param(ctx, 'resourceGroup'))),
    },
    {
      ...base,
      // `{namespace}/{parentResourcePath}/{type}/{name}`: the SDK leaves an empty parent path as `//`,
      // which the router collapses.
      pattern:
        /^\/subscriptions\/(?<subscriptionId>[^/]+)\/resourceGroups\/(?<resourceGroup>[^/]+)\/providers\/(?<resource>(?!Microsoft\.Authorization\/permissions$).+?)\/providers\/Microsoft\.Authorization\/permissions$/i,
      handler: (ctx) => {
        const group = resourceGroupId(param(ctx, 'subscriptionId'), param(ctx, 'resourceGroup'));
        return permissionsAt(core, ctx, `${group}/providers/${param(ctx, 'resource')}`);
      },
    },
    {
      plane: 'arm',
      method: 'GET',
      kind: 'read',
      resourceType: 'subscriptions',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      operation: 'Microsoft.Resources/subscriptions/read',
      pattern: /^\/subscriptions$/i,
      handler: (ctx) => {
        const assignments = callerAssignments(core, ctx);
        // Only the subscriptions of the token's tenant: another tenant's are listed with that tenant's token.
        const tenant = ctx.caller?.tid.toLowerCase();
        const visible = core.state.subscriptionIds.filter(
          (subscriptionId) =>
            core.tenantOfSubscription(subscriptionId).toLowerCase() === tenant &&
            assignments.some((assignment) =>
              scopeContains(`/subscriptions/${subscriptionId}`, assignment.scope),
            ),
        );
        return json(
          200,
          page(
            core,
            ctx,
            visible.map((subscriptionId) => ({
              id: `/subscriptions/${subscriptionId}`,
              subscriptionId,
              tenantId: core.tenantOfSubscription(subscriptionId),
              displayName: core.subscription(subscriptionId)?.displayName ?? subscriptionId,
              state: 'Enabled',
              subscriptionPolicies: {
                locationPlacementId: 'Public_2014-09-01',
                quotaId: 'PayAsYouGo_2014-09-01',
                spendingLimit: 'Off',
              },
              authorizationSource: 'RoleBased',
            })),
          ),
        );
      },
    },
  ];
}
