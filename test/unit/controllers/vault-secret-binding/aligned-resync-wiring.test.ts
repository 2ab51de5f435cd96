import { describe, expect, it } from 'vitest';
import { vaultAlignedResync } from '../../../../src/controllers/vault-secret-binding/controller.ts';
import type { VaultSecretBinding } from '../../../../src/crds/index.ts';

const PERIOD_MS = 600_000;
const vault = (name: string) =>
  `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`;
const binding = (vaultId: string) => ({ spec: { vaultId } }) as unknown as VaultSecretBinding;

describe('binding resync is aligned per vault', () => {
  it('brings bindings of one vault due at the same moment, whenever they were reconciled', () => {
    let now = 1_000_000;
    const delay = vaultAlignedResync({ periodMs: PERIOD_MS, jitterFraction: 0.1 }, { now: () => now });
    const firstDue = now + delay('ns/a', binding(vault('kv-1')));
    now += 37_000;
    const secondDue = now + delay('ns/b', binding(vault('KV-1')));
    expect(secondDue).toBe(firstDue);
    // Never sooner than half a period, never later than one and a half.
    expect(secondDue - now).toBeGreaterThanOrEqual(PERIOD_MS / 2);
    expect(secondDue - now).toBeLessThan(1.5 * PERIOD_MS);
  });

  it('spreads different vaults over the period', () => {
    const delay = vaultAlignedResync({ periodMs: PERIOD_MS, jitterFraction: 0.1 }, { now: () => 0 });
    const slots = new Set(['kv-1', 'kv-2', 'kv-3', 'kv-4'].map((v) => delay('ns/x', binding(vault(v)))));
    expect(slots.size).toBe(4);
  });
});
