// Secure parameters are write-only in Azure: Logic Apps never returns the value of a parameter
// the definition declares `securestring` or `secureobject` ("Parameters that have this type aren't
// returned with the resource definition", Logic Apps security docs), and per the same sentence
// not a secure `defaultValue` either. The diff cannot compare them with Azure, so it compares them
// with what logicops last wrote. That is kept in an operator record (shared/records/, where teams
// cannot write), and never as the values: an HMAC-SHA256 of them keyed with 16 random bytes drawn
// for each record. Why salted: a plain hash of a short password can be looked up in a dictionary
// or compared across workflows; with a random key per record there are no precomputed tables and
// equal values give unequal digests. It cannot stop someone who can read the record from testing
// guesses one at a time — such a reader is the operator or a cluster admin, who can read the
// values in the object's spec anyway (docs/security.md). Not in status, logs, Events or metrics.
//
// The record also keeps `properties.version` of the workflow that write produced: Azure stamps a
// new version on every write, so another version means the workflow was written by someone else
// since, and with it perhaps other secure values (drift logicops can see without the values).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DesiredWorkflow } from '../../azure/index.ts';
import type { SecureParametersRecord } from '../shared/records/record-configmap.ts';
import { canonicalJson } from './desired-digest.ts';

const SECURE_TYPES = new Set(['securestring', 'secureobject']);
const DOMAIN = 'logicops secure parameters v1\n';

/** What Azure withholds of a desired workflow: secure parameter values and secure defaults, by name. */
export interface SecureValues {
  parameters: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

export function isSecureType(type: unknown): boolean {
  return typeof type === 'string' && SECURE_TYPES.has(type.toLowerCase());
}

/** Names of the parameters a definition declares with a secure type. */
export function secureParameterNames(definition: Readonly<Record<string, unknown>>): Set<string> {
  const declared = definition.parameters;
  const names = new Set<string>();
  if (typeof declared !== 'object' || declared === null) return names;
  for (const [name, declaration] of Object.entries(declared)) {
    if (isSecureType((declaration as { type?: unknown } | null)?.type)) names.add(name);
  }
  return names;
}

/** The secure values of a desired workflow; undefined when it has none. */
export function secureValuesOf(desired: Readonly<DesiredWorkflow>): SecureValues | undefined {
  const names = secureParameterNames(desired.definition);
  if (names.size === 0) return undefined;
  const values: SecureValues = { parameters: {}, defaults: {} };
  const declared = desired.definition.parameters as Record<string, { defaultValue?: unknown }>;
  for (const name of names) {
    const value = desired.parameters[name]?.value;
    if (value !== undefined) values.parameters[name] = value;
    const defaultValue = declared[name]?.defaultValue;
    if (defaultValue !== undefined) values.defaults[name] = defaultValue;
  }
  const empty = Object.keys(values.parameters).length === 0 && Object.keys(values.defaults).length === 0;
  return empty ? undefined : values;
}

/** The record of a write of `values` that Azure stamped `workflowVersion`, under a fresh salt. */
export function sealSecureValues(
  values: SecureValues,
  workflowVersion: string | undefined,
  salt: Buffer = randomBytes(16),
): SecureParametersRecord {
  return {
    salt: salt.toString('base64'),
    digest: digest(values, salt),
    ...(workflowVersion !== undefined ? { workflowVersion } : {}),
  };
}

/**
 * unchanged: the values are the ones last written and nobody wrote the workflow since;
 * changed: the values differ from the last write (a spec or binding change);
 * unrecorded: logicops has no record (first pass after an upgrade, or a lost record);
 * writtenElsewhere: same values, but Azure's version moved on — someone else wrote the workflow.
 */
export type SecureValuesVerdict = 'unchanged' | 'changed' | 'unrecorded' | 'writtenElsewhere';

export function secureValuesVerdict(
  values: SecureValues,
  record: SecureParametersRecord | undefined,
  observedVersion: string | undefined,
): SecureValuesVerdict {
  if (!record) return 'unrecorded';
  if (!sameDigest(digest(values, Buffer.from(record.salt, 'base64')), record.digest)) return 'changed';
  const versionKnown = record.workflowVersion !== undefined && observedVersion !== undefined;
  if (versionKnown && record.workflowVersion !== observedVersion) return 'writtenElsewhere';
  return 'unchanged';
}

/** Whether `record` still describes `values` as written to the workflow at `workflowVersion` (no new record needed). */
export function recordHolds(
  record: SecureParametersRecord | undefined,
  values: SecureValues,
  workflowVersion: string | undefined,
): boolean {
  return (
    secureValuesVerdict(values, record, workflowVersion) === 'unchanged' &&
    record?.workflowVersion === workflowVersion
  );
}

function digest(values: SecureValues, salt: Buffer): string {
  return createHmac('sha256', salt)
    .update(DOMAIN + canonicalJson(values))
    .digest('base64');
}

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
