// How large and how deep a workflow's definition and parameters may be: part of the API, since
// a workflow over them is refused (Stalled InvalidSpec), though the API server cannot check
// them (the fields are free-form JSON). Why these numbers, and Azure's own limits they stay at
// or below: src/controllers/logic-app-workflow/spec-limits.ts.

export interface JsonLimits {
  /** UTF-8 bytes of the JSON (compact for an inline field; as written for a ConfigMap value). */
  bytes: number;
  /** Objects, arrays, strings, numbers, booleans and nulls; object keys not counted. */
  values: number;
  /** Nesting of objects and arrays. */
  depth: number;
}

export const DEFINITION_LIMITS: Readonly<JsonLimits> = { bytes: 256 * 1024, values: 10_000, depth: 64 };
export const PARAMETERS_LIMITS: Readonly<JsonLimits> = { bytes: 64 * 1024, values: 2_500, depth: 64 };

/** "256 KiB of JSON, 10,000 values, 64 levels deep", for descriptions and docs. */
export function describeLimits(limits: Readonly<JsonLimits>): string {
  return `${limits.bytes / 1024} KiB of JSON, ${limits.values.toLocaleString('en-US')} values, ${limits.depth} levels deep`;
}
