// Holds the live fault configuration and what the faults need between requests: the seeded
// random streams, the remaining count of "next N calls" rules and the vault writes in flight.
// Applying a configuration also resizes the rate buckets and sets the directory's lag.
import type { EmulatorCore } from '../core.ts';
import type { ErrorInjectionRule, FaultConfig } from './config.ts';
import { type Random, seededRandom, streamSeed } from './prng.ts';

const DEFAULT_SEED = 1;

export class FaultEngine {
  private config: FaultConfig = {};
  latencyRandom: Random = seededRandom(DEFAULT_SEED);
  errorRandom: Random = seededRandom(DEFAULT_SEED);
  /** Lower-case vault names with a write in progress (vaultWriteConflicts). */
  readonly vaultWritesInFlight = new Set<string>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly initial: FaultConfig = {},
  ) {
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

  /** Replaces the whole configuration and restarts the random streams from the seed. */
  apply(config: FaultConfig): void {
    this.config = structuredClone(config);
    const seed = config.seed ?? DEFAULT_SEED;
    this.latencyRandom = seededRandom(streamSeed(seed, 'latency'));
    this.errorRandom = seededRandom(streamSeed(seed, 'errors'));
    this.core.rateLimits.configure(config.throttling?.buckets ?? {});
    this.core.replicationLagSeconds = config.replicationLag?.seconds ?? 0;
    this.core.grantPropagationSeconds = config.grantPropagationSeconds ?? 0;
  }

  /** Back to the configuration given at start. */
  reset(): void {
    this.vaultWritesInFlight.clear();
    this.apply(this.initial);
  }
}
