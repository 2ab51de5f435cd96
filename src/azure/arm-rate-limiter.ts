// Client-side ARM budget (issue 12): ARM throttles each subscription with token buckets per
// operation class (azure-wire.md "Throttling": reads 250 + 25/s, writes and deletes 200 + 10/s).
// logicops keeps its own copy of those buckets, shrunk by a headroom fraction so other users of
// the subscription keep some budget, and waits for a token before every call. So the operator
// itself never causes a 429; when one arrives anyway with Retry-After (someone else spent the
// budget), the class's bucket is drained until then, so every other call of that class waits
// instead of hitting ARM again. A 429 without Retry-After does not drain anything (AzureCalls
// decides): it is one call's refusal, not an empty bucket (docs/reliability.md, F5).
import type { Clock } from '../runtime/clock.ts';

export type ArmOperationClass = 'read' | 'write' | 'delete';

export interface ArmBucketSettings {
  burst: number;
  perSecond: number;
}

export interface ArmBudget {
  read: ArmBucketSettings;
  write: ArmBucketSettings;
  delete: ArmBucketSettings;
  /** Share of each bucket left to other users of the subscription, 0 ≤ headroom < 1. */
  headroom: number;
}

/** ARM's documented per-subscription buckets, with 10 % left to everyone else. */
export const DEFAULT_ARM_BUDGET: ArmBudget = {
  read: { burst: 250, perSecond: 25 },
  write: { burst: 200, perSecond: 10 },
  delete: { burst: 200, perSecond: 10 },
  headroom: 0.1,
};

/**
 * One token bucket. Reservations may take it below zero: later callers queue behind earlier ones
 * in arrival order and each learns its wait at once (like Go's rate.Limiter.Reserve).
 */
export class ArmTokenBucket {
  private tokens: number;
  /** Tokens are counted up to here; in the future while drained after a 429. */
  private countedUntil: number;
  private readonly burst: number;
  private readonly perMs: number;

  constructor(
    settings: ArmBucketSettings,
    headroom: number,
    private readonly now: () => number,
  ) {
    this.burst = Math.max(1, Math.floor(settings.burst * (1 - headroom)));
    this.perMs = (settings.perSecond * (1 - headroom)) / 1000;
    if (!(this.perMs > 0)) throw new Error('an ARM bucket needs a refill rate above 0');
    this.tokens = this.burst;
    this.countedUntil = now();
  }

  /** Takes one token; returns how many ms the caller must wait before using it. */
  reserve(): number {
    const now = this.refill();
    this.tokens -= 1;
    const drained = Math.max(0, this.countedUntil - now);
    return drained + (this.tokens < 0 ? Math.ceil(-this.tokens / this.perMs) : 0);
  }

  /** Whole tokens a call could take now without waiting; 0 while drained or owed (metrics only). */
  available(): number {
    const now = this.refill();
    if (this.countedUntil > now) return 0;
    return Math.max(0, Math.floor(this.tokens));
  }

  /** Gives back a reserved token that was never used (the caller gave up waiting). */
  cancel(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** ARM said 429: no tokens until `retryAfterMs` from now, then refill from empty. */
  drain(retryAfterMs: number): void {
    const now = this.refill();
    this.tokens = Math.min(this.tokens, 0);
    this.countedUntil = Math.max(this.countedUntil, now + retryAfterMs);
  }

  private refill(): number {
    const now = this.now();
    if (now > this.countedUntil) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.countedUntil) * this.perMs);
      this.countedUntil = now;
    }
    return now;
  }
}

/** The buckets of ONE subscription (make one limiter per subscription). */
export class ArmRateLimiter {
  private readonly buckets: Record<ArmOperationClass, ArmTokenBucket>;

  constructor(
    budget: ArmBudget,
    private readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
  ) {
    const now = () => clock.now();
    this.buckets = {
      read: new ArmTokenBucket(budget.read, budget.headroom, now),
      write: new ArmTokenBucket(budget.write, budget.headroom, now),
      delete: new ArmTokenBucket(budget.delete, budget.headroom, now),
    };
  }

  /**
   * Resolves with the ms waited once the call may go; rejects with the signal's reason when it
   * aborts first (the token goes back).
   */
  async acquire(operationClass: ArmOperationClass, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const bucket = this.buckets[operationClass];
    const waitMs = bucket.reserve();
    if (waitMs <= 0) return 0;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        bucket.cancel();
        reject(signal?.reason ?? new Error('aborted'));
      };
      const timer = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return waitMs;
  }

  /** Whole tokens left per class, for the logicops_arm_budget_remaining gauge. */
  remaining(): Record<ArmOperationClass, number> {
    return {
      read: this.buckets.read.available(),
      write: this.buckets.write.available(),
      delete: this.buckets.delete.available(),
    };
  }

  throttled(operationClass: ArmOperationClass, retryAfterMs: number): void {
    this.buckets[operationClass].drain(retryAfterMs);
  }
}

/** ARM's class of a gateway operation: DELETEs have their own bucket; every other write is a write. */
export function operationClassOf(operation: string, write: boolean): ArmOperationClass {
  if (!write) return 'read';
  return /\.delete$/.test(operation) ? 'delete' : 'write';
}
