// Microsoft.ServiceBus/namespaces and namespaces/queues (control plane): just enough for a test
// to make the queue a workflow's managed connector reads, and the scope a role assignment
// targets. Shapes after azure-rest-api-specs specification/servicebus/resource-manager/
// Microsoft.ServiceBus (SBNamespace, SBQueue). Deviations (README, "Service Bus"): a namespace
// PUT answers 200 Succeeded at once (Azure provisions it as a long-running operation); the
// namespace name must be unique across the emulator, as it is a DNS name in Azure; only the
// queue properties the data plane uses are modelled.
import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors } from '../errors.ts';
import { armKey, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import { serviceBusHost } from '../servicebus/addressing.ts';
import type { ServiceBusNamespaceRecord, ServiceBusQueueRecord } from '../state.ts';
import {
  findRequested,
  isObject,
  normalizeLocation,
  readTags,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import { page } from './paging.ts';
import { deleteAnswer, trackedResourceRoutes } from './tracked-resource-routes.ts';

export const SERVICE_BUS_API_VERSIONS = [
  '2021-11-01',
  '2022-01-01-preview',
  '2022-10-01-preview',
  '2024-01-01',
];
const TYPE = 'Microsoft.ServiceBus/namespaces';
const NAMESPACES =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ServiceBus/namespaces';
const SKUS = new Set(['basic', 'standard', 'premium']);
const NAMESPACE_NAME = /^[a-z][a-z0-9-]{4,48}[a-z0-9]$/i;

export function findNamespaceByName(core: EmulatorCore, name: string): ServiceBusNamespaceRecord | undefined {
  return Object.values(core.state.serviceBusNamespaces).find(
    (ns) => ns.name.toLowerCase() === name.toLowerCase(),
  );
}

function namespaceBody(record: ServiceBusNamespaceRecord) {
  const subscriptionId = record.id.split('/')[2] ?? '';
  return {
    id: record.id,
    name: record.name,
    type: 'Microsoft.ServiceBus/Namespaces',
    location: record.location,
    tags: record.tags,
    sku: record.sku,
    properties: {
      provisioningState: 'Succeeded',
      status: 'Active',
      serviceBusEndpoint: `https://${serviceBusHost(record.name)}:443/`,
      metricId: `${subscriptionId}:${record.name.toLowerCase()}`,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      disableLocalAuth: false,
    },
  };
}

/** `PT1M`, `PT30S`, `PT5M30S` → seconds; undefined for anything else. */
function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(value);
  if (!match || value.length <= 2) return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

function isoDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `PT${minutes > 0 ? `${minutes}M` : ''}${rest > 0 || minutes === 0 ? `${rest}S` : ''}`;
}

export function queueBody(namespace: ServiceBusNamespaceRecord, queue: ServiceBusQueueRecord) {
  const active = queue.messages.length;
  return {
    id: queue.id,
    name: queue.name,
    type: 'Microsoft.ServiceBus/Namespaces/Queues',
    location: namespace.location,
    properties: {
      lockDuration: isoDuration(queue.lockDurationSeconds),
      maxDeliveryCount: queue.maxDeliveryCount,
      maxSizeInMegabytes: 1024,
      requiresSession: false,
      requiresDuplicateDetection: false,
      deadLetteringOnMessageExpiration: false,
      enablePartitioning: false,
      status: 'Active',
      messageCount: active,
      countDetails: {
        activeMessageCount: active,
        deadLetterMessageCount: 0,
        scheduledMessageCount: 0,
        transferMessageCount: 0,
        transferDeadLetterMessageCount: 0,
      },
      createdAt: queue.createdAt,
      updatedAt: queue.updatedAt,
    },
  };
}

function putNamespace(
  core: EmulatorCore,
  ctx: RequestContext,
): { record: ServiceBusNamespaceRecord; created: boolean } {
  const name = param(ctx, 'name');
  if (!NAMESPACE_NAME.test(name)) {
    throw armErrors.badRequest(
      'InvalidNamespaceName',
      `The namespace name '${name}' is invalid: use 6-50 letters, digits and hyphens, starting with a letter and ending with a letter or digit.`,
    );
  }
  const id = providerResourceId(param(ctx, 'subscriptionId'), param(ctx, 'resourceGroup'), TYPE, name);
  const existing = core.state.serviceBusNamespaces[armKey(id)];
  const sameName = findNamespaceByName(core, name);
  if (!existing && sameName) {
    throw new ArmError(
      409,
      'Conflict',
      `The namespace name '${name}' is already in use (namespace names are global DNS names). Choose another name.`,
    );
  }
  const body = requireObjectBody(jsonBody(ctx));
  const location = normalizeLocation(requireLocation(body));
  const skuName = isObject(body.sku) && typeof body.sku.name === 'string' ? body.sku.name : 'Standard';
  if (!SKUS.has(skuName.toLowerCase())) {
    throw armErrors.badRequest(
      'InvalidSku',
      `'sku.name' must be Basic, Standard or Premium, not '${skuName}'.`,
    );
  }
  const tier = skuName[0]!.toUpperCase() + skuName.slice(1).toLowerCase();
  const now = core.nowIso();
  const record: ServiceBusNamespaceRecord = {
    id,
    name,
    resourceGroup: param(ctx, 'resourceGroup'),
    location,
    tags: readTags(body),
    sku: { name: tier, tier },
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    queues: existing?.queues ?? {},
  };
  core.state.serviceBusNamespaces[armKey(id)] = record;
  return { record, created: !existing };
}

function findQueue(namespace: ServiceBusNamespaceRecord, ctx: RequestContext): ServiceBusQueueRecord {
  const queue = namespace.queues[param(ctx, 'queue').toLowerCase()];
  if (!queue)
    throw armErrors.resourceNotFound(
      `${TYPE}/queues`,
      `${namespace.name}/${param(ctx, 'queue')}`,
      namespace.resourceGroup,
    );
  return queue;
}

function putQueue(
  core: EmulatorCore,
  ctx: RequestContext,
): { record: ServiceBusQueueRecord; created: boolean } {
  const namespace = findRequested(core.state.serviceBusNamespaces, ctx, TYPE);
  const name = param(ctx, 'queue');
  const body = jsonBody(ctx);
  const properties = isObject(body) && isObject(body.properties) ? body.properties : {};
  const existing = namespace.queues[name.toLowerCase()];
  const lockDurationSeconds =
    properties.lockDuration === undefined
      ? (existing?.lockDurationSeconds ?? 60)
      : durationSeconds(properties.lockDuration);
  if (lockDurationSeconds === undefined || lockDurationSeconds < 5 || lockDurationSeconds > 300) {
    throw armErrors.badRequest(
      'InvalidLockDuration',
      `'properties.lockDuration' must be an ISO 8601 duration between PT5S and PT5M, not '${String(properties.lockDuration)}'.`,
    );
  }
  const maxDeliveryCount =
    typeof properties.maxDeliveryCount === 'number'
      ? properties.maxDeliveryCount
      : (existing?.maxDeliveryCount ?? 10);
  const now = core.nowIso();
  const record: ServiceBusQueueRecord = {
    id: `${namespace.id}/queues/${name}`,
    name,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    lockDurationSeconds,
    maxDeliveryCount,
    nextSequenceNumber: existing?.nextSequenceNumber ?? 1,
    messages: existing?.messages ?? [],
  };
  namespace.queues[name.toLowerCase()] = record;
  namespace.updatedAt = now;
  return { record, created: !existing };
}

export function serviceBusRoutes(core: EmulatorCore): Route[] {
  const namespaces = trackedResourceRoutes(core, {
    type: TYPE,
    resourceType: 'namespaces',
    apiVersions: SERVICE_BUS_API_VERSIONS,
    records: () => core.state.serviceBusNamespaces,
  });
  const queues = { ...namespaces.base, resourceType: 'namespaces/queues' };
  const queue = pathPattern(`${NAMESPACES}/{name}/queues/{queue}`);
  return [
    namespaces.get((ctx) =>
      json(200, namespaceBody(findRequested(core.state.serviceBusNamespaces, ctx, TYPE))),
    ),
    namespaces.put((ctx) => {
      const { record, created } = putNamespace(core, ctx);
      return json(created ? 201 : 200, namespaceBody(record));
    }),
    namespaces.delete(),
    namespaces.listByResourceGroup(namespaceBody),
    {
      ...queues,
      method: 'GET',
      pattern: queue,
      operation: 'Microsoft.ServiceBus/namespaces/queues/read',
      kind: 'read',
      handler: (ctx) => {
        const namespace = findRequested(core.state.serviceBusNamespaces, ctx, TYPE);
        return json(200, queueBody(namespace, findQueue(namespace, ctx)));
      },
    },
    {
      ...queues,
      method: 'PUT',
      pattern: queue,
      operation: 'Microsoft.ServiceBus/namespaces/queues/write',
      kind: 'write',
      handler: (ctx) => {
        const { record } = putQueue(core, ctx);
        const namespace = findRequested(core.state.serviceBusNamespaces, ctx, TYPE);
        return json(200, queueBody(namespace, record));
      },
    },
    {
      ...queues,
      method: 'DELETE',
      pattern: queue,
      operation: 'Microsoft.ServiceBus/namespaces/queues/delete',
      kind: 'delete',
      handler: (ctx) => {
        const namespace = findRequested(core.state.serviceBusNamespaces, ctx, TYPE);
        return deleteAnswer(namespace.queues, param(ctx, 'queue').toLowerCase());
      },
    },
    {
      ...queues,
      method: 'GET',
      pattern: pathPattern(`${NAMESPACES}/{name}/queues`),
      operation: 'Microsoft.ServiceBus/namespaces/queues/read',
      kind: 'read',
      handler: (ctx) => {
        const namespace = findRequested(core.state.serviceBusNamespaces, ctx, TYPE);
        return json(
          200,
          page(
            core,
            ctx,
            Object.values(namespace.queues).map((q) => queueBody(namespace, q)),
          ),
        );
      },
    },
  ];
}
