// Microsoft.ManagedIdentity/userAssignedIdentities, api-version 2024-11-30 (arm-msi 2.2.0).
// Each identity is a service principal in the directory; deleting it removes the principal.
import type { EmulatorCore } from '../core.ts';
import { armKey, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type Route } from '../pipeline.ts';
import type { UserAssignedIdentityRecord } from '../state.ts';
import { findRequested, normalizeLocation, readTags, requireLocation, requireObjectBody } from './common.ts';
import { trackedResourceRoutes } from './tracked-resource-routes.ts';

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

export function identityRoutes(core: EmulatorCore): Route[] {
  const identities = trackedResourceRoutes(core, {
    type: TYPE,
    resourceType: 'userAssignedIdentities',
    apiVersions: MSI_API_VERSIONS,
    records: () => core.state.userAssignedIdentities,
  });
  return [
    identities.get((ctx) =>
      json(200, identityBody(findRequested(core.state.userAssignedIdentities, ctx, TYPE))),
    ),
    identities.put((ctx) => {
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
    }),
    identities.delete((record, key) => {
      core.deletePrincipal(record.principalId);
      delete core.state.userAssignedIdentities[key];
    }),
    identities.listByResourceGroup(identityBody),
    identities.listBySubscription(identityBody),
  ];
}
