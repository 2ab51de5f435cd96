// Holds the live fault configuration and what the faults need between requests: the seeded
// random streams, the remaining count of "next N calls" rules, the vault writes in flight and
// the answers held back after their write. Applying a configuration also resizes the rate
// buckets and sets the directory's lag and the lifetime of new tokens.
import type { EmulatorCore } from '../core.ts';
import type { AfterCommitRule, ErrorInjectionRule, FaultConfig } from './config.ts';
import { HeldResponses } from './held-responses.ts';
import { type Random, seededRandom, streamSeed } from './prng.ts';

const DEFAULT_SEED = 1;

export class FaultEngine {
  private config: FaultConfig = {};
  latencyRandom: Random = seededRandom(DEFAULT_SEED);
  errorRandom: Random = seededRandom(DEFAULT_SEED);
  afterCommitRandom: Random = seededRandom(DEFAULT_SEED);
  /** Lower-case vault names with a write in progress (vaultWriteConflicts). */
  readonly vaultWritesInFlight = new Set<string>();
  /** Answers kept back by the `hold` after-commit fault. */
  readonly held: HeldResponses;
  /** The emulator's clock when the configuration was applied: outage windows count from here. */
  #appliedAt = 0;
  readonly #startTokenLifetimeSeconds: number;

  constructor(
    private readonly core: EmulatorCore,
    private readonly initial: FaultConfig = {},
  ) {
    this.held = new HeldResponses(() => core.now());
    this.#startTokenLifetimeSeconds = core.tokenLifetimeSeconds;
    this.apply(initial);
  }

  /** A copy of the live configuration (`next` counts show what is left). */
  get current(): FaultConfig {
    return structuredClone(this.config);
  }

  /** The live configuration, read on every request (do not change it; use apply). */
  get settings(): Readonly<FaultConfig> {
    return this.config;
  }

  /** The live rules (mutable: `next` counts down as they fire). */
  get errorRules(): ErrorInjectionRule[] {
    return this.config.errors ?? [];
  }

  /** The live after-commit rules (mutable like errorRules). */
  get afterCommitRules(): AfterCommitRule[] {
    return this.config.afterCommit ?? [];
  }

  /** Milliseconds on the emulator's clock since the configuration was applied. */
  sinceAppliedMs(): number {
    return this.core.now() - this.#appliedAt;
  }

  /** Replaces the whole configuration and restarts the random streams from the seed. */
  apply(config: FaultConfig): void {
    this.config = structuredClone(config);
    const seed = config.seed ?? DEFAULT_SEED;
    this.latencyRandom = seededRandom(streamSeed(seed, 'latency'));
    this.errorRandom = seededRandom(streamSeed(seed, 'errors'));
    this.afterCommitRandom = seededRandom(streamSeed(seed, 'afterCommit'));
    this.#appliedAt = this.core.now();
    this.core.rateLimits.configure(config.throttling?.buckets ?? {});
    this.core.replicationLagSeconds = config.replicationLag?.seconds ?? 0;
    this.core.replicationLagIgnoresPrincipalType = config.replicationLag?.evenWithPrincipalType ?? false;
    this.core.grantPropagationSeconds = config.grantPropagationSeconds ?? 0;
    this.core.vaultReadLag.configure(config.vaultReadLag);
    this.core.tokenLifetimeSeconds = config.tokenLifetimeSeconds ?? this.#startTokenLifetimeSeconds;
  }

  /** Back to the configuration given at start. */
  reset(): void {
    this.vaultWritesInFlight.clear();
    this.held.releaseAll('drop');
    this.apply(this.initial);
  }
}
