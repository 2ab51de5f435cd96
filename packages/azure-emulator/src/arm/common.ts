// Small helpers shared by the resource providers: body validation and tag handling.

import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors } from '../errors.ts';
import { armKey, providerResourceId, resourceGroupId } from '../ids.ts';
import { param, type RequestContext } from '../pipeline.ts';
import type { ResourceGroupRecord } from '../state.ts';
import { checkTagLimits } from './tags.ts';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body of a PUT: must be a JSON object. */
export function requireObjectBody(body: unknown): Json {
  if (!isObject(body)) throw armErrors.invalidRequestContent('The request body must be a JSON object');
  return body;
}

export function requireLocation(body: Json): string {
  if (typeof body.location !== 'string' || body.location.trim() === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  return body.location;
}

/** The `tags` of a write, within ARM's tag limits (tags.ts) on every resource type. */
export function readTags(body: Json): Record<string, string> {
  if (body.tags === undefined || body.tags === null) return {};
  if (!isObject(body.tags) || !Object.values(body.tags).every((v) => typeof v === 'string')) {
    throw armErrors.badRequest('InvalidTag', 'Tags must be a map of string names to string values.');
  }
  const tags = { ...(body.tags as Record<string, string>) };
  checkTagLimits(tags);
  return tags;
}

/** Azure normalises locations to lower case without spaces ("West Europe" → "westeurope"). */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

export function findResourceGroup(
  core: EmulatorCore,
  subscriptionId: string,
  resourceGroup: string,
): ResourceGroupRecord | undefined {
  return core.state.resourceGroups[armKey(resourceGroupId(subscriptionId, resourceGroup))];
}

/** Records of a type in one resource group (or the whole subscription), in creation order. */
export function inScope<T extends { id: string }>(
  records: Record<string, T>,
  subscriptionId: string,
  resourceGroup?: string,
): T[] {
  const prefix = resourceGroup
    ? `${armKey(resourceGroupId(subscriptionId, resourceGroup))}/`
    : `${armKey(`/subscriptions/${subscriptionId}`)}/`;
  return Object.values(records).filter((record) => armKey(record.id).startsWith(prefix));
}

/** The ARM id a request names: `/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{name}`. */
export function requestedResourceId(ctx: RequestContext, type: string): string {
  return providerResourceId(
    param(ctx, 'subscriptionId'),
    param(ctx, 'resourceGroup'),
    type,
    param(ctx, 'name'),
  );
}

/** The record a request names, or ARM's own ResourceNotFound. */
export function findRequested<T>(records: Record<string, T>, ctx: RequestContext, type: string): T {
  const record = records[armKey(requestedResourceId(ctx, type))];
  if (!record) throw armErrors.resourceNotFound(type, param(ctx, 'name'), param(ctx, 'resourceGroup'));
  return record;
}
