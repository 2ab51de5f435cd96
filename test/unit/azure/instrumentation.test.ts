import { describe, expect, it } from 'vitest';
import { isAzureError } from '../../../src/azure/azure-error.ts';
import { type AzureCallRecord, AzureCalls } from '../../../src/azure/instrumentation.ts';
import { restError } from './fake-errors.ts';

function setup(leader = true) {
  const records: AzureCallRecord[] = [];
  let tick = 100;
  const calls = new AzureCalls({
    observer: {
      beforeWrite: (operation) => {
        if (!leader) throw new Error(`fenced: ${operation}`);
      },
      callCompleted: (record) => records.push(record),
    },
    monotonicNow: () => {
      tick += 5;
      return tick;
    },
  });
  return { calls, records };
}

describe('AzureCalls', () => {
  it('passes the abort signal and a response hook to the SDK, and records the status', async () => {
    const { calls, records } = setup();
    const signal = new AbortController().signal;
    const result = await calls.read('things.get', { signal }, async (sdk) => {
      expect(sdk.abortSignal).toBe(signal);
      sdk.onResponse({ status: 200 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(records).toEqual([
      { operation: 'things.get', write: false, outcome: 'success', statusCode: 200, durationMs: 5 },
    ]);
  });

  it('throws failures as a classified AzureError and records them', async () => {
    const { calls, records } = setup();
    const error = await calls
      .write('things.put', {}, async () => {
        throw restError(429, 'TooManyRequests', 'slow', { 'retry-after': '4' });
      })
      .catch((e: unknown) => e);
    expect(isAzureError(error) && error.failure).toMatchObject({ kind: 'throttled', retryAfterMs: 4000 });
    expect(records).toEqual([
      {
        operation: 'things.put',
        write: true,
        outcome: 'throttled',
        statusCode: 429,
        errorCode: 'TooManyRequests',
        durationMs: 5,
      },
    ]);
  });

  it('does not send a write the fence refuses', async () => {
    const { calls, records } = setup(false);
    let sent = false;
    await expect(
      calls.write('things.delete', {}, async () => {
        sent = true;
      }),
    ).rejects.toThrow('fenced: things.delete');
    expect(sent).toBe(false);
    expect(records).toEqual([]);
  });

  it('reads are not fenced', async () => {
    const { calls } = setup(false);
    await expect(calls.read('things.get', {}, async () => 1)).resolves.toBe(1);
  });
});

describe('AzureCalls.readPages: one limiter token per page, as ARM counts them', () => {
  /** A limiter that logs each acquire, and a pager that logs each page fetch, in one timeline. */
  function paged(pageCount: number, opts: { abortAt?: number } = {}) {
    const log: string[] = [];
    const aborter = new AbortController();
    let acquires = 0;
    const limiter = {
      acquire: async (operationClass: string, signal?: AbortSignal) => {
        acquires += 1;
        if (acquires === opts.abortAt) aborter.abort(new Error('stopped'));
        signal?.throwIfAborted();
        log.push(`token ${operationClass}`);
        return acquires === 1 ? 0 : 7;
      },
      throttled: () => undefined,
    };
    const waited: number[] = [];
    const calls = new AzureCalls({
      limiter,
      observer: { rateLimiterWaited: (_class, ms) => waited.push(ms) },
    });
    async function* pages() {
      for (let i = 1; i <= pageCount; i += 1) {
        log.push(`fetch page ${i}`);
        yield { items: [i], more: i < pageCount };
      }
    }
    const run = () => calls.readPages('things.list', { signal: aborter.signal }, pages, (page) => page.more);
    const runKeeping = () =>
      calls.readPages(
        'things.list',
        { signal: aborter.signal },
        pages,
        (page) => page.more,
        (page) => {
          log.push(`keep page ${page.items[0]}`);
          return page.items[0];
        },
      );
    return { run, runKeeping, log, waited };
  }

  it('hands each page to keep as it arrives, before the next one is fetched, and returns what it kept', async () => {
    const { runKeeping, log } = paged(3);
    expect(await runKeeping()).toEqual([1, 2, 3]);
    expect(log).toEqual([
      'token read',
      'fetch page 1',
      'keep page 1',
      'token read',
      'fetch page 2',
      'keep page 2',
      'token read',
      'fetch page 3',
      'keep page 3',
    ]);
  });

  it('takes a read token right before each page is fetched, and none after the last', async () => {
    const { run, log, waited } = paged(3);
    const pages = await run();
    expect(pages.map((p) => p.items)).toEqual([[1], [2], [3]]);
    expect(log).toEqual([
      'token read',
      'fetch page 1',
      'token read',
      'fetch page 2',
      'token read',
      'fetch page 3',
    ]);
    // Waits for later pages are reported like any other wait for the limiter.
    expect(waited).toEqual([7, 7]);
  });

  it('a one-page listing costs one token', async () => {
    const { run, log } = paged(1);
    await run();
    expect(log).toEqual(['token read', 'fetch page 1']);
  });

  it('an abort while waiting for a later page token fails the listing without fetching that page', async () => {
    const { run, log } = paged(3, { abortAt: 2 });
    const error = await run().catch((e: unknown) => e);
    expect(isAzureError(error)).toBe(true);
    expect(log).toEqual(['token read', 'fetch page 1']);
  });
});
