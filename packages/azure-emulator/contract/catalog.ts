// The contract catalog: the JSON Schema files in schemas/ (one per resource provider and
// api-version, each written from the Azure REST spec it cites), compiled with Ajv, and the
// operations they describe, matched by plane, method, path and api-version.
//
// Each schema file is compiled twice: a request variant, in which every property the spec marks
// readOnly is forbidden (the service ignores it and the SDK never sends it), and a response
// variant. In both, extensible enums marked `x-ms-enum-model-as-string` (see
// the reason next to each use) match without regard to case.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Plane } from '../src/pipeline.ts';
import { pathPattern } from '../src/router.ts';

export type Direction = 'request' | 'response';

/** What a body must be: a schema, or `null` when the spec declares no body. */
export type BodyContract = ValidateFunction | null;

export interface ContractOperation {
  /** The spec's operationId, e.g. `Workflows_CreateOrUpdate`. */
  id: string;
  apiVersion: string;
  plane: Plane;
  method: string;
  patterns: RegExp[];
  pathParameters: Record<string, { enum: string[] }>;
  /** Undefined: the spec declares no request body. */
  request?: ValidateFunction;
  /** By status code, and `default` for every other (error) status. */
  responses: Record<string, BodyContract>;
  /** The schema file it came from. */
  file: string;
}

export type CatalogMatch =
  | { kind: 'operation'; operation: ContractOperation }
  /** A path and method the catalog knows, under an api-version it has no schema for. */
  | { kind: 'unknownApiVersion'; operationId: string; known: string[] }
  | { kind: 'none' };

interface OperationFile {
  method: string;
  path: string | string[];
  apiVersion?: string;
  pathParameters?: Record<string, { enum: string[] }>;
  request?: string;
  responses: Record<string, string | null>;
}

interface SchemaFile {
  $id: string;
  'x-api-version': string;
  'x-plane'?: Plane;
  'x-operations': Record<string, OperationFile>;
  [key: string]: unknown;
}

const SCHEMA_DIR = new URL('./schemas/', import.meta.url);
/** Annotations of the schema files: metadata for the catalog, no effect on validation. */
const ANNOTATIONS = [
  'x-sources',
  'x-api-version',
  'x-plane',
  'x-operations',
  'x-ms-enum-model-as-string',
  'x-enum',
];

export class Catalog {
  readonly operations: ContractOperation[];

  constructor(files: SchemaFile[] = readSchemaFiles()) {
    // verbose: errors carry their schema (for the messages below); their `data` is never kept.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, verbose: true });
    addFormats.default(ajv, ['date-time', 'uri', 'uuid']);
    ajv.addVocabulary(ANNOTATIONS);
    for (const file of files) {
      ajv.addSchema(variant(file, 'request'));
      ajv.addSchema(variant(file, 'response'));
    }
    const compile = (file: SchemaFile, direction: Direction, ref: string): ValidateFunction => {
      const validate = ajv.getSchema(`${variantId(file.$id, direction)}${ref}`);
      if (!validate) throw new Error(`${file.$id}: no schema at ${ref}`);
      return validate;
    };
    this.operations = files.flatMap((file) =>
      Object.entries(file['x-operations']).map(([id, op]): ContractOperation => {
        const responses: Record<string, BodyContract> = {};
        for (const [status, ref] of Object.entries(op.responses)) {
          responses[status] = ref === null ? null : compile(file, 'response', ref);
        }
        return {
          id,
          apiVersion: op.apiVersion ?? file['x-api-version'],
          plane: file['x-plane'] ?? 'arm',
          method: op.method,
          patterns: (Array.isArray(op.path) ? op.path : [op.path]).map(pathPattern),
          pathParameters: op.pathParameters ?? {},
          ...(op.request ? { request: compile(file, 'request', op.request) } : {}),
          responses,
          file: file.$id,
        };
      }),
    );
  }

  /** The first operation (in file order) whose plane, method, path and api-version match. */
  match(plane: Plane, method: string, path: string, apiVersion: string | null): CatalogMatch {
    const candidates = this.operations.filter(
      (op) =>
        op.plane === plane &&
        op.method === method &&
        op.patterns.some((pattern) => {
          const found = pattern.exec(path);
          return found !== null && pathParametersAllowed(op, found.groups ?? {});
        }),
    );
    const operation = candidates.find((op) => op.apiVersion === apiVersion);
    if (operation) return { kind: 'operation', operation };
    const first = candidates[0];
    if (!first) return { kind: 'none' };
    return {
      kind: 'unknownApiVersion',
      operationId: first.id,
      known: candidates.filter((op) => op.id === first.id).map((op) => op.apiVersion),
    };
  }
}

function pathParametersAllowed(op: ContractOperation, groups: Record<string, string>): boolean {
  return Object.entries(op.pathParameters).every(([name, rule]) => {
    const value = groups[name];
    return value !== undefined && rule.enum.includes(value);
  });
}

function readSchemaFiles(): SchemaFile[] {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8')) as SchemaFile);
}

function variantId(id: string, direction: Direction): string {
  return id.replace(/\.json$/, `.${direction}.json`);
}

/** A deep copy of the file with its request or response rules applied. */
function variant(file: SchemaFile, direction: Direction): Record<string, unknown> {
  const copy = structuredClone(file) as Record<string, unknown>;
  copy.$id = variantId(file.$id, direction);
  delete copy['x-operations'];
  visit(copy, direction);
  return copy;
}

function visit(schema: unknown, direction: Direction): void {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const item of schema) visit(item, direction);
    return;
  }
  const node = schema as Record<string, unknown>;
  if (node['x-ms-enum-model-as-string'] === true && Array.isArray(node.enum)) {
    node.pattern = caseInsensitiveAlternatives(node.enum as string[]);
    node['x-enum'] = node.enum;
    delete node.enum;
  }
  const properties = node.properties;
  if (direction === 'request' && isRecord(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      // `false`: the property must be absent. No schema file uses `false` otherwise, so a
      // `false schema` error always means a read-only property was sent (errorMessage).
      if (isRecord(property) && property.readOnly === true) properties[name] = false;
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'enum' && key !== 'required') visit(value, direction);
  }
}

/** `^(?:[gG][eE][tT]|…)$`: the values in any casing (no regex flags: ajv compiles with `u` only). */
function caseInsensitiveAlternatives(values: readonly string[]): string {
  const either = (char: string) => {
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    if (lower !== upper) return `[${lower}${upper}]`;
    return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  };
  return `^(?:${values.map((value) => [...value].map(either).join('')).join('|')})$`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ajv's errors as (JSON pointer, message) pairs; no error carries the offending value. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): {
  pointer: string;
  message: string;
}[] {
  return (errors ?? []).map((error) => ({
    pointer: error.instancePath,
    message: errorMessage(error),
  }));
}

function errorMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'false schema':
      return 'is read-only in the spec: only the service writes it, a request must not carry it';
    case 'additionalProperties':
      return `must NOT have the property '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `must have the property '${String(error.params.missingProperty)}'`;
    case 'pattern': {
      const values = (error.parentSchema as { 'x-enum'?: unknown[] } | undefined)?.['x-enum'];
      if (values) return `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (in any casing)`;
      return error.message ?? error.keyword;
    }
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}
