// A global token bucket shared by every key of one queue, so that a burst of failures
// (say, ARM throttling every object at once) is retried at a bounded rate overall,
// whatever each key's own backoff says.
import type { Clock } from './clock.ts';

export interface TokenBucketSettings {
  /** Sustained rate: tokens added per second. */
  perSecond: number;
  /** Tokens available at once (and the bucket's size). */
  burst: number;
}

export const DEFAULT_RETRY_RATE: TokenBucketSettings = { perSecond: 10, burst: 100 };

export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly settings: TokenBucketSettings,
    private readonly clock: Clock,
  ) {
    if (settings.perSecond <= 0 || settings.burst < 1)
      throw new Error('TokenBucket needs perSecond > 0, burst >= 1');
    this.tokens = settings.burst;
    this.lastRefill = clock.now();
  }

  /**
   * Takes one token and returns how long the caller must wait before using it (0 when one
   * was available). Tokens may go negative: later callers queue up behind earlier ones,
   * like Go's rate.Limiter.Reserve().
   */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.settings.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedSeconds = (now - this.lastRefill) / 1000;
    this.lastRefill = now;
    this.tokens = Math.min(this.settings.burst, this.tokens + elapsedSeconds * this.settings.perSecond);
  }
}
