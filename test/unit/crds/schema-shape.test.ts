// Structural-schema and CEL-cost hygiene, checked without an API server: every node is typed,
// every value a rule reads is bounded, every rule explains itself, defaults are valid values.
import { describe, expect, it } from 'vitest';
import { allCrds, CATEGORY, GROUP, VERSION } from '../../../src/crds/index.ts';
import type { JsonSchema } from '../../../src/crds/schema/json-schema.ts';

interface Node {
  path: string;
  schema: JsonSchema;
}

function nodes(schema: JsonSchema, path = ''): Node[] {
  const here: Node[] = [{ path, schema }];
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    here.push(...nodes(child, `${path}.${name}`));
  if (schema.items) here.push(...nodes(schema.items, `${path}[]`));
  if (schema.additionalProperties) here.push(...nodes(schema.additionalProperties, `${path}.*`));
  return here;
}

const crds = allCrds();

describe.each(crds.map((crd) => [crd.spec.names.kind, crd] as const))('%s', (_kind, crd) => {
  const version = crd.spec.versions[0]!;
  const all = nodes(version.schema.openAPIV3Schema);

  it('is served as logicops.io/v1alpha1 with status subresource, short name and category', () => {
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.versions.map((v) => v.name)).toEqual([VERSION]);
    expect(version.subresources).toEqual({ status: {} });
    expect(crd.spec.names.categories).toEqual([CATEGORY]);
    expect(crd.spec.names.shortNames).toHaveLength(1);
  });

  it('types every node unless it deliberately keeps free-form JSON', () => {
    const untyped = all.filter((n) => !n.schema.type && !n.schema['x-kubernetes-preserve-unknown-fields']);
    expect(untyped.map((n) => n.path)).toEqual([]);
  });

  it('bounds every string, list and map (CEL cost estimate and etcd size)', () => {
    const unbounded = all.filter(({ path, schema }) => {
      if (path === '.metadata' || path === '.apiVersion' || path === '.kind') return false;
      if (schema.type === 'string')
        return schema.maxLength === undefined && schema.enum === undefined && !schema.format;
      if (schema.type === 'array') return schema.maxItems === undefined;
      if (
        schema.type === 'object' &&
        (schema.additionalProperties || schema['x-kubernetes-preserve-unknown-fields'])
      )
        return schema.maxProperties === undefined && !isFreeFormDocument(path);
      return false;
    });
    expect(unbounded.map((n) => n.path)).toEqual([]);
  });

  it('gives every CEL rule a message', () => {
    for (const { path, schema } of all) {
      for (const rule of schema['x-kubernetes-validations'] ?? []) {
        expect(rule.message.length, `${path}: ${rule.rule}`).toBeGreaterThan(10);
      }
    }
  });

  it('defaults are allowed values', () => {
    for (const { path, schema } of all) {
      if (schema.default === undefined) continue;
      if (schema.enum) expect(schema.enum, path).toContain(schema.default);
      if (schema.type === 'array' && schema.items?.enum) {
        for (const v of schema.default as string[]) expect(schema.items.enum, path).toContain(v);
      }
    }
  });

  it('prints Ready and Reason from the Ready condition, and Age last', () => {
    const names = version.additionalPrinterColumns.filter((c) => !c.priority).map((c) => c.name);
    expect(names[0]).toBe('Ready');
    expect(names[1]).toBe('Reason');
    expect(names.at(-1)).toBe('Age');
  });
});

/** The workflow definition is a whole WDL document: bounded by the request size, not by a count. */
function isFreeFormDocument(path: string): boolean {
  return path === '.spec.definition';
}
