// When reads of a vault may still lag a write of ours, and how agreement is counted
// (vault-consistency.ts): Terraform's rule, three consecutive reads 5 s apart, as the default.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONSISTENT_READS,
  MAX_CHECKS_PER_READ,
  VaultConsistency,
} from '../../../../src/controllers/vault-secret-binding/observe/vault-consistency.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';

describe('VaultConsistency', () => {
  it("defaults to Terraform's three reads, 5 s apart", () => {
    expect(DEFAULT_CONSISTENT_READS).toEqual({ reads: 3, intervalMs: 5_000 });
  });

  it('says reads may lag for the span of the confirmation after our write, or after the process started', async () => {
    const clock = new FakeClock();
    const consistency = new VaultConsistency(clock);
    // Just started: an earlier process's writes are unknown.
    expect(consistency.mayLag(VAULT)).toBe(true);
    await clock.advance(15_000);
    expect(consistency.mayLag(VAULT)).toBe(false);
    consistency.wrote(VAULT.toUpperCase());
    expect(consistency.mayLag(VAULT)).toBe(true);
    await clock.advance(14_999);
    expect(consistency.mayLag(VAULT)).toBe(true);
    await clock.advance(1);
    expect(consistency.mayLag(VAULT)).toBe(false);
  });

  it('never lags with reads set to 0', () => {
    const consistency = new VaultConsistency(new FakeClock(), { reads: 0, intervalMs: 5_000 });
    consistency.wrote(VAULT);
    expect(consistency.mayLag(VAULT)).toBe(false);
    consistency.addedFor('uid', VAULT);
    expect(consistency.awaitingAddition('uid', VAULT)).toBe(false);
  });

  it('counts agreeing reads in a row, spaced by the interval, and gives up after a bound', async () => {
    const clock = new FakeClock();
    const consistency = new VaultConsistency(clock, { reads: 2, intervalMs: 1_000 });
    consistency.start('k', 'get');
    expect(consistency.pending('k', 'get')).toBe(true);
    expect(consistency.pending('k', 'get,list')).toBe(false);
    expect(consistency.dueInMs('k')).toBe(1_000);
    await clock.advance(400);
    expect(consistency.dueInMs('k')).toBe(600);
    await clock.advance(600);
    expect(consistency.record('k', true)).toBe('waiting');
    expect(consistency.record('k', false)).toBe('waiting'); // a disagreeing read starts over
    expect(consistency.agreeing('k')).toBe(0);
    expect(consistency.record('k', true)).toBe('waiting');
    expect(consistency.record('k', true)).toBe('agreed');
    expect(consistency.pending('k', 'get')).toBe(false);

    consistency.start('k', 'get');
    const verdicts = Array.from({ length: 2 * MAX_CHECKS_PER_READ }, () => consistency.record('k', false));
    expect(verdicts.at(-1)).toBe('gaveUp');
    expect(verdicts.slice(0, -1).every((verdict) => verdict === 'waiting')).toBe(true);
  });

  it("remembers a binding's addition for the span of the confirmation only", async () => {
    const clock = new FakeClock();
    const consistency = new VaultConsistency(clock);
    consistency.addedFor('uid', VAULT);
    expect(consistency.awaitingAddition('uid', VAULT)).toBe(true);
    expect(consistency.awaitingAddition('uid', `${VAULT}2`)).toBe(false);
    await clock.advance(15_000);
    expect(consistency.awaitingAddition('uid', VAULT)).toBe(false);
  });
});
