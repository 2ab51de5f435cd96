// How long to wait after a 429 that came without a retry hint. ARM's own throttling always sends
// Retry-After; a bare 429 is one call's refusal (a busy front end, a resource provider's own
// limit), so it is retried after a few seconds, jittered so the objects refused together do not
// come back together — never after minutes (docs/reliability.md, F5).

/** Shortest wait after a 429 without Retry-After. */
export const DEFAULT_THROTTLE_MS = 2_000;
/** Up to this much is added at random. */
export const DEFAULT_THROTTLE_JITTER_MS = 3_000;

/** A wait in [DEFAULT_THROTTLE_MS, DEFAULT_THROTTLE_MS + DEFAULT_THROTTLE_JITTER_MS). `random` returns [0, 1). */
export function defaultThrottleMs(random: () => number = Math.random): number {
  return DEFAULT_THROTTLE_MS + Math.floor(random() * DEFAULT_THROTTLE_JITTER_MS);
}
