// The URI of a vault (https://<name>.vault.azure.net/) follows from its ARM id and never changes,
// yet resolving injected secret URIs read the vault on every pass of every workflow — at resync
// that was one vault read per workflow per period on top of the workflow's own read. Once seen,
// a vault's URI is kept for a while (the TTL only bounds memory of vaults no longer used).
import { normalizeResourceId } from '../../azure/index.ts';
import type { Clock } from '../../runtime/index.ts';

export class VaultUris {
  private readonly uris = new Map<string, { uri: string; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  get(vaultId: string): string | undefined {
    const key = normalizeResourceId(vaultId);
    const entry = this.uris.get(key);
    if (!entry) return undefined;
    if (this.clock.now() - entry.at < this.ttlMs) return entry.uri;
    this.uris.delete(key);
    return undefined;
  }

  remember(vaultId: string, uri: string): void {
    if (this.ttlMs <= 0) return;
    this.uris.set(normalizeResourceId(vaultId), { uri, at: this.clock.now() });
  }
}
