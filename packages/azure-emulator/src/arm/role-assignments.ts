// Microsoft.Authorization/roleAssignments at any scope, api-version 2022-04-01. The scope is
// everything before `/providers/Microsoft.Authorization/roleAssignments`; the SDK inserts it
// verbatim, so `/subscriptions/...` arrives as `//subscriptions/...` (collapsed by the router).
import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors } from '../errors.ts';
import { isGuid, normalizeArmPath, scopeContains } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import type { RoleAssignmentRecord } from '../state.ts';
import { isObject, requireObjectBody } from './common.ts';
import { DATA_PLANE_ROLE_NAMES } from './data-plane-roles.ts';
import { page } from './paging.ts';

export const AUTHORIZATION_API_VERSIONS = [
  '2015-07-01',
  '2018-01-01-preview',
  '2018-09-01-preview',
  '2020-03-01-preview',
  '2020-04-01-preview',
  '2020-08-01-preview',
  '2020-10-01-preview',
  '2022-01-01-preview',
  '2022-04-01',
] as const;
const TYPE = 'Microsoft.Authorization/roleAssignments';
const PRINCIPAL_TYPES = new Set(['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device']);

/** Built-in roles the emulator knows; an unknown role definition is refused as Azure refuses it. */
export const BUILT_IN_ROLES: Record<string, string> = {
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
  '21090545-7ca7-4776-b22c-e363652d74d2': 'Key Vault Reader',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'f1a07417-d97a-45cb-824c-7a7467783830': 'Managed Identity Operator',
  '87a39d53-fc1b-424a-814c-f7e04687dc9e': 'Logic App Contributor',
  'f25e0fa2-a7c8-4377-a976-54943a77a395': 'Key Vault Contributor',
  // Data-plane roles of the managed connectors' targets (issue 24): a separate table.
  ...DATA_PLANE_ROLE_NAMES,
};

/**
 * The assignment as ARM answers it. Optional properties that are not set are left out, not sent
 * as null: RoleAssignmentProperties (authorization-RoleAssignmentsCalls.json, 2022-04-01) types
 * them as strings without x-nullable, and the spec's examples (RoleAssignments_Get.json) omit them.
 */
export function roleAssignmentBody(record: RoleAssignmentRecord) {
  return {
    properties: {
      roleDefinitionId: record.roleDefinitionId,
      principalId: record.principalId,
      principalType: record.principalType,
      scope: record.scope,
      ...(record.condition !== undefined ? { condition: record.condition } : {}),
      ...(record.conditionVersion !== undefined ? { conditionVersion: record.conditionVersion } : {}),
      createdOn: record.createdOn,
      updatedOn: record.updatedOn,
      ...(record.createdBy !== undefined ? { createdBy: record.createdBy } : {}),
      ...(record.updatedBy !== undefined ? { updatedBy: record.updatedBy } : {}),
      ...(record.delegatedManagedIdentityResourceId !== undefined
        ? { delegatedManagedIdentityResourceId: record.delegatedManagedIdentityResourceId }
        : {}),
      ...(record.description !== undefined ? { description: record.description } : {}),
    },
    id: record.id,
    type: TYPE,
    name: record.name,
  };
}

function roleGuid(roleDefinitionId: string): string | undefined {
  const match = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(
    normalizeArmPath(roleDefinitionId),
  );
  return match?.[1]?.toLowerCase();
}

function readScope(core: EmulatorCore, ctx: RequestContext): string {
  const scope = normalizeArmPath(param(ctx, 'scope'));
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (subscriptionId && !core.hasSubscription(subscriptionId))
    throw armErrors.subscriptionNotFound(subscriptionId);
  if (!subscriptionId && !/^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope)) {
    throw new ArmError(400, 'InvalidScope', `The scope '${scope}' is not a valid role-assignment scope.`);
  }
  return scope;
}

function findByName(core: EmulatorCore, name: string): RoleAssignmentRecord | undefined {
  return core.state.roleAssignments[name.toLowerCase()];
}

