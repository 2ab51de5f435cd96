// Entra ID needs a while (seconds to minutes) before a just-created principal is visible to
// Key Vault and ARM; meanwhile they answer PrincipalNotFound or AuthorizationFailed. Only a
// principal that is new may be given that benefit of the doubt — for an old one
// AuthorizationFailed means the operator lacks a role, which a human must fix. The workflow's
// status has no creation time for its identity, so "new" means first seen by this process
// within the replication window (a restart grants one more window: a few retries, not a loop).
import type { Clock } from '../../runtime/index.ts';

export const DEFAULT_REPLICATION_WINDOW_MS = 10 * 60_000;

export class PrincipalAges {
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = DEFAULT_REPLICATION_WINDOW_MS,
  ) {}

  /** Notes the principal (first call wins) and says whether it is still within the window. */
  isNew(principalId: string): boolean {
    const key = principalId.toLowerCase();
    const now = this.clock.now();
    const seen = this.firstSeen.get(key) ?? now;
    this.firstSeen.set(key, seen);
    for (const [other, at] of this.firstSeen) if (now - at > 2 * this.windowMs) this.firstSeen.delete(other);
    return now - seen < this.windowMs;
  }
}
