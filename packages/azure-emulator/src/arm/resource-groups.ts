// Microsoft.Resources/resourceGroups: GET/PUT/DELETE/HEAD and list. Deleting a group deletes
// what is in it (workflows and their system-assigned identities, vaults, identities).
import type { EmulatorCore } from '../core.ts';
import { armErrors } from '../errors.ts';
import { armKey, resourceGroupId } from '../ids.ts';
import { json, jsonBody, param, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { ResourceGroupRecord } from '../state.ts';
import {
  findResourceGroup,
  inScope,
  normalizeLocation,
  readTags,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import { pageInScope } from './paging.ts';
import { deleteWorkflowRecord } from './workflows.ts';

/** Microsoft.Resources accepts many versions; the SDKs send 2021-04-01 or later. */
export const RESOURCES_API_VERSIONS = [
  '2015-11-01',
  '2016-09-01',
  '2018-05-01',
  '2019-10-01',
  '2020-06-01',
  '2021-04-01',
  '2022-09-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-04-01',
] as const;

const GROUP = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}';

export function resourceGroupBody(record: ResourceGroupRecord) {
  return {
    id: record.id,
    name: record.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: record.location,
    tags: record.tags,
    properties: { provisioningState: 'Succeeded' },
  };
}

export function createResourceGroup(
  core: EmulatorCore,
  subscriptionId: string,
  name: string,
  location: string,
  tags: Record<string, string> = {},
): { record: ResourceGroupRecord; created: boolean } {
  const id = resourceGroupId(subscriptionId, name);
  const existing = core.state.resourceGroups[armKey(id)];
  if (existing) {
    existing.tags = tags;
    return { record: existing, created: false };
  }
  const record: ResourceGroupRecord = { id, name, location: normalizeLocation(location), tags };
  core.state.resourceGroups[armKey(id)] = record;
  return { record, created: true };
}

export function deleteResourceGroup(core: EmulatorCore, subscriptionId: string, name: string): void {
  const { state } = core;
  for (const workflow of inScope(state.workflows, subscriptionId, name)) deleteWorkflowRecord(core, workflow);
  for (const vault of inScope(state.vaults, subscriptionId, name)) delete state.vaults[armKey(vault.id)];
  for (const identity of inScope(state.userAssignedIdentities, subscriptionId, name)) {
    core.deletePrincipal(identity.principalId);
    delete state.userAssignedIdentities[armKey(identity.id)];
  }
  delete state.resourceGroups[armKey(resourceGroupId(subscriptionId, name))];
}

export function resourceGroupRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    resourceType: 'resourceGroups',
    apiVersions: RESOURCES_API_VERSIONS,
  };
  return [
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(GROUP),
      operation: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      kind: 'read',
      handler: (ctx) => {
        const record = findResourceGroup(core, param(ctx, 'subscriptionId'), param(ctx, 'resourceGroup'));
        if (!record) throw armErrors.resourceGroupNotFound(param(ctx, 'resourceGroup'));
        return json(200, resourceGroupBody(record));
      },
    },
    {
      ...base,
      method: 'HEAD',
      pattern: pathPattern(GROUP),
      operation: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      kind: 'read',
      handler: (ctx) => {
        const record = findResourceGroup(core, param(ctx, 'subscriptionId'), param(ctx, 'resourceGroup'));
        return { status: record ? 204 : 404 };
      },
    },
    {
      ...base,
      method: 'PUT',
      pattern: pathPattern(GROUP),
      operation: 'Microsoft.Resources/subscriptions/resourceGroups/write',
      kind: 'write',
      handler: (ctx) => {
        const body = requireObjectBody(jsonBody(ctx));
        const location = requireLocation(body);
        const { record, created } = createResourceGroup(
          core,
          param(ctx, 'subscriptionId'),
          param(ctx, 'resourceGroup'),
          location,
          readTags(body),
        );
        return json(created ? 201 : 200, resourceGroupBody(record));
      },
    },
    {
      ...base,
      method: 'DELETE',
      pattern: pathPattern(GROUP),
      operation: 'Microsoft.Resources/subscriptions/resourceGroups/delete',
      kind: 'delete',
      handler: (ctx) => {
        const subscriptionId = param(ctx, 'subscriptionId');
        const name = param(ctx, 'resourceGroup');
        if (!findResourceGroup(core, subscriptionId, name)) throw armErrors.resourceGroupNotFound(name);
        deleteResourceGroup(core, subscriptionId, name);
        // Real ARM deletes groups asynchronously (202 + Location). The work is already done here,
        // so the operation-result URL answers 200 at once.
        const apiVersion = ctx.query.get('api-version') ?? '2021-04-01';
        return {
          status: 202,
          headers: {
            location: `${ctx.baseUrl}/subscriptions/${subscriptionId}/operationresults/${Buffer.from(`rg-delete:${name}`).toString('base64url')}?api-version=${apiVersion}`,
            'retry-after': '0',
          },
        };
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern('/subscriptions/{subscriptionId}/operationresults/{operationId}'),
      operation: 'Microsoft.Resources/subscriptions/operationresults/read',
      kind: 'read',
      handler: () => ({ status: 200 }),
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern('/subscriptions/{subscriptionId}/resourceGroups'),
      operation: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      kind: 'read',
      handler: (ctx) => pageInScope(core, ctx, core.state.resourceGroups, resourceGroupBody),
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern('/subscriptions/{subscriptionId}'),
      operation: 'Microsoft.Resources/subscriptions/read',
      kind: 'read',
      handler: (ctx) =>
        json(200, {
          id: `/subscriptions/${param(ctx, 'subscriptionId')}`,
          subscriptionId: param(ctx, 'subscriptionId'),
          tenantId: core.tenantOfSubscription(param(ctx, 'subscriptionId')),
          displayName: 'logicops emulator subscription',
          state: 'Enabled',
        }),
    },
  ];
}
