// The fault configuration: what can go wrong, all off by default. Set at start
// (`startEmulator({ faults })`, `--faults <file>`) or at run time (`PUT /_emulator/faults`).
import { ArmError } from '../errors.ts';
import type { BucketSpec, ThrottledKind } from '../rate-limits.ts';

/** Latency is configured per class; ARM actions (enable, accessPolicies/add, ...) count as writes. */
export type LatencyClass = 'read' | 'write' | 'delete' | 'token' | 'dataPlane';
export const LATENCY_CLASSES: readonly LatencyClass[] = ['read', 'write', 'delete', 'token', 'dataPlane'];

export type LatencyDistribution =
  | { type: 'fixed'; ms: number }
  | { type: 'uniform'; minMs: number; maxMs: number }
  /** Clamped at 0. */
  | { type: 'normal'; meanMs: number; stdDevMs: number }
  | { type: 'exponential'; meanMs: number };

export interface ErrorInjectionRule {
  /** Operation name as in the counters (`Microsoft.KeyVault/vaults/write`, `Entra/token`, `Microsoft.KeyVault/vaults/secrets/getSecret/action`), or `*`. */
  operation: string;
  /** Fraction (0..1] of matching calls that fail, drawn from the seeded PRNG. */
  rate?: number;
  /** Fail only the next N matching calls; the rule then stays in the list with `next: 0`. */
  next?: number;
  /** The answer (ARM error envelope); default 500 InternalServerError. */
  status?: number;
  code?: string;
  message?: string;
  /** Destroy the connection instead of answering (the client sees a socket error). */
  dropConnection?: boolean;
}

export interface FaultConfig {
  /** Seed of the PRNG behind latency and rate-based errors; default 1. */
  seed?: number;
  latency?: Partial<Record<LatencyClass, LatencyDistribution>>;
  /** 429 + Retry-After when the subscription's bucket is empty (buckets default to ARM's). */
  throttling?: { enabled: boolean; buckets?: Partial<Record<ThrottledKind, BucketSpec>> };
  /** New principals are invisible to role assignments (without principalType) and token issuance for N s. */
  replicationLag?: { seconds: number };
  /** 409 ConflictError when a write to a vault starts while another write to it is in flight. */
  vaultWriteConflicts?: { enabled: boolean; holdMs?: number };
  errors?: ErrorInjectionRule[];
  /** Data plane: a new access-policy permission or role assignment takes effect after N s (default 0). */
  grantPropagationSeconds?: number;
}

const TOP_LEVEL = new Set([
  'seed',
  'latency',
  'throttling',
  'replicationLag',
  'vaultWriteConflicts',
  'errors',
  'grantPropagationSeconds',
]);

function invalid(message: string): ArmError {
  return new ArmError(400, 'InvalidFaultConfiguration', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegative(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`${where} must be a non-negative number.`);
  }
  return value;
}

function parseDistribution(value: unknown, where: string): LatencyDistribution {
  if (!isRecord(value)) throw invalid(`${where} must be an object with a 'type'.`);
  switch (value.type) {
    case 'fixed':
      return { type: 'fixed', ms: nonNegative(value.ms, `${where}.ms`) };
    case 'uniform': {
      const minMs = nonNegative(value.minMs, `${where}.minMs`);
      const maxMs = nonNegative(value.maxMs, `${where}.maxMs`);
      if (maxMs < minMs) throw invalid(`${where}.maxMs must be >= minMs.`);
      return { type: 'uniform', minMs, maxMs };
    }
    case 'normal':
      return {
        type: 'normal',
        meanMs: nonNegative(value.meanMs, `${where}.meanMs`),
        stdDevMs: nonNegative(value.stdDevMs, `${where}.stdDevMs`),
      };
    case 'exponential':
      return { type: 'exponential', meanMs: nonNegative(value.meanMs, `${where}.meanMs`) };
    default:
      throw invalid(`${where}.type must be one of fixed, uniform, normal, exponential.`);
  }
}

function parseBucket(value: unknown, where: string): BucketSpec {
  if (!isRecord(value)) throw invalid(`${where} must be {capacity, refillPerSecond}.`);
  const capacity = nonNegative(value.capacity, `${where}.capacity`);
  const refillPerSecond = nonNegative(value.refillPerSecond, `${where}.refillPerSecond`);
  if (refillPerSecond === 0) throw invalid(`${where}.refillPerSecond must be > 0.`);
  return { capacity, refillPerSecond };
}

