// The timing rules of leader election, as pure functions (the elector in leader-election.ts
// does the I/O). Times are milliseconds on the caller's own clock; no replica ever compares its
// clock with another's.
//
// Why a candidate polls faster than the leader renews: a candidate dates the lease from when it
// SAW the last change, so its view of the expiry lags the real one by up to one poll interval.
// client-go polls every retry period with 1.2× jitter and then waits another jittered retry
// period after expiry: a frozen leader is replaced up to lease + 2.4 × retry after it stopped.
// Here a candidate polls every quarter retry period (≤ 0.3 × retry with jitter) and, once it
// knows when the observed lease expires, sleeps until just that moment instead of a full poll.
// The worst case becomes lease + 0.3 × retry + a few API round trips, inside lease + retry with
// room for a loaded API server (a half-retry poll missed the budget once in ten chaos runs on
// two busy cores). The price: four lease reads per retry period per standby, about 2/s with
// the defaults.
//
// Safety is unchanged: a lease is taken only when `leaseDurationMs` has passed on our clock
// since we observed its last change (after the read that showed it returned), and a leader that
// has not renewed within `renewDeadlineMs` (< leaseDurationMs) stops writing before that.

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION_TIMING = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

/** Share of the retry period between a candidate's reads of the lease. */
export const CANDIDATE_POLL_FRACTION = 0.25;
/** Up to this much is added to each poll, so several candidates do not read in lockstep. */
export const POLL_JITTER_FRACTION = 0.2;
/** Timers fire on whole milliseconds; this keeps the attempt after expiry, not on it. */
export const EXPIRY_MARGIN_MS = 1;

export function validateLeaderElectionTiming(settings: LeaderElectionTiming): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = settings;
  if (!(leaseDurationMs > renewDeadlineMs)) {
    throw new Error(
      `leader election: lease duration (${leaseDurationMs} ms) must be greater than the renew deadline (${renewDeadlineMs} ms), so a cut-off leader stops before another takes over`,
    );
  }
  if (!(renewDeadlineMs > retryPeriodMs * 1.2)) {
    throw new Error(
      `leader election: renew deadline (${renewDeadlineMs} ms) must exceed 1.2 x the retry period (${retryPeriodMs} ms), or one slow renewal loses the lease`,
    );
  }
  if (!(retryPeriodMs > 0)) throw new Error('leader election: retry period must be positive');
}

/** True when a lease whose last change we saw at `observedAtMs` may be taken at `nowMs`. */
export function leaseExpired(nowMs: number, observedAtMs: number, leaseDurationMs: number): boolean {
  return nowMs - observedAtMs >= leaseDurationMs;
}

/** The interval between a candidate's reads while the lease is held: a quarter retry period, jittered. */
export function candidatePollMs(retryPeriodMs: number, random: () => number = Math.random): number {
  return retryPeriodMs * CANDIDATE_POLL_FRACTION * (1 + random() * POLL_JITTER_FRACTION);
}

export interface NextAttemptInput {
  nowMs: number;
  /** When we last saw the lease record change; 0 when we never read it. */
  observedAtMs: number;
  leaseDurationMs: number;
  retryPeriodMs: number;
  random?: () => number;
}

/**
 * How long a candidate that just failed to take the lease waits before its next attempt: the
 * next poll, or the moment the observed lease expires when that comes sooner. A lease that has
 * already expired (we lost a race, or the API call failed) is tried again at the next poll.
 */
export function nextCandidateAttemptMs(input: NextAttemptInput): number {
  const poll = candidatePollMs(input.retryPeriodMs, input.random);
  const expiresInMs = input.observedAtMs + input.leaseDurationMs - input.nowMs;
  if (expiresInMs <= 0) return poll;
  return Math.min(poll, expiresInMs + EXPIRY_MARGIN_MS);
}
