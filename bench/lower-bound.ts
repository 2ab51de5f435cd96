// The fastest any operator could converge, given only ARM's write budget (issue 12):
//
//   T_lb = max(0, (W − B) / r) + L_read + L_write
//
// W: the fewest ARM writes the work needs — one PUT per workflow, plus one access-policy `add`
// per vault (access-policy mode: one `add` can carry every principal's entry) or one role
// assignment per binding (RBAC mode: one assignment per secret scope and principal), plus one role
// assignment per WorkflowRoleAssignment (issue 24);
// B, r: the subscription write bucket's size and refill rate; L: median latencies. The first
// B writes go out at once; the rest wait for tokens; the last one still needs a read (the GET
// before the write) and the write itself. No concurrency setting beats it. Several
// subscriptions: each has its own buckets, so the floor is the slowest subscription's T_lb
// (subscriptionsLowerBound). Pure.

import type { LatencyDistribution } from '@logicops/azure-emulator';
import type { GrantModel } from './args.ts';

/** ARM's subscription write bucket (shared/reference/azure-wire.md, "Throttling"). */
export const ARM_WRITE_BUCKET = { capacity: 200, refillPerSecond: 10 } as const;

export interface MinimumWritesInput {
  model: GrantModel;
  workflows: number;
  /** The vault of every binding (one entry per binding). */
  bindingVaults: readonly string[];
  /** WorkflowRoleAssignments (issue 24): one role assignment each, whatever the model. */
  roleGrants?: number;
}

export function minimumWrites({
  model,
  workflows,
  bindingVaults,
  roleGrants = 0,
}: MinimumWritesInput): number {
  const grantWrites =
    model === 'access-policy'
      ? new Set(bindingVaults.map((vault) => vault.toLowerCase())).size
      : bindingVaults.length;
  return workflows + grantWrites + roleGrants;
}

export interface LowerBoundInput {
  writes: number;
  bucket: { capacity: number; refillPerSecond: number };
  medianReadMs: number;
  medianWriteMs: number;
}

/** T_lb in milliseconds. */
export function lowerBoundMs({ writes, bucket, medianReadMs, medianWriteMs }: LowerBoundInput): number {
  if (!(bucket.refillPerSecond > 0)) throw new RangeError('the write bucket must refill at a positive rate');
  const waitingMs = (Math.max(0, writes - bucket.capacity) / bucket.refillPerSecond) * 1000;
  return waitingMs + medianReadMs + medianWriteMs;
}

/**
 * The floor of a run spread over subscriptions. ARM's buckets are per subscription (and per
 * principal; each bench subscription has one), so the subscriptions wait for tokens side by side:
 * the run's floor is the largest of its subscriptions' own T_lb, each computed from that
 * subscription's writes alone. With equal shares it is one subscription's T_lb, whatever the count.
 */
export function subscriptionsLowerBound(
  writesPerSubscription: readonly number[],
  latency: Omit<LowerBoundInput, 'writes'>,
): { lowerBoundMs: number; writesOfSlowest: number } {
  let slowest = { lowerBoundMs: 0, writesOfSlowest: 0 };
  for (const writes of writesPerSubscription) {
    const ms = lowerBoundMs({ ...latency, writes });
    if (ms >= slowest.lowerBoundMs) slowest = { lowerBoundMs: ms, writesOfSlowest: writes };
  }
  return slowest;
}

/** measured / bound; 1.0 is optimal. Undefined when there is no bound to compare with. */
export function boundRatio(measuredMs: number, boundMs: number): number | undefined {
  return boundMs > 0 ? measuredMs / boundMs : undefined;
}

/** The median of an emulator latency distribution (ms); 0 when latency is off. */
export function medianLatencyMs(distribution: LatencyDistribution | undefined): number {
  if (!distribution) return 0;
  switch (distribution.type) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return (distribution.minMs + distribution.maxMs) / 2;
    case 'normal':
      // Draws are clamped at 0, which only moves the median when the mean is below 0.
      return Math.max(0, distribution.meanMs);
    case 'exponential':
      return distribution.meanMs * Math.LN2;
  }
}
