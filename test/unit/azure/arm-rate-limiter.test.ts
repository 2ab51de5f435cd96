import { describe, expect, it } from 'vitest';
import {
  ArmRateLimiter,
  ArmTokenBucket,
  DEFAULT_ARM_BUDGET,
  operationClassOf,
} from '../../../src/azure/arm-rate-limiter.ts';
import { isAzureError } from '../../../src/azure/azure-error.ts';
import { AzureCalls } from '../../../src/azure/instrumentation.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { restError } from './fake-errors.ts';

const budget = {
  read: { burst: 2, perSecond: 2 },
  write: { burst: 1, perSecond: 1 },
  delete: { burst: 1, perSecond: 1 },
  headroom: 0,
};

describe('ArmTokenBucket', () => {
  it('reports the whole tokens a call could take now: none while owed or drained', () => {
    let now = 0;
    const bucket = new ArmTokenBucket({ burst: 3, perSecond: 10 }, 0, () => now);
    expect(bucket.available()).toBe(3);
    bucket.reserve();
    expect(bucket.available()).toBe(2);
    bucket.reserve();
    bucket.reserve();
    bucket.reserve(); // one owed
    expect(bucket.available()).toBe(0);
    now = 150; // 1.5 tokens refilled, 1 owed
    expect(bucket.available()).toBe(0);
    now = 250; // 2.5 refilled, 1 owed
    expect(bucket.available()).toBe(1);
    bucket.drain(1_000);
    expect(bucket.available()).toBe(0);
    now = 1_250 + 200; // 200 ms after Retry-After: 2 tokens refilled from empty
    expect(bucket.available()).toBe(2);
  });

  it('serves the burst at once, then queues callers at the refill rate in arrival order', () => {
    let now = 0;
    const bucket = new ArmTokenBucket({ burst: 3, perSecond: 10 }, 0, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(100);
    expect(bucket.reserve()).toBe(200);
    now = 1_000;
    // 10 tokens refilled, 2 owed: back to a full burst of 3.
    expect(bucket.reserve()).toBe(0);
  });

  it('leaves the headroom fraction of the burst and the rate to other users', () => {
    const now = 0;
    const bucket = new ArmTokenBucket({ burst: 10, perSecond: 10 }, 0.5, () => now);
    const waits = Array.from({ length: 7 }, () => bucket.reserve());
    expect(waits).toEqual([0, 0, 0, 0, 0, 200, 400]);
  });

  it('gives no token until Retry-After after a 429, then refills from empty', () => {
    let now = 0;
    const bucket = new ArmTokenBucket({ burst: 5, perSecond: 10 }, 0, () => now);
    bucket.drain(2_000);
    expect(bucket.reserve()).toBe(2_100);
    now = 2_500;
    // 0.5 s of refill after the drain ended: 5 tokens, one owed → 4 left.
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0, 0]);
    expect(bucket.reserve()).toBe(100);
  });
});

describe('ArmRateLimiter', () => {
  it('makes a call wait for its class token on the fake clock', async () => {
    const clock = new FakeClock(0);
    const limiter = new ArmRateLimiter(budget, clock);
    expect(await limiter.acquire('write')).toBe(0);
    let waited: number | undefined;
    void limiter.acquire('write').then((ms) => {
      waited = ms;
    });
    // Reads have their own bucket and are not held back by writes.
    expect(await limiter.acquire('read')).toBe(0);
    await clock.advance(999);
    expect(waited).toBeUndefined();
    await clock.advance(1);
    expect(waited).toBe(1_000);
  });

  it('stops waiting when the signal aborts, and returns the token', async () => {
    const clock = new FakeClock(0);
    const limiter = new ArmRateLimiter(budget, clock);
    await limiter.acquire('delete');
    const abort = new AbortController();
    const waiting = limiter.acquire('delete', abort.signal).catch((error: unknown) => error);
    abort.abort(new Error('reconcile timed out'));
    expect(await waiting).toMatchObject({ message: 'reconcile timed out' });
    expect(clock.pendingTimers).toBe(0);
    // The cancelled reservation no longer delays the next caller beyond one refill.
    let waited: number | undefined;
    void limiter.acquire('delete').then((ms) => {
      waited = ms;
    });
    await clock.advance(1_000);
    expect(waited).toBe(1_000);
  });

  it('uses ARM documented buckets by default', () => {
    expect(DEFAULT_ARM_BUDGET.read).toEqual({ burst: 250, perSecond: 25 });
    expect(DEFAULT_ARM_BUDGET.write).toEqual({ burst: 200, perSecond: 10 });
    expect(DEFAULT_ARM_BUDGET.delete).toEqual({ burst: 200, perSecond: 10 });
  });

  it('classes gateway operations as ARM does', () => {
    expect(operationClassOf('vaults.get', false)).toBe('read');
    expect(operationClassOf('workflows.createOrUpdate', true)).toBe('write');
    expect(operationClassOf('vaults.updateAccessPolicy.remove', true)).toBe('write');
    expect(operationClassOf('roleAssignments.delete', true)).toBe('delete');
  });
});

