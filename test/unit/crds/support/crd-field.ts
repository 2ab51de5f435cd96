// Evaluates the admission rules of one string field of a rendered CRD without an API server:
// the OpenAPI bounds (length in code points, as the API server counts) and the CEL rules, which
// for these fields are conjunctions of `self.matches(r'…')`. Any other CEL fails loudly, so a
// rule this helper cannot read is never taken as passing. The integration tier checks the same
// fields with the real API server (RE2).
import { allCrds } from '../../../../src/crds/index.ts';
import type { JsonSchema } from '../../../../src/crds/schema/json-schema.ts';

export function fieldSchema(kind: string, field: string): JsonSchema {
  const crd = allCrds().find((c) => c.spec.names.kind === kind);
  let node = crd?.spec.versions[0]?.schema.openAPIV3Schema;
  for (const part of field.split('.')) node = node?.properties?.[part];
  if (!node) throw new Error(`${kind} has no field ${field}`);
  return node;
}

const MATCHES = /^(!?)self\.matches\(r'([^']*)'\)$/;

function matchesTerm(term: string, value: string): boolean {
  const parsed = MATCHES.exec(term.trim());
  if (!parsed) throw new Error(`the unit check cannot evaluate CEL term: ${term}`);
  const [, negated, source = ''] = parsed;
  const caseless = source.startsWith('(?i)');
  const pattern = (caseless ? source.slice(4) : source).replace(/\\x\{/g, '\\u{');
  const matched = new RegExp(pattern, caseless ? 'iu' : 'u').test(value);
  return negated ? !matched : matched;
}

/** Why the schema refuses `value`, or undefined when it admits it. */
export function schemaRefusal(node: JsonSchema, value: string): string | undefined {
  if (node.type !== 'string') return `not a string field (${node.type})`;
  const length = [...value].length;
  if (node.minLength !== undefined && length < node.minLength) return `shorter than ${node.minLength}`;
  if (node.maxLength !== undefined && length > node.maxLength) return `longer than ${node.maxLength}`;
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    if (rule.rule.includes('oldSelf')) continue;
    if (!rule.rule.split(' && ').every((term) => matchesTerm(term, value))) return rule.message;
  }
  return undefined;
}
