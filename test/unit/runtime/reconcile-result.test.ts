import { describe, expect, it } from 'vitest';
import {
  applyQueueAction,
  done,
  outcomeOfError,
  queueActionFor,
  type ReconcileOutcome,
  requeueAfter,
  StalledError,
  TerminalError,
} from '../../../src/runtime/reconcile-result.ts';
import { WorkQueue } from '../../../src/runtime/work-queue.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const RESYNC = 600_000;

describe('queueActionFor', () => {
  const cases: Array<[string, ReconcileOutcome, ReturnType<typeof queueActionFor>]> = [
    [
      'done → forget, look again at resync',
      done(),
      { forget: true, requeue: { type: 'resync', delayMs: RESYNC }, holdUntilGenerationChanges: false },
    ],
    [
      'requeueAfter → forget, look again after the delay',
      requeueAfter(15_000),
      { forget: true, requeue: { type: 'after', delayMs: 15_000 }, holdUntilGenerationChanges: false },
    ],
    [
      'error → keep the failure count, rate-limited retry',
      outcomeOfError(new Error('ARM 500')),
      { forget: false, requeue: { type: 'rateLimited' }, holdUntilGenerationChanges: false },
    ],
    [
      'stalled → forget, retry only at resync',
      outcomeOfError(new StalledError('AuthorizationFailed', 'no role')),
      { forget: true, requeue: { type: 'resync', delayMs: RESYNC }, holdUntilGenerationChanges: false },
    ],
    [
      'terminal → forget, no retry until the generation changes',
      outcomeOfError(new TerminalError('InvalidSpec', 'bad location')),
      { forget: true, requeue: { type: 'none' }, holdUntilGenerationChanges: true },
    ],
  ];
  it.each(cases)('%s', (_name, outcome, expected) => {
    expect(queueActionFor(outcome, RESYNC)).toEqual(expected);
  });
});

describe('outcomeOfError', () => {
  it('classifies by error class and wraps non-errors', () => {
    expect(outcomeOfError(new TerminalError('InvalidSpec', 'x')).type).toBe('terminal');
    expect(outcomeOfError(new StalledError('QuotaExceeded', 'x')).type).toBe('stalled');
    expect(outcomeOfError(new TypeError('x')).type).toBe('error');
    const wrapped = outcomeOfError('a string');
    expect(wrapped.type).toBe('error');
    expect(wrapped.type === 'error' && wrapped.error.message).toContain('a string');
  });

  it('keeps the reason and the error name', () => {
    const error = new StalledError('PolicyDenied', 'denied by policy');
    expect(error.reason).toBe('PolicyDenied');
    expect(error.name).toBe('StalledError');
    expect(error).toBeInstanceOf(Error);
  });
});

describe('requeueAfter', () => {
  it('rejects negative or non-finite delays', () => {
    expect(() => requeueAfter(-1)).toThrow(RangeError);
    expect(() => requeueAfter(Number.NaN)).toThrow(RangeError);
  });
});

describe('applyQueueAction', () => {
  it('turns a retry into a backoff and a success into a reset', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    applyQueueAction(queue, 'ns/a', queueActionFor(outcomeOfError(new Error('boom')), RESYNC));
    applyQueueAction(queue, 'ns/a', queueActionFor(outcomeOfError(new Error('boom')), RESYNC));
    expect(queue.failures('ns/a')).toBe(2);
    expect(queue.dueAt('ns/a')).toBe(clock.now() + 1_000);
    applyQueueAction(queue, 'ns/a', queueActionFor(done(), RESYNC));
    expect(queue.failures('ns/a')).toBe(0);
  });

  it('schedules nothing for a terminal error', () => {
    const queue = new WorkQueue({ clock: new FakeClock() });
    applyQueueAction(
      queue,
      'ns/a',
      queueActionFor(outcomeOfError(new TerminalError('InvalidSpec', 'x')), RESYNC),
    );
    expect(queue.dueAt('ns/a')).toBeUndefined();
  });
});
