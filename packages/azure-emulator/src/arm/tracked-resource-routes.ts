// The routes a tracked resource type's provider shares with every other: GET, PUT and DELETE of
// `/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{name}`, and its lists by resource
// group and by subscription. The operation names are `{type}/read|write|delete`, the names Azure
// RBAC authorizes. What differs between types (how a body is read, what a PUT checks) stays with
// each provider.
import type { EmulatorCore } from '../core.ts';
import { armKey } from '../ids.ts';
import { type EmulatorResponse, type Handler, param, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import { requestedResourceId } from './common.ts';
import { pageInScope } from './paging.ts';

export interface TrackedResourceType<T extends { id: string }> {
  /** `Microsoft.Web/connections`: the path under `providers/`, and the operations' prefix. */
  type: string;
  /** The resource type api-version errors name, e.g. `connections`. */
  resourceType: string;
  apiVersions: readonly string[];
  /** Read at each request: the emulator's state is replaced on reset. */
  records: () => Record<string, T>;
}

/**
 * ARM's DELETE answer: 200 when the resource was there and `remove` took it (by default the
 * record alone), 204 when there was nothing to delete.
 */
export function deleteAnswer<T>(
  records: Record<string, T>,
  key: string,
  remove: (record: T, key: string) => void = () => {
    delete records[key];
  },
): EmulatorResponse {
  const record = records[key];
  if (!record) return { status: 204 };
  remove(record, key);
  return { status: 200 };
}

export function trackedResourceRoutes<T extends { id: string }>(
  core: EmulatorCore,
  spec: TrackedResourceType<T>,
) {
  const base = {
    plane: 'arm' as const,
    resourceType: spec.resourceType,
    apiVersions: spec.apiVersions,
    requiresResourceGroup: true,
  };
  const inGroup = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${spec.type}`;
  const one = pathPattern(`${inGroup}/{name}`);
  // Each kind of request is authorized as the operation of the same name: `{type}/read` and so on.
  const route = (
    method: string,
    pattern: RegExp,
    kind: 'read' | 'write' | 'delete',
    handler: Handler,
  ): Route => ({ ...base, method, pattern, operation: `${spec.type}/${kind}`, kind, handler });
  return {
    /** For the provider's other routes under the same type. */
    base,
    get: (handler: Handler) => route('GET', one, 'read', handler),
    put: (handler: Handler) => route('PUT', one, 'write', handler),
    /** `remove` takes what goes with the record too (its principal, its runs). */
    delete: (remove?: (record: T, key: string) => void) =>
      route('DELETE', one, 'delete', (ctx) =>
        deleteAnswer(spec.records(), armKey(requestedResourceId(ctx, spec.type)), remove),
      ),
    listByResourceGroup: (toBody: (record: T) => unknown) =>
      route('GET', pathPattern(inGroup), 'read', (ctx) =>
        pageInScope(core, ctx, spec.records(), toBody, param(ctx, 'resourceGroup')),
      ),
    listBySubscription: (toBody: (record: T) => unknown): Route => ({
      ...route('GET', pathPattern(`/subscriptions/{subscriptionId}/providers/${spec.type}`), 'read', (ctx) =>
        pageInScope(core, ctx, spec.records(), toBody),
      ),
      requiresResourceGroup: false,
    }),
  };
}
