// A short fingerprint of a desired workflow. The controller remembers, per workflow, what it
// last wrote, to tell drift (Azure changed) from a spec or input change; keeping the whole
// desired workflow for that held a transformed copy of every definition in memory (~5 KiB per
// workflow of the bench's sample; issue 12: RSS at 5,000 objects). Two desired workflows have
// the same digest exactly when `sameJson` says they are equal: key order and keys set to
// undefined do not count; array order does.
import { createHash } from 'node:crypto';

export function desiredDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64');
}

/** JSON with object keys sorted and undefined-valued keys left out (undefined array items kept apart from null). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
