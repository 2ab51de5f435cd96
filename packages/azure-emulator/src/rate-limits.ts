// ARM's token buckets (per subscription, per operation kind; 2024 model). Every ARM request
// takes a token and reports what is left in `x-ms-ratelimit-remaining-subscription-*`; the
// throttling fault (faults/throttling.ts) answers 429 + Retry-After when `take` returns false.

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export type ThrottledKind = 'reads' | 'writes' | 'deletes';

/** Subscription-scope buckets from Azure's request-limits page (azure-wire.md §5). */
export const ARM_SUBSCRIPTION_BUCKETS: Record<ThrottledKind, BucketSpec> = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now();
  }

  /** Takes one token if there is one; reports what is left (whole tokens). */
  take(): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSeconds: 0 };
    }
    const retryAfterSeconds = Math.ceil((1 - this.tokens) / this.spec.refillPerSecond);
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = (now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsedSeconds * this.spec.refillPerSecond);
    this.updatedAt = now;
  }
}

export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private specs: Record<ThrottledKind, BucketSpec> = ARM_SUBSCRIPTION_BUCKETS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Replaces the bucket sizes (fault configuration) and starts every bucket full. */
  configure(specs: Partial<Record<ThrottledKind, BucketSpec>>): void {
    this.specs = { ...ARM_SUBSCRIPTION_BUCKETS, ...specs };
    this.buckets.clear();
  }

  take(subscriptionId: string, kind: ThrottledKind): ReturnType<TokenBucket['take']> {
    const key = `${subscriptionId.toLowerCase()}/${kind}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.specs[kind], this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  reset(): void {
    this.buckets.clear();
  }
}
