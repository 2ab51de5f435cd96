import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEADER_ELECTION_TIMING,
  validateLeaderElectionTiming,
} from '../../../src/runtime/leadership/leader-election.ts';
import {
  candidatePollMs,
  EXPIRY_MARGIN_MS,
  leaseExpired,
  type NextAttemptInput,
  nextCandidateAttemptMs,
} from '../../../src/runtime/leadership/lease-timing.ts';
import { seededRandom } from '../../support/seeded-random.ts';

describe('validateLeaderElectionTiming', () => {
  it('accepts the defaults', () => {
    expect(() => validateLeaderElectionTiming(DEFAULT_LEADER_ELECTION_TIMING)).not.toThrow();
  });

  it.each([
    [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      'must be greater than the renew deadline',
    ],
    [
      { leaseDurationMs: 15_000, renewDeadlineMs: 2_200, retryPeriodMs: 2_000 },
      'must exceed 1.2 x the retry period',
    ],
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 }, 'retry period must be positive'],
  ])('rejects %o: %s', (timing, message) => {
    expect(() => validateLeaderElectionTiming(timing)).toThrow(message);
  });
});

describe('leaseExpired', () => {
  it.each([
    { now: 10_999, observedAt: 5_000, lease: 6_000, expired: false },
    { now: 11_000, observedAt: 5_000, lease: 6_000, expired: true },
    { now: 20_000, observedAt: 5_000, lease: 6_000, expired: true },
  ])('observed at $observedAt, lease $lease, now $now → $expired', ({ now, observedAt, lease, expired }) => {
    expect(leaseExpired(now, observedAt, lease)).toBe(expired);
  });
});

describe('candidatePollMs', () => {
  it('is a quarter retry period, plus up to 20 % jitter', () => {
    expect(candidatePollMs(1000, () => 0)).toBe(250);
    expect(candidatePollMs(1000, () => 0.999999)).toBeCloseTo(300, 3);
  });
});

describe('nextCandidateAttemptMs', () => {
  const base: NextAttemptInput = {
    nowMs: 100_000,
    observedAtMs: 100_000,
    leaseDurationMs: 6_000,
    retryPeriodMs: 1_000,
    random: () => 0,
  };

  it.each([
    { name: 'a lease far from expiry: the next poll', observedAtMs: 100_000, want: 250 },
    {
      name: 'a lease expiring before the next poll: just after its expiry',
      observedAtMs: 94_200,
      want: 200 + EXPIRY_MARGIN_MS,
    },
    { name: 'a lease expiring right now: just after', observedAtMs: 94_000 + 1, want: 1 + EXPIRY_MARGIN_MS },
    {
      name: 'an expired lease we failed to take (race, API error): the next poll',
      observedAtMs: 90_000,
      want: 250,
    },
    { name: 'a lease never read: the next poll', observedAtMs: 0, want: 250 },
  ])('$name', ({ observedAtMs, want }) => {
    expect(nextCandidateAttemptMs({ ...base, observedAtMs })).toBe(want);
  });

  it('never sleeps longer than a jittered poll', () => {
    expect(nextCandidateAttemptMs({ ...base, random: () => 0.999999 })).toBeLessThanOrEqual(300);
  });
});

// A leader renews every retry period until it freezes at `stopAtMs`; a candidate reads the lease,
// each read answered `rttMs` later, and waits as the policy says after each failed attempt.
// Returns when the candidate takes the lease and when the frozen leader last renewed.
type Policy = (input: NextAttemptInput) => number;

interface Scenario {
  leaseDurationMs: number;
  retryPeriodMs: number;
  stopAtMs: number;
  leaderPhaseMs: number;
  candidateStartMs: number;
  rttMs: number;
  random: () => number;
}

function simulateTakeover(policy: Policy, s: Scenario): { takeoverAtMs: number; lastRenewAtMs: number } {
  const renewals: number[] = [];
  for (let t = s.leaderPhaseMs; t < s.stopAtMs; t += s.retryPeriodMs) renewals.push(t);
  const lastRenewAtMs = renewals.at(-1) ?? 0;
  let observedVersion = -1;
  let observedAtMs = 0;
  let readAt = s.candidateStartMs;
  for (let n = 0; n < 10_000; n++) {
    // The server answers at readAt + rtt/2 with the last renewal it has; we see it at readAt + rtt.
    const serverAt = readAt + s.rttMs / 2;
    const version = renewals.filter((t) => t <= serverAt).length;
    const seenAt = readAt + s.rttMs;
    if (version !== observedVersion) {
      observedVersion = version;
      observedAtMs = seenAt;
    }
    if (leaseExpired(seenAt, observedAtMs, s.leaseDurationMs))
      return { takeoverAtMs: seenAt + s.rttMs, lastRenewAtMs };
    readAt =
      seenAt +
      policy({
        nowMs: seenAt,
        observedAtMs,
        leaseDurationMs: s.leaseDurationMs,
        retryPeriodMs: s.retryPeriodMs,
        random: s.random,
      });
  }
  throw new Error('the candidate never took the lease');
}

/** client-go's candidate: a full retry period with 1.2× jitter between attempts. */
const clientGoPolicy: Policy = (input) => input.retryPeriodMs * (1 + (input.random ?? Math.random)() * 0.2);

function scenarios(count: number, timing: { leaseDurationMs: number; retryPeriodMs: number }): Scenario[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, () => ({
    ...timing,
    leaderPhaseMs: random() * timing.retryPeriodMs,
    candidateStartMs: random() * timing.retryPeriodMs,
    stopAtMs: 20_000 + random() * timing.retryPeriodMs,
    rttMs: 2 + random() * 20,
    random: seededRandom(Math.floor(random() * 2 ** 31)),
  }));
}

describe('takeover after the leader freezes (simulated)', () => {
  for (const timing of [
    { leaseDurationMs: 6_000, retryPeriodMs: 1_000 }, // the failover chaos suite
    { leaseDurationMs: 15_000, retryPeriodMs: 2_000 }, // the defaults
  ]) {
    const runs = scenarios(2_000, timing);
    const budget = timing.leaseDurationMs + timing.retryPeriodMs;

    it(`is within lease + retry (${budget} ms) for every one of ${runs.length} phases`, () => {
      const worst = Math.max(
        ...runs.map((s) => simulateTakeover(nextCandidateAttemptMs, s).takeoverAtMs - s.stopAtMs),
      );
      // 0.3 retry of polling, a lease, and three round trips at most.
      expect(worst).toBeLessThanOrEqual(timing.leaseDurationMs + 0.3 * timing.retryPeriodMs + 3 * 22);
      expect(worst).toBeLessThanOrEqual(budget);
    });

    it('never takes the lease before a lease duration has passed since the last renewal', () => {
      for (const s of runs) {
        const { takeoverAtMs, lastRenewAtMs } = simulateTakeover(nextCandidateAttemptMs, s);
        expect(takeoverAtMs - lastRenewAtMs).toBeGreaterThanOrEqual(timing.leaseDurationMs);
      }
    });

    it("client-go's jittered retry misses that budget in some phases (the simulation can tell)", () => {
      const late = runs.filter((s) => simulateTakeover(clientGoPolicy, s).takeoverAtMs - s.stopAtMs > budget);
      expect(late.length).toBeGreaterThan(0);
    });
  }
});
