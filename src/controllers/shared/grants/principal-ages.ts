// Entra ID needs a while (seconds to minutes) before a just-created principal is visible to
// Key Vault and ARM, and before the identity can get a token at all; meanwhile they answer
// PrincipalNotFound or AuthorizationFailed. Only a principal that is new may be given that
// benefit of the doubt — for an old one AuthorizationFailed means the operator lacks a role,
// which a human must fix.
//
// "New" counts from the workflow's `status.identity.principalObservedAt` (written by the workflow
// controller when the principal first appears, so it survives operator restarts). Workflows whose
// status predates that field fall back to "first seen by this process" (a restart grants one more
// window: a few retries, not a loop).
import type { Clock } from '../../../runtime/index.ts';

export const DEFAULT_REPLICATION_WINDOW_MS = 10 * 60_000;

export class PrincipalAges {
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly windowMs = DEFAULT_REPLICATION_WINDOW_MS,
  ) {}

  /**
   * How long ago the principal was first observed: from `observedAt` (RFC 3339, from the
   * workflow status) when known, else from this process's first sight (noted on the first call).
   */
  ageMs(principalId: string, observedAt?: string): number {
    const now = this.clock.now();
    const recorded = observedAt ? Date.parse(observedAt) : Number.NaN;
    if (Number.isFinite(recorded)) return Math.max(0, now - recorded);
    const key = principalId.toLowerCase();
    const seen = this.firstSeen.get(key) ?? now;
    this.firstSeen.set(key, seen);
    for (const [other, at] of this.firstSeen) if (now - at > 2 * this.windowMs) this.firstSeen.delete(other);
    return now - seen;
  }

  /** Whether the principal is still within the replication window. */
  isNew(principalId: string, observedAt?: string): boolean {
    return this.ageMs(principalId, observedAt) < this.windowMs;
  }
}