describe('AzureCalls with a limiter', () => {
  it('waits for budget before the call, reports the wait, and drains the class on a 429', async () => {
    const clock = new FakeClock(0);
    const limiter = new ArmRateLimiter(budget, clock);
    const waits: Array<[string, number]> = [];
    const sent: string[] = [];
    const calls = new AzureCalls({
      limiter,
      observer: { rateLimiterWaited: (cls, ms) => waits.push([cls, ms]) },
    });
    const throttled = await calls
      .write('things.put', {}, async () => {
        sent.push('put-1');
        throw restError(429, 'TooManyRequests', 'slow', { 'retry-after': '5' });
      })
      .catch((error: unknown) => error);
    expect(isAzureError(throttled) && throttled.failure.kind).toBe('throttled');

    const next = calls.write('things.put', {}, async () => {
      sent.push('put-2');
      return 'ok';
    });
    await clock.advance(4_999);
    expect(sent).toEqual(['put-1']);
    await clock.advance(1_001);
    expect(await next).toBe('ok');
    expect(sent).toEqual(['put-1', 'put-2']);
    expect(waits).toEqual([['write', 6_000]]);
  });

  // F5 (docs/reliability.md): a 429 without Retry-After is one call's refusal, not an empty
  // subscription bucket. Draining the class for the default wait held every other call of that
  // class back, and with 5 % bare 429s the class stayed drained for minutes.
  it('does not hold the class back after a 429 without Retry-After', async () => {
    const clock = new FakeClock(0);
    const waits: Array<[string, number]> = [];
    const calls = new AzureCalls({
      limiter: new ArmRateLimiter(budget, clock),
      observer: { rateLimiterWaited: (cls, ms) => waits.push([cls, ms]) },
    });
    const bare = await calls
      .read('things.get', {}, async () => {
        throw restError(429, 'TooManyRequests', 'slow');
      })
      .catch((error: unknown) => error);
    expect(isAzureError(bare) && bare.failure).toMatchObject({ kind: 'throttled', hinted: false });
    // The read bucket still holds a token: the next read goes at once, the fake clock never moves.
    expect(await calls.read('things.get', {}, async () => 'ok')).toBe('ok');
    expect(waits).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fences a write after its wait, so a write queued by a former leader is never sent', async () => {
    const clock = new FakeClock(0);
    let leader = true;
    const calls = new AzureCalls({
      limiter: new ArmRateLimiter(budget, clock),
      observer: {
        beforeWrite: (operation) => {
          if (!leader) throw new Error(`fenced: ${operation}`);
        },
      },
    });
    await calls.write('things.put', {}, async () => 'first');
    let sent = false;
    const queued = calls
      .write('things.put', {}, async () => {
        sent = true;
      })
      .catch((error: unknown) => error);
    leader = false;
    await clock.advance(1_000);
    expect(await queued).toMatchObject({ message: 'fenced: things.put' });
    expect(sent).toBe(false);
  });

  it('fails an aborted wait as a retryable AzureError without sending the call', async () => {
    const clock = new FakeClock(0);
    const calls = new AzureCalls({ limiter: new ArmRateLimiter(budget, clock) });
    await calls.write('things.put', {}, async () => 'first');
    const abort = new AbortController();
    let sent = false;
    const queued = calls
      .write('things.put', { signal: abort.signal }, async () => {
        sent = true;
      })
      .catch((error: unknown) => error);
    const reason = Object.assign(new Error('stopping'), { name: 'AbortError' });
    abort.abort(reason);
    const error = await queued;
    expect(isAzureError(error) && error.failure).toMatchObject({ kind: 'retry', reason: 'aborted' });
    expect(sent).toBe(false);
  });
});