function parseRule(value: unknown, where: string): ErrorInjectionRule {
  if (!isRecord(value) || typeof value.operation !== 'string' || value.operation === '') {
    throw invalid(`${where}.operation must be an operation name or '*'.`);
  }
  const rule: ErrorInjectionRule = { operation: value.operation };
  if (value.rate !== undefined) {
    const rate = nonNegative(value.rate, `${where}.rate`);
    if (rate > 1) throw invalid(`${where}.rate must be between 0 and 1.`);
    rule.rate = rate;
  }
  if (value.next !== undefined) {
    if (!Number.isInteger(value.next) || (value.next as number) < 0)
      throw invalid(`${where}.next must be a non-negative integer.`);
    rule.next = value.next as number;
  }
  if (rule.rate === undefined && rule.next === undefined) throw invalid(`${where} needs 'rate' or 'next'.`);
  if (value.status !== undefined) {
    if (!Number.isInteger(value.status) || (value.status as number) < 400 || (value.status as number) > 599)
      throw invalid(`${where}.status must be an HTTP error status (400-599).`);
    rule.status = value.status as number;
  }
  if (value.code !== undefined) {
    if (typeof value.code !== 'string') throw invalid(`${where}.code must be a string.`);
    rule.code = value.code;
  }
  if (value.message !== undefined) {
    if (typeof value.message !== 'string') throw invalid(`${where}.message must be a string.`);
    rule.message = value.message;
  }
  if (value.dropConnection !== undefined) rule.dropConnection = value.dropConnection === true;
  return rule;
}

/** Validates a configuration from JSON (admin API, --faults file); throws 400 InvalidFaultConfiguration. */
export function parseFaultConfig(value: unknown): FaultConfig {
  if (!isRecord(value)) throw invalid('The fault configuration must be a JSON object.');
  const unknownKey = Object.keys(value).find((key) => !TOP_LEVEL.has(key));
  if (unknownKey) throw invalid(`Unknown fault setting '${unknownKey}'.`);
  const config: FaultConfig = {};
  if (value.seed !== undefined) {
    if (!Number.isInteger(value.seed)) throw invalid('seed must be an integer.');
    config.seed = value.seed as number;
  }
  if (value.latency !== undefined) {
    if (!isRecord(value.latency)) throw invalid('latency must be an object keyed by class.');
    const latency: FaultConfig['latency'] = {};
    for (const [key, distribution] of Object.entries(value.latency)) {
      if (!LATENCY_CLASSES.includes(key as LatencyClass))
        throw invalid(`latency.${key}: class must be one of ${LATENCY_CLASSES.join(', ')}.`);
      latency[key as LatencyClass] = parseDistribution(distribution, `latency.${key}`);
    }
    config.latency = latency;
  }
  if (value.throttling !== undefined) {
    const throttling = value.throttling;
    if (!isRecord(throttling) || typeof throttling.enabled !== 'boolean')
      throw invalid('throttling must be {enabled: boolean, buckets?}.');
    config.throttling = { enabled: throttling.enabled };
    if (throttling.buckets !== undefined) {
      if (!isRecord(throttling.buckets)) throw invalid('throttling.buckets must be an object.');
      const buckets: Partial<Record<ThrottledKind, BucketSpec>> = {};
      for (const [kind, spec] of Object.entries(throttling.buckets)) {
        if (kind !== 'reads' && kind !== 'writes' && kind !== 'deletes')
          throw invalid(`throttling.buckets.${kind}: must be reads, writes or deletes.`);
        buckets[kind] = parseBucket(spec, `throttling.buckets.${kind}`);
      }
      config.throttling.buckets = buckets;
    }
  }
  if (value.replicationLag !== undefined) {
    if (!isRecord(value.replicationLag)) throw invalid('replicationLag must be {seconds}.');
    config.replicationLag = { seconds: nonNegative(value.replicationLag.seconds, 'replicationLag.seconds') };
  }
  if (value.vaultWriteConflicts !== undefined) {
    const conflicts = value.vaultWriteConflicts;
    if (!isRecord(conflicts) || typeof conflicts.enabled !== 'boolean')
      throw invalid('vaultWriteConflicts must be {enabled: boolean, holdMs?}.');
    config.vaultWriteConflicts = {
      enabled: conflicts.enabled,
      ...(conflicts.holdMs !== undefined
        ? { holdMs: nonNegative(conflicts.holdMs, 'vaultWriteConflicts.holdMs') }
        : {}),
    };
  }
  if (value.errors !== undefined) {
    if (!Array.isArray(value.errors)) throw invalid('errors must be an array of rules.');
    config.errors = value.errors.map((rule, index) => parseRule(rule, `errors[${index}]`));
  }
  if (value.grantPropagationSeconds !== undefined) {
    config.grantPropagationSeconds = nonNegative(value.grantPropagationSeconds, 'grantPropagationSeconds');
  }
  return config;
}
