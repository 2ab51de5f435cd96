// The URI of a vault (https://<name>.vault.azure.net/) follows from its ARM id and never changes,
// yet resolving injected secret URIs read the vault on every pass of every workflow — at resync
// that was one vault read per workflow per period on top of the workflow's own read. Once seen,
// a vault's URI is kept for a while (the TTL only bounds memory of vaults no longer used).
//
// Kept per Azure actor (issue 23): a namespace acting as its own identity learns a vault's URI
// from its own read, so an identity with no read on the vault gets Azure's refusal (the workflow
// says so) instead of another namespace's answer, and the request log shows its own principal.
// Workflows of one actor still share one read per vault.
import { normalizeResourceId } from '../../azure/index.ts';
import type { Clock } from '../../runtime/index.ts';
import { ReadsByActor } from '../shared/reads-by-actor.ts';

/** Expired URIs are dropped once this many are kept. */
const PRUNE_ABOVE = 512;

export class VaultUris {
  private readonly uris = new ReadsByActor<{ uri: string; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The vault's URI as `actor` (AzureActor.key) read it within the TTL. */
  get(actor: string, vaultId: string): string | undefined {
    const key = normalizeResourceId(vaultId);
    const entry = this.uris.get(key, actor);
    if (!entry) return undefined;
    if (!this.expired(entry)) return entry.uri;
    this.uris.delete(key, actor);
    return undefined;
  }

  remember(actor: string, vaultId: string, uri: string): void {
    if (this.ttlMs <= 0) return;
    this.uris.set(normalizeResourceId(vaultId), actor, { uri, at: this.clock.now() });
    if (this.uris.size > PRUNE_ABOVE) this.uris.prune((entry) => this.expired(entry));
  }

  private expired(entry: { at: number }): boolean {
    return this.clock.now() - entry.at >= this.ttlMs;
  }
}
