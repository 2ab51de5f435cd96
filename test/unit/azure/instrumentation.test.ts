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
