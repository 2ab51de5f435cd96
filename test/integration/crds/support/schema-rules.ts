// Lists the rules a rendered CRD asks the API server to enforce on spec and on the whole
// object (CEL rules, enums, maxProperties), in the words the API server will use, so the
// tests can prove each one has cases. Status is written by the operator and not listed.
import type { CustomResourceDefinitionManifest } from '../../../../src/crds/index.ts';
import type { JsonSchema } from '../../../../src/crds/schema/json-schema.ts';

export interface SchemaRule {
  path: string;
  message: string;
  transition: boolean;
  /** Enforced by OpenAPI keywords (enum, maxProperties), whose wording is the API server's. */
  builtIn: boolean;
}

export function schemaRules(crds: CustomResourceDefinitionManifest[]): SchemaRule[] {
  const found: SchemaRule[] = [];
  for (const crd of crds) {
    const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
    if (!root) continue;
    for (const rule of root['x-kubernetes-validations'] ?? []) {
      found.push({
        path: '',
        message: rule.message,
        transition: rule.rule.includes('oldSelf'),
        builtIn: false,
      });
    }
    const spec = root.properties?.spec;
    if (spec) walk(spec, 'spec', found);
  }
  return found;
}

function walk(node: JsonSchema, path: string, found: SchemaRule[]): void {
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    found.push({ path, message: rule.message, transition: rule.rule.includes('oldSelf'), builtIn: false });
  }
  if (node.enum) found.push({ path, message: 'Unsupported value', transition: false, builtIn: true });
  if (node.maxProperties !== undefined) {
    found.push({
      path,
      message: `must have at most ${node.maxProperties} items`,
      transition: false,
      builtIn: true,
    });
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`, found);
  if (node.items) walk(node.items, `${path}[]`, found);
  if (node.additionalProperties) walk(node.additionalProperties, `${path}.*`, found);
}
