// The fault configuration: what can go wrong, all off by default. Set at start
// (`startEmulator({ faults })`, `--faults <file>`) or at run time (`PUT /_emulator/faults`).
import { ArmError } from '../errors.ts';
import type { BucketSpec, ThrottledKind } from '../rate-limits.ts';
import type { VaultReadLagConfig } from './vault-read-lag.ts';

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
  /** Send `Retry-After: <n>` with the answer (injected errors carry no retry hint otherwise). */
  retryAfterSeconds?: number;
  /**
   * `json` (default): the ARM error envelope. `text`: `message` as a `text/plain` body, as Entra ID
   * throttling answers (see `entraThrottling`).
   */
  body?: 'json' | 'text';
  /**
   * Fire only in the down part of a repeating cycle on the emulator's clock: down for
   * `downSeconds` from when the configuration was applied (an outage of, say, the token
   * endpoint), then up for `upSeconds`, and again. Combined with `rate`/`next`, those apply inside
   * the down part.
   */
  outage?: OutageWindow;
}

export interface OutageWindow {
  downSeconds: number;
  upSeconds: number;
}

/**
 * What is lost after a write was applied: `timeout` holds the answer (`holdMs`, or until the
 * client closes the connection) and then sends it to whoever still listens; `dropConnection`
 * destroys the socket; `serverError` answers 5xx; `hold` keeps the answer until a test releases
 * it through the admin API (`/_emulator/faults/held`).
 */
export type AfterCommitFault = 'timeout' | 'dropConnection' | 'serverError' | 'hold';
export const AFTER_COMMIT_FAULTS: readonly AfterCommitFault[] = [
  'timeout',
  'dropConnection',
  'serverError',
  'hold',
];

export interface AfterCommitRule {
  /** A write's operation name as in the counters (ARM writes, deletes, actions; data-plane setSecret), or `*` for every write. */
  operation: string;
  /** Fraction (0..1] of matching applied writes whose answer is lost, from the seeded PRNG. */
  rate?: number;
  /** Lose the answers of only the next N matching applied writes. */
  next?: number;
  fault: AfterCommitFault;
  /** `timeout`: how long the answer is held before it is sent; default: until the client gives up. */
  holdMs?: number;
  /** `serverError`: the answer; default 500 InternalServerError. */
  status?: number;
  code?: string;
  message?: string;
}

export interface FaultConfig {
  /** Seed of the PRNG behind latency and rate-based errors; default 1. */
  seed?: number;
  latency?: Partial<Record<LatencyClass, LatencyDistribution>>;
  /** 429 + Retry-After when the subscription's bucket is empty (buckets default to ARM's). */
  throttling?: { enabled: boolean; buckets?: Partial<Record<ThrottledKind, BucketSpec>> };
  /**
   * New principals are invisible to role assignments (without principalType) and token issuance
   * for N s. `evenWithPrincipalType`: a role assignment with `principalType: ServicePrincipal` is
   * refused too (PrincipalNotFound can still occur for new service principals).
   */
  replicationLag?: { seconds: number; evenWithPrincipalType?: boolean };
  /** 409 ConflictError when a write to a vault starts while another write to it is in flight. */
  vaultWriteConflicts?: { enabled: boolean; holdMs?: number };
  errors?: ErrorInjectionRule[];
  /** Faults that strike after a write was applied: the state changed, the answer is lost. */
  afterCommit?: AfterCommitRule[];
  /** Lifetime of the access tokens issued from now on (Entra ID and managed identity); default: the start option (3599 s). */
  tokenLifetimeSeconds?: number;
  /** Data plane: a new access-policy permission or role assignment takes effect after N s (default 0). */
  grantPropagationSeconds?: number;
  /**
   * Control plane: after an access-policy write, reads of the vault show it as it was before for
   * `seconds` or for the next `reads` GETs, and removals act on that stale copy (vault-read-lag.ts).
   */
  vaultReadLag?: VaultReadLagConfig;
}

