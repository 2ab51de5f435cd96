// Microsoft.ManagedIdentity/userAssignedIdentities, api-version 2024-11-30 (arm-msi 2.2.0).
// Each identity is a service principal in the directory; deleting it removes the principal.
import type { EmulatorCore } from '../core.ts';
import { armErrors } from '../errors.ts';
import { armKey, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { UserAssignedIdentityRecord } from '../state.ts';
import {
  inScope,
  normalizeLocation,
  readTags,
  requestedResourceId,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import { page } from './paging.ts';

export const MSI_API_VERSIONS = [
  '2018-11-30',
  '2021-09-30-preview',
  '2022-01-31-preview',
  '2023-01-31',
  '2023-07-31-preview',
  '2024-11-30',
  '2025-01-31-preview',
  '2026-04-30',
  '2026-05-31',
] as const;
const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const PREFIX =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities';

export function identityBody(record: UserAssignedIdentityRecord) {
  return {
    id: record.id,
    name: record.name,
    type: TYPE,
    location: record.location,
    tags: record.tags,
    properties: {
      tenantId: record.tenantId,
      principalId: record.principalId,
      clientId: record.clientId,
      isolationScope: 'None',
    },
  };
}

export function putUserAssignedIdentity(
  core: EmulatorCore,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  location: string,
  tags: Record<string, string>,
  /** Seeds may fix the principal's ids, so that seeded grants can name it. */
  ids: { objectId?: string; clientId?: string } = {},
): { record: UserAssignedIdentityRecord; created: boolean } {
  const id = providerResourceId(subscriptionId, resourceGroup, TYPE, name);
  const existing = core.state.userAssignedIdentities[armKey(id)];
  if (existing) {
    existing.tags = tags;
    return { record: existing, created: false };
  }
  const principal = core.createManagedPrincipal('UserAssigned', id, name, ids);
  const record: UserAssignedIdentityRecord = {
    id,
    name,
    resourceGroup,
    location: normalizeLocation(location),
    tags,
    principalId: principal.objectId,
    clientId: principal.clientId!,
    tenantId: core.tenantOfPrincipal(principal),
  };
  core.state.userAssignedIdentities[armKey(id)] = record;
  return { record, created: true };
}

function identityId(ctx: RequestContext): string {
  return requestedResourceId(ctx, TYPE);
}

export function identityRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    resourceType: 'userAssignedIdentities',
    apiVersions: MSI_API_VERSIONS,
    requiresResourceGroup: true,
  };
  return [
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(`${PREFIX}/{name}`),
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      kind: 'read',
      handler: (ctx) => {
        const record = core.state.userAssignedIdentities[armKey(identityId(ctx))];
        if (!record) throw armErrors.resourceNotFound(TYPE, param(ctx, 'name'), param(ctx, 'resourceGroup'));
        return json(200, identityBody(record));
      },
    },
    {
      ...base,
      method: 'PUT',
      pattern: pathPattern(`${PREFIX}/{name}`),
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      kind: 'write',
      handler: (ctx) => {
        const body = requireObjectBody(jsonBody(ctx));
        const { record, created } = putUserAssignedIdentity(
          core,
          param(ctx, 'subscriptionId'),
          param(ctx, 'resourceGroup'),
          param(ctx, 'name'),
          requireLocation(body),
          readTags(body),
        );
        return json(created ? 201 : 200, identityBody(record));
      },
    },
    {
      ...base,
      method: 'DELETE',
      pattern: pathPattern(`${PREFIX}/{name}`),
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
      kind: 'delete',
      handler: (ctx) => {
        const key = armKey(identityId(ctx));
        const record = core.state.userAssignedIdentities[key];
        if (!record) return { status: 204 };
        core.deletePrincipal(record.principalId);
        delete core.state.userAssignedIdentities[key];
        return { status: 200 };
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(PREFIX),
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      kind: 'read',
      handler: (ctx) =>
        json(
          200,
          page(
            core,
            ctx,
            inScope(
              core.state.userAssignedIdentities,
              param(ctx, 'subscriptionId'),
              param(ctx, 'resourceGroup'),
            ).map(identityBody),
          ),
        ),
    },
    {
      ...base,
      requiresResourceGroup: false,
      method: 'GET',
      pattern: pathPattern(
        '/subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities',
      ),
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      kind: 'read',
      handler: (ctx) =>
        json(
          200,
          page(
            core,
            ctx,
            inScope(core.state.userAssignedIdentities, param(ctx, 'subscriptionId')).map(identityBody),
          ),
        ),
    },
  ];
}
