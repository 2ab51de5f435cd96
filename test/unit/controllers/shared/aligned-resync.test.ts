import { describe, expect, it } from 'vitest';
import { alignedResyncDelay, slotOffset } from '../../../../src/controllers/shared/aligned-resync.ts';

const PERIOD = 600_000;
const VAULT_A = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a';

describe('alignedResyncDelay', () => {
  it('brings every key of a group back at the same instant, whenever in the period each finished', () => {
    // Passes that end within one period after the slot's half-way mark all wait for the same slot.
    const start = slotOffset(VAULT_A, PERIOD) + PERIOD / 2;
    const dueAt = [1, 1_234, 59_000, PERIOD - 1].map((late) => {
      const now = start + late;
      return now + alignedResyncDelay(VAULT_A, PERIOD, now);
    });
    expect(new Set(dueAt).size).toBe(1);
  });

  it('waits between half a period and one and a half', () => {
    for (let now = 0; now < 3 * PERIOD; now += 7_919) {
      const delay = alignedResyncDelay(VAULT_A, PERIOD, now);
      expect(delay).toBeGreaterThanOrEqual(PERIOD / 2);
      expect(delay).toBeLessThan(1.5 * PERIOD);
    }
  });

  it('keeps a group on its slot: one period between passes', () => {
    const first = alignedResyncDelay(VAULT_A, PERIOD, 10_000) + 10_000;
    expect(alignedResyncDelay(VAULT_A, PERIOD, first)).toBe(PERIOD);
  });

  it('spreads different groups over the period and ignores id case', () => {
    const offsets = Array.from({ length: 50 }, (_, i) => slotOffset(`${VAULT_A}-${i}`, PERIOD));
    expect(Math.min(...offsets)).toBeLessThan(PERIOD / 4);
    expect(Math.max(...offsets)).toBeGreaterThan((3 * PERIOD) / 4);
    expect(slotOffset(VAULT_A.toUpperCase(), PERIOD)).toBe(slotOffset(VAULT_A, PERIOD));
  });

  it('refuses a period that is not positive', () => {
    expect(() => alignedResyncDelay(VAULT_A, 0, 0)).toThrow(RangeError);
  });
});
