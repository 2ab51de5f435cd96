// The gateways of one (actor, subscription): SDK clients with the actor's credential (and so its
// token cache), one client-side ARM budget — ARM counts requests per subscription and principal —
// and the call seam over both. Made on first use, dropped after `idleMs` without use, so a cluster
// with many team identities keeps only the clients in use (issue 23: memory and connections stay
// bounded with many credentials).
import type { Clock } from '../runtime/clock.ts';
import type { AzureActor } from './actor.ts';
import { type ArmBudget, ArmRateLimiter } from './arm-rate-limiter.ts';
import { type AzureClientSettings, createAzureClients } from './clients.ts';
import { type AzureGateways, createAzureGateways } from './gateways.ts';
import { AzureCalls, type AzureCallsSettings } from './instrumentation.ts';

export interface GatewayPoolSettings {
  /** Everything a client needs but the subscription and the credential. */
  clients: Omit<AzureClientSettings, 'subscriptionId' | 'credential'>;
  budget: ArmBudget;
  observer: AzureCallsSettings['observer'];
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** A pool entry unused this long is dropped (its limiter's state with it). Default 15 min. */
  idleMs?: number;
}

interface PoolEntry {
  actorKey: string;
  subscriptionId: string;
  gateways: AzureGateways;
  limiter: ArmRateLimiter;
  /** The actor's credential the clients were built with: a rotated credential builds new ones. */
  credential: AzureActor['credential'];
  lastUsed: number;
}

export const DEFAULT_GATEWAY_IDLE_MS = 15 * 60_000;

export class GatewayPool {
  readonly #entries = new Map<string, PoolEntry>();
  readonly #idleMs: number;

  constructor(private readonly settings: GatewayPoolSettings) {
    this.#idleMs = settings.idleMs ?? DEFAULT_GATEWAY_IDLE_MS;
  }

  gatewaysFor(actor: AzureActor, subscriptionId: string): AzureGateways {
    const now = this.settings.clock.now();
    this.#dropIdle(now);
    const key = `${actor.key}\u0000${actor.armEndpoint ?? ''}\u0000${subscriptionId.toLowerCase()}`;
    let entry = this.#entries.get(key);
    if (!entry || entry.credential !== actor.credential) {
      // A new credential for the same identity (a rotated client secret) keeps the budget spent so far.
      const limiter = entry?.limiter ?? new ArmRateLimiter(this.settings.budget, this.settings.clock);
      const clients = createAzureClients({
        ...this.settings.clients,
        // A sovereign cloud's ARM for a namespace credential of that cloud (clouds.ts).
        ...(actor.armEndpoint ? { armEndpoint: actor.armEndpoint } : {}),
        subscriptionId,
        credential: actor.credential,
      });
      const calls = new AzureCalls({ observer: this.settings.observer, limiter });
      entry = {
        actorKey: actor.key,
        subscriptionId,
        gateways: createAzureGateways(clients, calls),
        limiter,
        credential: actor.credential,
        lastUsed: now,
      };
      this.#entries.set(key, entry);
    }
    entry.lastUsed = now;
    return entry.gateways;
  }

  /** Every live budget, for the `logicops_arm_budget_remaining` gauge. */
  budgets(): Array<{ actorKey: string; subscriptionId: string; remaining: Record<string, number> }> {
    return [...this.#entries.values()].map((entry) => ({
      actorKey: entry.actorKey,
      subscriptionId: entry.subscriptionId,
      remaining: entry.limiter.remaining(),
    }));
  }

  get size(): number {
    return this.#entries.size;
  }

  #dropIdle(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (now - entry.lastUsed >= this.#idleMs) this.#entries.delete(key);
    }
  }
}
