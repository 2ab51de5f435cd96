import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEADER_ELECTION_TIMING,
  validateLeaderElectionTiming,
} from '../../../src/runtime/leader-election.ts';

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
