// Small constructors for schema nodes, so the per-kind schemas read like a list of fields
// rather than a wall of JSON. Each one returns a plain JsonSchema.
import type { CelRule, JsonSchema } from './json-schema.ts';

type Extra = Omit<JsonSchema, 'type' | 'description' | 'properties'>;

export function string(description: string, extra: Extra = {}): JsonSchema {
  return { type: 'string', description, ...extra };
}

export function enumOf(description: string, values: readonly string[], defaultValue?: string): JsonSchema {
  return {
    type: 'string',
    description,
    enum: values,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

export function boolean(description: string, defaultValue?: boolean): JsonSchema {
  return { type: 'boolean', description, ...(defaultValue === undefined ? {} : { default: defaultValue }) };
}

export function integer(description: string, extra: Extra = {}): JsonSchema {
  return { type: 'integer', format: 'int64', description, ...extra };
}

export function object(
  description: string,
  properties: Record<string, JsonSchema>,
  extra: Extra = {},
): JsonSchema {
  return { type: 'object', description, properties, ...extra };
}

/** Any JSON object, kept verbatim (workflow definitions and parameter values are free-form). */
export function freeFormObject(description: string, extra: Extra = {}): JsonSchema {
  return { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true, ...extra };
}

/** Appends CEL rules to a node without losing the ones it already has. */
export function withRules(schema: JsonSchema, ...rules: CelRule[]): JsonSchema {
  return { ...schema, 'x-kubernetes-validations': [...(schema['x-kubernetes-validations'] ?? []), ...rules] };
}

/** A transition rule: once set, the value may not change. */
export function immutable(message: string): CelRule {
  return { rule: 'self == oldSelf', message };
}