function putRoleAssignment(core: EmulatorCore, ctx: RequestContext) {
  const scope = readScope(core, ctx);
  const name = param(ctx, 'name');
  if (!isGuid(name)) {
    throw armErrors.badRequest(
      'InvalidRoleAssignmentId',
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const body = requireObjectBody(jsonBody(ctx));
  const properties = body.properties;
  if (!isObject(properties)) throw armErrors.invalidRequestContent("'properties' is required");
  const {
    roleDefinitionId,
    principalId,
    principalType,
    description,
    condition,
    conditionVersion,
    delegatedManagedIdentityResourceId,
  } = properties;
  if (typeof roleDefinitionId !== 'string')
    throw armErrors.invalidRequestContent("'properties.roleDefinitionId' is required");
  if (!isGuid(principalId)) {
    throw armErrors.badRequest(
      'InvalidPrincipalId',
      'A valid principal ID must be provided for role assignment.',
    );
  }
  if (
    principalType !== undefined &&
    (typeof principalType !== 'string' || !PRINCIPAL_TYPES.has(principalType))
  ) {
    throw armErrors.invalidRequestContent(`'${String(principalType)}' is not a valid principalType`);
  }
  const role = roleGuid(roleDefinitionId);
  if (!role || !BUILT_IN_ROLES[role]) {
    throw armErrors.badRequest(
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${role ?? roleDefinitionId}' does not exist.`,
    );
  }
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  const canonicalRoleId = subscriptionId
    ? `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${role}`;

  // With principalType ServicePrincipal Azure skips the directory lookup (the documented way
  // around replication lag of new identities); otherwise an unknown principal is refused. The
  // skip is no guarantee: "PrincipalNotFound can still occur for new service principals" (the
  // replicationLag fault's `evenWithPrincipalType`; Microsoft's service team on the lookup,
  // hashicorp/terraform-provider-azurerm#4168).
  const principal = core.findPrincipal(principalId);
  const lookupSkipped =
    principalType === 'ServicePrincipal' &&
    !(core.replicationLagIgnoresPrincipalType && core.hiddenByReplicationLag(principalId));
  if (!principal && !lookupSkipped) {
    if (core.hiddenByReplicationLag(principalId)) {
      core.telemetry.recordFault({ fault: 'replicationLag', refused: 'principalNotFound' });
    }
    throw armErrors.badRequest(
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${core.state.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  const effectiveType =
    (principalType as RoleAssignmentRecord['principalType'] | undefined) ??
    principal?.principalType ??
    'User';

  const existing = findByName(core, name);
  if (existing) {
    const same =
      existing.scope.toLowerCase() === scope.toLowerCase() &&
      existing.principalId.toLowerCase() === principalId.toLowerCase() &&
      roleGuid(existing.roleDefinitionId) === role;
    if (!same) {
      throw armErrors.badRequest(
        'RoleAssignmentUpdateNotPermitted',
        'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
      );
    }
  } else {
    const duplicate = Object.values(core.state.roleAssignments).find(
      (ra) =>
        ra.scope.toLowerCase() === scope.toLowerCase() &&
        ra.principalId.toLowerCase() === principalId.toLowerCase() &&
        roleGuid(ra.roleDefinitionId) === role,
    );
    if (duplicate) throw new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    const inSubscription = Object.values(core.state.roleAssignments).filter((ra) =>
      subscriptionId
        ? ra.scope.toLowerCase().startsWith(`/subscriptions/${subscriptionId.toLowerCase()}`)
        : false,
    ).length;
    if (subscriptionId && inSubscription >= core.config.limits.roleAssignmentsPerSubscription) {
      throw armErrors.badRequest(
        'RoleAssignmentLimitExceeded',
        `No more role assignments can be created in subscription '${subscriptionId}'. The limit is ${core.config.limits.roleAssignmentsPerSubscription}.`,
      );
    }
  }
  const now = core.nowIso();
  const record: RoleAssignmentRecord = {
    id: `${scope}/providers/${TYPE}/${name}`,
    name,
    scope,
    roleDefinitionId: canonicalRoleId,
    principalId,
    principalType: effectiveType,
    ...(typeof description === 'string' ? { description } : {}),
    ...(typeof condition === 'string' ? { condition } : {}),
    ...(typeof conditionVersion === 'string' ? { conditionVersion } : {}),
    ...(typeof delegatedManagedIdentityResourceId === 'string' ? { delegatedManagedIdentityResourceId } : {}),
    createdOn: existing?.createdOn ?? now,
    updatedOn: now,
    ...((existing?.createdBy ?? ctx.caller?.oid)
      ? { createdBy: existing?.createdBy ?? ctx.caller?.oid }
      : {}),
    ...(ctx.caller?.oid ? { updatedBy: ctx.caller.oid } : {}),
  };
  core.state.roleAssignments[name.toLowerCase()] = record;
  return json(existing ? 200 : 201, roleAssignmentBody(record));
}

/** The one assignment named at this scope (a name at another scope is "not found" here). */
function atScope(core: EmulatorCore, ctx: RequestContext): RoleAssignmentRecord | undefined {
  const scope = readScope(core, ctx);
  const record = findByName(core, param(ctx, 'name'));
  return record && record.scope.toLowerCase() === scope.toLowerCase() ? record : undefined;
}

type Filter = { atScopeOnly: boolean; principalId?: string };

function parseFilter(filter: string | null): Filter {
  if (!filter) return { atScopeOnly: false };
  const result: Filter = { atScopeOnly: false };
  for (const clause of filter.split(/\s+and\s+/i)) {
    const trimmed = clause.trim();
    if (/^atScope\(\)$/i.test(trimmed)) {
      result.atScopeOnly = true;
      continue;
    }
    const principal = /^(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))$/i.exec(trimmed);
    if (principal) {
      result.principalId = (principal[1] ?? principal[2])!.toLowerCase();
      continue;
    }
    throw new ArmError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`);
  }
  return result;
}

function listRoleAssignments(core: EmulatorCore, ctx: RequestContext) {
  const scope = readScope(core, ctx);
  const filter = parseFilter(ctx.query.get('$filter'));
  const records = Object.values(core.state.roleAssignments).filter((ra) => {
    if (filter.principalId && ra.principalId.toLowerCase() !== filter.principalId) return false;
    const above = scopeContains(ra.scope, scope); // at or above the requested scope
    if (filter.atScopeOnly) return above;
    return above || scopeContains(scope, ra.scope); // without atScope(): below as well
  });
  return json(200, page(core, ctx, records.map(roleAssignmentBody)));
}

export function roleAssignmentRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    resourceType: 'roleAssignments',
    apiVersions: AUTHORIZATION_API_VERSIONS,
  };
  const one = /^(?<scope>\/.+?)\/providers\/Microsoft\.Authorization\/roleAssignments\/(?<name>[^/]+)$/i;
  const list = /^(?<scope>\/.+?)\/providers\/Microsoft\.Authorization\/roleAssignments$/i;
  return [
    {
      ...base,
      method: 'GET',
      pattern: one,
      operation: 'Microsoft.Authorization/roleAssignments/read',
      kind: 'read',
      handler: (ctx) => {
        const record = atScope(core, ctx);
        if (!record) {
          throw new ArmError(
            404,
            'RoleAssignmentNotFound',
            `The role assignment '${param(ctx, 'name')}' is not found.`,
          );
        }
        return json(200, roleAssignmentBody(record));
      },
    },
    {
      ...base,
      method: 'PUT',
      pattern: one,
      operation: 'Microsoft.Authorization/roleAssignments/write',
      kind: 'write',
      handler: (ctx) => putRoleAssignment(core, ctx),
    },
    {
      ...base,
      method: 'DELETE',
      pattern: one,
      operation: 'Microsoft.Authorization/roleAssignments/delete',
      kind: 'delete',
      handler: (ctx) => {
        const record = atScope(core, ctx);
        // 204: "already deleted or does not exist".
        if (!record) return { status: 204 };
        delete core.state.roleAssignments[record.name.toLowerCase()];
        return json(200, roleAssignmentBody(record));
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: list,
      operation: 'Microsoft.Authorization/roleAssignments/read',
      kind: 'read',
      handler: (ctx) => listRoleAssignments(core, ctx),
    },
  ];
}
