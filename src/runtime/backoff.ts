// Per-key exponential backoff: how long to wait before the n-th retry of a failing key.
// Azure work is slow and throttled, so the defaults are 1 s doubling to a 5 min cap
// (controller-runtime's 5 ms → 1000 s suits in-cluster work, not ARM).

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export const AZURE_BACKOFF: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, factor: 2 };

/** Delay before retry number `failures + 1`, given `failures` earlier failures (0-based). */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  // Exponent capped so factor^n stays finite for keys that fail for days.
  const exponent = Math.min(Math.max(0, failures), 64);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
}

/** `base ± fraction` with a uniform spread; `random` is injectable for deterministic tests. */
export function jitter(baseMs: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(baseMs * (1 + fraction * (2 * random() - 1)));
}
