// ARM requests per subscription, for a run over several subscriptions: the emulator's counters
// are global, so the bench watches each ARM exchange (an emulator observer) and tallies it under
// the subscription its path names — role assignments included, whose path starts with their
// scope. Keeps counts only, never a body.
import type { Exchange } from '@logicops/azure-emulator';
import { ACCESS_POLICY_WRITE, ROLE_ASSIGNMENT_WRITE, WORKFLOW_WRITE } from './arm-figures.ts';

export interface SubscriptionArmCounts {
  reads: number;
  /** PUT/PATCH/POST: ARM's write bucket (actions such as accessPolicies/add included). */
  writes: number;
  deletes: number;
  workflowWrites: number;
  grantWrites: number;
  /** Answered 429. */
  throttled: number;
}

const zero = (): SubscriptionArmCounts => ({
  reads: 0,
  writes: 0,
  deletes: 0,
  workflowWrites: 0,
  grantWrites: 0,
  throttled: 0,
});

/** The subscription an ARM path acts on (lower case), or undefined above every subscription. */
export function subscriptionOfPath(path: string): string | undefined {
  return /^\/+subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase();
}

export class SubscriptionTally {
  readonly #counts = new Map<string, SubscriptionArmCounts>();

  /** An emulator ExchangeObserver (bind it: `(e) => tally.observe(e)`). */
  observe(exchange: Pick<Exchange, 'plane' | 'method' | 'path' | 'routeOperation' | 'status'>): void {
    if (exchange.plane !== 'arm') return;
    const subscription = subscriptionOfPath(exchange.path);
    if (subscription === undefined) return;
    let counts = this.#counts.get(subscription);
    if (!counts) {
      counts = zero();
      this.#counts.set(subscription, counts);
    }
    const method = exchange.method.toUpperCase();
    if (method === 'GET' || method === 'HEAD') counts.reads++;
    else if (method === 'DELETE') counts.deletes++;
    else counts.writes++;
    if (exchange.routeOperation === WORKFLOW_WRITE) counts.workflowWrites++;
    if (exchange.routeOperation === ACCESS_POLICY_WRITE || exchange.routeOperation === ROLE_ASSIGNMENT_WRITE)
      counts.grantWrites++;
    if (exchange.status === 429) counts.throttled++;
  }

  /** A copy of the counts so far, by subscription id (lower case). */
  snapshot(): Record<string, SubscriptionArmCounts> {
    return Object.fromEntries([...this.#counts].map(([id, counts]) => [id, { ...counts }]));
  }
}

/** `after − before` for one subscription (absent: nothing counted). */
export function subscriptionDelta(
  before: Record<string, SubscriptionArmCounts>,
  after: Record<string, SubscriptionArmCounts>,
  subscriptionId: string,
): SubscriptionArmCounts {
  const key = subscriptionId.toLowerCase();
  const from = before[key] ?? zero();
  const to = after[key] ?? zero();
  return {
    reads: to.reads - from.reads,
    writes: to.writes - from.writes,
    deletes: to.deletes - from.deletes,
    workflowWrites: to.workflowWrites - from.workflowWrites,
    grantWrites: to.grantWrites - from.grantWrites,
    throttled: to.throttled - from.throttled,
  };
}
