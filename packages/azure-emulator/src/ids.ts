// ARM ids and GUIDs. ARM ids are case-insensitive, so records are keyed by a normalised
// (lower-case, single-slash) form while the casing the caller sent is kept for display.
import { randomUUID } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

export function newGuid(): string {
  return randomUUID();
}

/** Collapses repeated slashes, drops a trailing slash and guarantees a leading one. */
export function normalizeArmPath(path: string): string {
  const collapsed = `/${path}`.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** The key a resource is stored under: ids that differ only in case or slashes are the same resource. */
export function armKey(id: string): string {
  return normalizeArmPath(id).toLowerCase();
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function providerResourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  name: string,
): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${type}/${name}`;
}

export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. `Microsoft.ManagedIdentity/userAssignedIdentities` */
  type: string;
  name: string;
}

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`; undefined when it is not one. */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(
      normalizeArmPath(id),
    );
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, namespace, type, name] = match as unknown as string[];
  return {
    subscriptionId: subscriptionId!,
    resourceGroup: resourceGroup!,
    type: `${namespace}/${type}`,
    name: name!,
  };
}

/** True when `inner` is `outer` or lies below it (segment-wise, case-insensitive). */
export function scopeContains(outer: string, inner: string): boolean {
  const o = armKey(outer);
  const i = armKey(inner);
  if (o === '/') return true;
  return i === o || i.startsWith(`${o}/`);
}