const TOP_LEVEL = new Set([
  'seed',
  'latency',
  'throttling',
  'replicationLag',
  'vaultWriteConflicts',
  'errors',
  'afterCommit',
  'tokenLifetimeSeconds',
  'grantPropagationSeconds',
  'vaultReadLag',
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

/** The fields every rule shares: which operation, and how often it fires (rate and/or next). */
function parseFiring(value: unknown, where: string): { operation: string; rate?: number; next?: number } {
  if (!isRecord(value) || typeof value.operation !== 'string' || value.operation === '') {
    throw invalid(`${where}.operation must be an operation name or '*'.`);
  }
  const rule: { operation: string; rate?: number; next?: number } = { operation: value.operation };
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
  return rule;
}

/** `status` (within `range`), `code` and `message` of an answer a rule sends. */
function parseAnswer(
  value: Record<string, unknown>,
  where: string,
  range: [number, number],
): { status?: number; code?: string; message?: string } {
  const answer: { status?: number; code?: string; message?: string } = {};
  if (value.status !== undefined) {
    const [low, high] = range;
    if (!Number.isInteger(value.status) || (value.status as number) < low || (value.status as number) > high)
      throw invalid(`${where}.status must be an HTTP status from ${low} to ${high}.`);
    answer.status = value.status as number;
  }
  if (value.code !== undefined) {
    if (typeof value.code !== 'string') throw invalid(`${where}.code must be a string.`);
    answer.code = value.code;
  }
  if (value.message !== undefined) {
    if (typeof value.message !== 'string') throw invalid(`${where}.message must be a string.`);
    answer.message = value.message;
  }
  return answer;
}

function parseOutage(value: unknown, where: string): OutageWindow {
  if (!isRecord(value)) throw invalid(`${where} must be {downSeconds, upSeconds}.`);
  const downSeconds = nonNegative(value.downSeconds, `${where}.downSeconds`);
  const upSeconds = nonNegative(value.upSeconds, `${where}.upSeconds`);
  if (downSeconds === 0 || upSeconds === 0) throw invalid(`${where}: downSeconds and upSeconds must be > 0.`);
  return { downSeconds, upSeconds };
}

function parseRule(value: unknown, where: string): ErrorInjectionRule {
  const rule: ErrorInjectionRule = parseFiring(value, where);
  const fields = value as Record<string, unknown>;
  if (fields.outage !== undefined) rule.outage = parseOutage(fields.outage, `${where}.outage`);
  if (rule.rate === undefined && rule.next === undefined && rule.outage === undefined)
    throw invalid(`${where} needs 'rate', 'next' or 'outage'.`);
  Object.assign(rule, parseAnswer(fields, where, [400, 599]));
  if (fields.dropConnection !== undefined) rule.dropConnection = fields.dropConnection === true;
  if (fields.retryAfterSeconds !== undefined) {
    if (!Number.isInteger(fields.retryAfterSeconds) || (fields.retryAfterSeconds as number) < 0)
      throw invalid(`${where}.retryAfterSeconds must be a whole number of seconds, at least 0.`);
    rule.retryAfterSeconds = fields.retryAfterSeconds as number;
  }
  if (fields.body !== undefined) {
    if (fields.body !== 'json' && fields.body !== 'text')
      throw invalid(`${where}.body must be 'json' or 'text'.`);
    rule.body = fields.body;
  }
  return rule;
}

function parseAfterCommitRule(value: unknown, where: string): AfterCommitRule {
  const firing = parseFiring(value, where);
  if (firing.rate === undefined && firing.next === undefined)
    throw invalid(`${where} needs 'rate' or 'next'.`);
  const fields = value as Record<string, unknown>;
  if (!AFTER_COMMIT_FAULTS.includes(fields.fault as AfterCommitFault))
    throw invalid(`${where}.fault must be one of ${AFTER_COMMIT_FAULTS.join(', ')}.`);
  const rule: AfterCommitRule = { ...firing, fault: fields.fault as AfterCommitFault };
  if (fields.holdMs !== undefined) {
    if (rule.fault !== 'timeout') throw invalid(`${where}.holdMs applies to the 'timeout' fault only.`);
    rule.holdMs = nonNegative(fields.holdMs, `${where}.holdMs`);
  }
  const answer = parseAnswer(fields, where, [500, 599]);
  if (Object.keys(answer).length > 0 && rule.fault !== 'serverError')
    throw invalid(`${where}: status, code and message apply to the 'serverError' fault only.`);
  return Object.assign(rule, answer);
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
    const lag = value.replicationLag;
    if (!isRecord(lag)) throw invalid('replicationLag must be {seconds, evenWithPrincipalType?}.');
    if (lag.evenWithPrincipalType !== undefined && typeof lag.evenWithPrincipalType !== 'boolean')
      throw invalid('replicationLag.evenWithPrincipalType must be a boolean.');
    config.replicationLag = {
      seconds: nonNegative(lag.seconds, 'replicationLag.seconds'),
      ...(lag.evenWithPrincipalType === undefined
        ? {}
        : { evenWithPrincipalType: lag.evenWithPrincipalType }),
    };
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
  if (value.afterCommit !== undefined) {
    if (!Array.isArray(value.afterCommit)) throw invalid('afterCommit must be an array of rules.');
    config.afterCommit = value.afterCommit.map((rule, index) =>
      parseAfterCommitRule(rule, `afterCommit[${index}]`),
    );
  }
  if (value.tokenLifetimeSeconds !== undefined) {
    const seconds = value.tokenLifetimeSeconds;
    if (!Number.isInteger(seconds) || (seconds as number) < 1)
      throw invalid('tokenLifetimeSeconds must be a whole number of seconds, at least 1.');
    config.tokenLifetimeSeconds = seconds as number;
  }
  if (value.grantPropagationSeconds !== undefined) {
    config.grantPropagationSeconds = nonNegative(value.grantPropagationSeconds, 'grantPropagationSeconds');
  }
  if (value.vaultReadLag !== undefined) {
    const lag = value.vaultReadLag;
    if (!isRecord(lag)) throw invalid('vaultReadLag must be {seconds?, reads?}.');
    const parsed: VaultReadLagConfig = {};
    if (lag.seconds !== undefined) parsed.seconds = nonNegative(lag.seconds, 'vaultReadLag.seconds');
    if (lag.reads !== undefined) {
      if (!Number.isInteger(lag.reads) || (lag.reads as number) < 0)
        throw invalid('vaultReadLag.reads must be a non-negative integer.');
      parsed.reads = lag.reads as number;
    }
    if (!parsed.seconds && !parsed.reads) throw invalid("vaultReadLag needs 'seconds' or 'reads' above 0.");
    config.vaultReadLag = parsed;
  }
  return config;
}
