import { describe, expect, it } from 'vitest';
import { VaultLocks } from '../../../../src/controllers/vault-secret-binding/write/vault-lock.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('VaultLocks', () => {
  it('runs work on one vault one at a time, in arrival order, even when one fails', async () => {
    const locks = new VaultLocks();
    const log: string[] = [];
    const gates = [deferred(), deferred()];
    const first = locks.withVault(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/KV',
      async () => {
        log.push('first:start');
        await gates[0]?.promise;
        log.push('first:end');
        throw new Error('boom');
      },
    );
    const second = locks.withVault(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
      async () => {
        log.push('second:start');
        await gates[1]?.promise;
        log.push('second:end');
      },
    );
    await tick();
    expect(log).toEqual(['first:start']);
    gates[0]?.resolve();
    await expect(first).rejects.toThrow('boom');
    await tick();
    expect(log).toEqual(['first:start', 'first:end', 'second:start']);
    gates[1]?.resolve();
    await second;
    expect(locks.busyVaults).toBe(0);
  });

  it('lets different vaults proceed in parallel', async () => {
    const locks = new VaultLocks();
    const gate = deferred();
    const log: string[] = [];
    const a = locks.withVault('/v/a', async () => {
      log.push('a');
      await gate.promise;
    });
    const b = locks.withVault('/v/b', async () => {
      log.push('b');
    });
    await b;
    expect(log).toEqual(['a', 'b']);
    gate.resolve();
    await a;
  });

  it('counts who waits behind the holder, and a release is idempotent', async () => {
    const locks = new VaultLocks();
    const release = await locks.acquire('/v/a');
    expect(locks.waiting('/v/a')).toBe(0);
    const next = locks.acquire('/V/A');
    const last = locks.withVault('/v/a', async () => 'done');
    expect(locks.waiting('/v/a')).toBe(2);
    release();
    release();
    const releaseNext = await next;
    expect(locks.waiting('/v/a')).toBe(1);
    releaseNext();
    await expect(last).resolves.toBe('done');
    expect(locks.waiting('/v/a')).toBe(0);
    expect(locks.busyVaults).toBe(0);
  });
});
