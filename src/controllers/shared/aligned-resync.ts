// Per-group resync slots (issue 12). With the default jittered resync, the bindings of one vault
// come due at scattered times, so a short-lived shared vault read serves few of them and the
// vault is read about once per binding per period. Putting every key of a group (a vault) on
// the same slot of the period — an offset derived from the group's id — makes them come due
// together, so one read serves the whole group; different groups still spread over the period.
// Wire it as the Controller's `resyncDelay` hook:
//
//   resyncDelay: (_key, binding) => alignedResyncDelay(binding.spec.vaultId, periodMs, clock.now())

import { createHash } from 'node:crypto';

/**
 * Milliseconds from `now` to the group's next slot that is at least half a period away: the
 * delay lies in [period/2, 1.5 period), and once a group is on its slot its keys come back
 * exactly one period apart.
 */
export function alignedResyncDelay(group: string, periodMs: number, now: number): number {
  if (!(periodMs > 0)) throw new RangeError(`resync period must be > 0, got ${periodMs}`);
  const offset = slotOffset(group, periodMs);
  const earliest = now + periodMs / 2;
  const periodsBefore = Math.ceil((earliest - offset) / periodMs);
  return offset + periodsBefore * periodMs - now;
}

/** Where in the period the group's slot lies: a well-spread stable hash, case-insensitive as ARM ids are. */
export function slotOffset(group: string, periodMs: number): number {
  const digest = createHash('sha256').update(group.toLowerCase()).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * periodMs;
}
