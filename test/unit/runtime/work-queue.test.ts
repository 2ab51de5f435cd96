import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/runtime/backoff.ts';
import { WorkQueue, type WorkQueueOptions } from '../../../src/runtime/work-queue.ts';
import { FakeClock } from '../../support/fake-clock.ts';

function makeQueue(overrides: Partial<WorkQueueOptions> = {}) {
  const clock = new FakeClock();
  // A generous bucket by default so only the per-key backoff shows, unless a test sets one.
  const queue = new WorkQueue({ clock, retryRate: { perSecond: 1000, burst: 1000 }, ...overrides });
  return { clock, queue };
}

/** Takes a key if one is ready right now, without waiting. */
async function tryGet(queue: WorkQueue): Promise<string | undefined> {
  const abort = new AbortController();
  const pending = queue.get(abort.signal);
  await Promise.resolve();
  abort.abort();
  return pending;
}

describe('WorkQueue', () => {
  it('de-duplicates a key added several times before it is taken', async () => {
    const { queue } = makeQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.depth).toBe(2);
    expect(await tryGet(queue)).toBe('ns/a');
    expect(await tryGet(queue)).toBe('ns/b');
    expect(await tryGet(queue)).toBeUndefined();
  });

  it('never hands a key that is being processed to a second worker', async () => {
    const { queue } = makeQueue();
    queue.add('ns/a');
    const first = await queue.get();
    queue.add('ns/a');
    queue.add('ns/b');
    // The second worker gets the other key, not the one still in progress.
    expect(first).toBe('ns/a');
    expect(await tryGet(queue)).toBe('ns/b');
    expect(await tryGet(queue)).toBeUndefined();
  });

  it('runs a key re-added during processing exactly once more, after done', async () => {
    const { queue } = makeQueue();
    queue.add('ns/a');
    const key = await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');
    expect(await tryGet(queue)).toBeUndefined();
    queue.done(key!);
    expect(await tryGet(queue)).toBe('ns/a');
    queue.done('ns/a');
    expect(await tryGet(queue)).toBeUndefined();
  });

  it('hands a key to a worker that was already waiting when the key arrives', async () => {
    const { queue } = makeQueue();
    const waiting = queue.get();
    queue.add('ns/a');
    expect(await waiting).toBe('ns/a');
  });

  it('lets the earliest of several delayed adds win', async () => {
    const { clock, queue } = makeQueue();
    queue.addAfter('ns/a', 10_000);
    queue.addAfter('ns/a', 3_000);
    queue.addAfter('ns/a', 60_000);
    expect(queue.dueAt('ns/a')).toBe(clock.now() + 3_000);
    await clock.advance(2_999);
    expect(await tryGet(queue)).toBeUndefined();
    await clock.advance(1);
    expect(await tryGet(queue)).toBe('ns/a');
    queue.done('ns/a');
    // The later adds were absorbed, not kept as extra runs.
    await clock.advance(120_000);
    expect(await tryGet(queue)).toBeUndefined();
  });

  it('makes a delayed key ready at once when it is added without delay', async () => {
    const { queue } = makeQueue();
    queue.addAfter('ns/a', 60_000);
    queue.add('ns/a');
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('holds a delayed key that falls due while being processed until done', async () => {
    const { clock, queue } = makeQueue();
    queue.add('ns/a');
    await queue.get();
    queue.addAfter('ns/a', 1_000);
    await clock.advance(5_000);
    expect(await tryGet(queue)).toBeUndefined();
    queue.done('ns/a');
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('keeps a later delayed add made during processing for after done', async () => {
    const { clock, queue } = makeQueue();
    queue.add('ns/a');
    await queue.get();
    queue.addAfter('ns/a', 10_000);
    queue.done('ns/a');
    await clock.advance(9_999);
    expect(await tryGet(queue)).toBeUndefined();
    await clock.advance(1);
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('backs off exponentially per key from 1 s, capped at 5 min', async () => {
    const { clock, queue } = makeQueue();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const before = clock.now();
      queue.addRateLimited('ns/a');
      delays.push(queue.dueAt('ns/a')! - before);
      await clock.advance(queue.dueAt('ns/a')! - before);
      expect(await queue.get()).toBe('ns/a');
      queue.done('ns/a');
    }
    expect(delays).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
    expect(queue.failures('ns/a')).toBe(12);
  });

  it('keeps failure counts per key', () => {
    const { clock, queue } = makeQueue();
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/b');
    expect(queue.failures('ns/a')).toBe(2);
    expect(queue.failures('ns/b')).toBe(1);
    expect(queue.dueAt('ns/b')).toBe(clock.now() + 1_000);
  });

  it('starts the backoff from the base again after forget (success)', async () => {
    const { clock, queue } = makeQueue();
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    queue.forget('ns/a');
    expect(queue.failures('ns/a')).toBe(0);
    await clock.advance(10_000);
    await queue.get();
    queue.done('ns/a');
    queue.addRateLimited('ns/a');
    expect(queue.dueAt('ns/a')).toBe(clock.now() + 1_000);
  });

  it('spaces retries of many keys by the global rate limit', () => {
    const { clock, queue } = makeQueue({ retryRate: { perSecond: 0.5, burst: 2 } });
    const keys = ['a', 'b', 'c', 'd', 'e'].map((n) => `ns/${n}`);
    for (const key of keys) queue.addRateLimited(key);
    const delays = keys.map((key) => queue.dueAt(key)! - clock.now());
    // A burst of 2 goes at the per-key backoff (1 s); after that one token every 2 s, each
    // retry queued behind the previous one, because the bucket's delay is now the larger.
    expect(delays).toEqual([1_000, 1_000, 2_000, 4_000, 6_000]);
  });

  it('lets the global bucket refill over time', async () => {
    const { clock, queue } = makeQueue({ retryRate: { perSecond: 1, burst: 1 } });
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/b');
    queue.addRateLimited('ns/c');
    expect(queue.dueAt('ns/c')! - clock.now()).toBe(2_000);
    await clock.advance(10_000);
    queue.addRateLimited('ns/d');
    expect(queue.dueAt('ns/d')! - clock.now()).toBe(1_000);
  });

  it('resolves waiting workers with undefined on shut down and ignores later adds', async () => {
    const { queue } = makeQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('ns/a');
    expect(await queue.get()).toBeUndefined();
  });

  it('hands out background keys (resyncs) only when no ordinary key is ready', async () => {
    const { clock, queue } = makeQueue();
    queue.addAfter('ns/resync-1', 0, 'background');
    queue.addAfter('ns/resync-2', 0, 'background');
    await clock.advance(1);
    queue.add('ns/new-1');
    queue.add('ns/new-2');
    expect(queue.depth).toBe(4);
    expect(await tryGet(queue)).toBe('ns/new-1');
    expect(await tryGet(queue)).toBe('ns/new-2');
    expect(await tryGet(queue)).toBe('ns/resync-1');
    expect(await tryGet(queue)).toBe('ns/resync-2');
  });

  it('makes a background key ordinary when it is added again as ordinary work', async () => {
    const { clock, queue } = makeQueue();
    queue.addAfter('ns/a', 0, 'background');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.isBackground('ns/a')).toBe(false);
    // Promoted, it queues behind the ordinary keys already ready.
    expect(await tryGet(queue)).toBe('ns/b');
    expect(await tryGet(queue)).toBe('ns/a');

    // Waiting in the background, then an ordinary add later than its due time: still ordinary.
    queue.done('ns/a');
    queue.done('ns/b');
    queue.addAfter('ns/a', 1_000, 'background');
    queue.addAfter('ns/a', 5_000);
    expect(queue.isBackground('ns/a')).toBe(false);
    expect(queue.dueAt('ns/a')).toBe(clock.now() + 1_000);
    queue.addAfter('ns/c', 0, 'background');
    await clock.advance(1_000);
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('keeps an ordinary pending key ordinary when a resync is scheduled for it', async () => {
    const { clock, queue } = makeQueue();
    queue.addAfter('ns/a', 2_000);
    queue.addAfter('ns/a', 1_000, 'background');
    expect(queue.isBackground('ns/a')).toBe(false);
    queue.addAfter('ns/z', 0, 'background');
    await clock.advance(1_000);
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('hands a background key straight to an idle worker', async () => {
    const { clock, queue } = makeQueue();
    const waiting = queue.get();
    queue.addAfter('ns/resync', 500, 'background');
    await clock.advance(500);
    expect(await waiting).toBe('ns/resync');
  });

  it('keeps a background re-add made during processing in the background after done', async () => {
    const { queue } = makeQueue();
    queue.add('ns/a');
    expect(await tryGet(queue)).toBe('ns/a');
    queue.addAfter('ns/a', 0, 'background');
    queue.add('ns/b');
    queue.done('ns/a');
    expect(queue.isBackground('ns/a')).toBe(true);
    expect(await tryGet(queue)).toBe('ns/b');
    expect(await tryGet(queue)).toBe('ns/a');
  });

  it('reports adds, starts, finishes and retries to its observer', async () => {
    const events: string[] = [];
    const { clock, queue } = makeQueue({
      observer: {
        added: (key) => events.push(`added ${key}`),
        started: (key, queuedMs) => events.push(`started ${key} after ${queuedMs}`),
        finished: (key, workMs) => events.push(`finished ${key} in ${workMs}`),
        retried: (key, delayMs) => events.push(`retried ${key} in ${delayMs}`),
      },
    });
    queue.add('ns/a');
    queue.add('ns/a');
    await clock.advance(5);
    await queue.get();
    await clock.advance(20);
    queue.addRateLimited('ns/a');
    queue.done('ns/a');
    expect(events).toEqual([
      'added ns/a',
      'started ns/a after 5',
      'retried ns/a in 1000',
      'added ns/a',
      'finished ns/a in 20',
    ]);
  });
});

describe('backoffDelay', () => {
  it('never exceeds the cap, even after very many failures', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 300_000, factor: 2 };
    expect(backoffDelay(policy, 10_000)).toBe(300_000);
    expect(backoffDelay(policy, 0)).toBe(1_000);
  });
});
