// When each access-policy permission was granted, so a new grant can take effect only after
// the configured propagation delay. Observed after every ARM write to a vault (in memory:
// grants the emulator never saw being made, e.g. seeded ones, count as old).
import type { AccessPolicyEntry } from '../state.ts';

export function grantKey(objectId: string, applicationId: string | undefined, permission: string): string {
  return `${objectId.toLowerCase()}|${(applicationId ?? '').toLowerCase()}|${permission.toLowerCase()}`;
}

export class GrantClock {
  private readonly vaults = new Map<string, Map<string, number>>();

  /** Records the vault's current secret permissions: new ones get `nowMs`, removed ones are forgotten. */
  observe(vaultName: string, entries: readonly AccessPolicyEntry[], nowMs: number): void {
    const previous = this.vaults.get(vaultName.toLowerCase()) ?? new Map<string, number>();
    const current = new Map<string, number>();
    for (const entry of entries) {
      for (const permission of entry.permissions.secrets ?? []) {
        const key = grantKey(entry.objectId, entry.applicationId, permission);
        current.set(key, previous.get(key) ?? nowMs);
      }
    }
    this.vaults.set(vaultName.toLowerCase(), current);
  }

  /** When the permission was granted; undefined when it was never observed (treat as long ago). */
  grantedAt(vaultName: string, key: string): number | undefined {
    return this.vaults.get(vaultName.toLowerCase())?.get(key);
  }

  clear(): void {
    this.vaults.clear();
  }
}
