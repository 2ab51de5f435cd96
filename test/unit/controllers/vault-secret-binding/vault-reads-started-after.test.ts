// The read a write decision may use (vault-reads.ts `startedAfter`): one that began after the
// deciding pass did, so it shows every change made before the pass; otherwise a read of its own.
import { describe, expect, it } from 'vitest';
import type { ObservedVault, VaultGateway } from '../../../../src/azure/index.ts';
import { VaultReads } from '../../../../src/controllers/vault-secret-binding/vault-reads.ts';
import { FakeClock } from '../../../../src/runtime/testing/fake-clock.ts';

const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const REF = { resourceGroup: 'rg', name: 'kv' };
const signal = new AbortController().signal;

function countingGateway() {
  const counter = { reads: 0 };
  const gateway = {
    get: async (): Promise<ObservedVault> => {
      counter.reads += 1;
      return {
        id: VAULT_ID,
        name: 'kv',
        location: 'westeurope',
        tenantId: 't',
        enableRbacAuthorization: false,
        accessPolicies: [],
      } as unknown as ObservedVault;
    },
  } as unknown as VaultGateway;
  return { gateway, counter };
}

describe('VaultReads.startedAfter', () => {
  it('shares a read that started after the pass began', async () => {
    const clock = new FakeClock();
    const reads = new VaultReads(clock, 5_000);
    const { gateway, counter } = countingGateway();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, passStartedAt); // the first planner reads
    await clock.advance(10);
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, passStartedAt); // the next one shares it
    expect(counter.reads).toBe(1);
  });

  it('reads again for a pass that began after the kept read started (a change before it may be missing)', async () => {
    const clock = new FakeClock();
    const reads = new VaultReads(clock, 5_000);
    const { gateway, counter } = countingGateway();
    await reads.vault(gateway, VAULT_ID, REF, signal); // e.g. another binding's observation
    const sameMoment = clock.now();
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, sameMoment);
    expect(counter.reads).toBe(2);
    await clock.advance(1_000);
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, clock.now());
    expect(counter.reads).toBe(3);
  });

  it('never shares a read made before our own write to the vault', async () => {
    const clock = new FakeClock();
    const reads = new VaultReads(clock, 5_000);
    const { gateway, counter } = countingGateway();
    const passStartedAt = clock.now();
    await clock.advance(10);
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, passStartedAt);
    reads.wrote(VAULT_ID);
    await reads.startedAfter(gateway, VAULT_ID, REF, signal, passStartedAt);
    expect(counter.reads).toBe(2);
  });
});
