// RFC 7386 JSON merge patch, computed as the difference between two JSON values, so a
// status write sends only what changed (and nothing at all when nothing did).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
    const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
    return keysA.length === keysB.length && keysA.every((key) => jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * The merge patch that turns `before` into `after`, or undefined when they are equal. Removed
 * keys become null; arrays are replaced whole (merge patch cannot address array items).
 */
export function mergePatchBetween(before: unknown, after: unknown): Json | undefined {
  if (jsonEqual(before, after)) return undefined;
  if (!isPlainObject(before) || !isPlainObject(after)) return (after ?? null) as Json;
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && after[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const change = mergePatchBetween(before[key], value);
    if (change !== undefined) patch[key] = change;
  }
  return patch;
}
