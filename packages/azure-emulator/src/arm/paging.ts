// ARM list responses: `{ value, nextLink? }`, where nextLink is an absolute URL back to the
// emulator (the SDKs follow it as given).
import type { EmulatorCore } from '../core.ts';
import { type EmulatorResponse, json, param, type RequestContext } from '../pipeline.ts';
import { inScope } from './common.ts';

export function page<T>(
  core: EmulatorCore,
  ctx: RequestContext,
  items: T[],
): { value: T[]; nextLink?: string } {
  const offset = Math.max(
    0,
    Number.parseInt(ctx.query.get('$skiptoken') ?? ctx.query.get('$skipToken') ?? '0', 10) || 0,
  );
  const top = Number.parseInt(ctx.query.get('$top') ?? '', 10);
  const limit = Number.isFinite(top) && top > 0 ? Math.min(top, items.length) : items.length;
  const end = Math.min(limit, offset + core.config.pageSize);
  const value = items.slice(offset, end);
  if (end >= limit) return { value };
  const query = new URLSearchParams(ctx.query);
  query.delete('$skipToken');
  query.set('$skiptoken', String(end));
  return { value, nextLink: `${ctx.baseUrl}${encodeURI(ctx.path)}?${query.toString()}` };
}

/** The list response of a type's records in one resource group, or the whole subscription when none is named. */
export function pageInScope<T extends { id: string }>(
  core: EmulatorCore,
  ctx: RequestContext,
  records: Record<string, T>,
  toBody: (record: T) => unknown,
  resourceGroup?: string,
): EmulatorResponse {
  return json(
    200,
    page(core, ctx, inScope(records, param(ctx, 'subscriptionId'), resourceGroup).map(toBody)),
  );
}
