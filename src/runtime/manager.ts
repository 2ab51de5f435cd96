// The manager runs everything one operator process needs, in controller-runtime's order:
//
//   probes + metrics → informers (every replica: a standby keeps warm caches and is Ready)
//   → leader election → controllers' workers (leader only)
//
// Shutdown (SIGTERM/SIGINT, or `stop()`): stop taking work, let in-flight reconciles finish
// within `shutdownGraceMs` and abort the rest (their Azure calls see the abort signal),
// release the lease so a successor starts at once, stop informers, close the probe servers.
//
// Losing leadership is not recoverable in-process (controller-runtime exits too): the
// controllers stop, in-flight work is aborted at once — another replica may already lead —
// and `run()` rejects with LeadershipLostError so main exits non-zero and the pod restarts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import type { OperatorMetrics } from '../observability/metrics.ts';
import { type ProbeServers, startProbeServers } from '../observability/probe-server.ts';
import type { Informer } from './informer.ts';
import { type LeaderElectionSettings, LeaderElector } from './leadership/leader-election.ts';

/** The part of a Controller the manager drives. */
export interface Runnable {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  abortInFlight(reason?: Error): void;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  metrics: OperatorMetrics;
  // biome-ignore lint/suspicious/noExplicitAny: informers of different kinds share one list.
  informers: Array<Informer<any>>;
  controllers: Runnable[];
  /** Omit to run without leader election (one replica, tests, `logicops dev`). */
  leaderElection?: LeaderElectionSettings;
  probes: { host?: string; healthPort: number; metricsPort: number };
  shutdownGraceMs: number;
}

export class LeadershipLostError extends Error {
  override readonly name = 'LeadershipLostError';
}

export class Manager {
  private readonly stopping = new AbortController();
  private probes: ProbeServers | undefined;
  private elector: LeaderElector | undefined;
  private leading = false;
  private controllersStarted = false;
  private leadershipLost: ((error: Error) => void) | undefined;

  constructor(private readonly options: ManagerOptions) {}

  get healthPort(): number | undefined {
    return this.probes?.healthPort;
  }

  get metricsPort(): number | undefined {
    return this.probes?.metricsPort;
  }

  /** True while this process may write to Azure: leading with a fresh lease (or no election). */
  mayWrite(): boolean {
    if (!this.options.leaderElection) return this.controllersStarted;
    return this.elector?.isFresh() ?? false;
  }

  /**
   * Runs until `stop()` (resolves) or until leadership is lost (rejects with
   * LeadershipLostError). Startup failures reject too.
   */
  async run(): Promise<void> {
    const { logger, metrics, informers } = this.options;
    this.probes = await startProbeServers({
      ...this.options.probes,
      liveness: { ping: () => ({ ok: true }) },
      readiness: {
        'informers-synced': () => {
          const waiting = informers.filter((informer) => !informer.hasSynced).length;
          return { ok: waiting === 0, detail: `${waiting} of ${informers.length} caches not synced` };
        },
        shutdown: () => ({ ok: !this.stopping.signal.aborted, detail: 'shutting down' }),
      },
      metrics: () => metrics.render(),
    });
    logger.info(
      { healthPort: this.probes.healthPort, metricsPort: this.probes.metricsPort },
      'Started probe servers',
    );
    for (const informer of informers) informer.start();

    const lost = new Promise<never>((_, reject) => {
      this.leadershipLost = reject;
    });
    lost.catch(() => {});

    if (!this.options.leaderElection) {
      await this.startControllers();
      await Promise.race([waitForAbort(this.stopping.signal), lost]);
      return;
    }

    const lease = `${this.options.leaderElection.namespace}/${this.options.leaderElection.leaseName}`;
    metrics.setLeader(lease, false);
    this.elector = new LeaderElector(
      this.options.kubeConfig,
      this.options.leaderElection,
      {
        onStartedLeading: () => {
          this.leading = true;
          metrics.setLeader(lease, true);
          this.startControllers().catch((error: unknown) => this.leadershipLost?.(asError(error)));
        },
        onStoppedLeading: () => {
          metrics.setLeader(lease, false);
          if (!this.leading || this.stopping.signal.aborted) return;
          this.leading = false;
          // Another replica may take over after the lease duration: stop Azure work now.
          for (const controller of this.options.controllers)
            controller.abortInFlight(new LeadershipLostError('leadership lost'));
          this.leadershipLost?.(
            new LeadershipLostError(`lost the lease ${lease}; exiting so a restart campaigns afresh`),
          );
        },
        onNewLeader: (identity) => logger.info({ leader: identity }, 'Observed a new leader'),
      },
      logger,
    );
    const election = this.elector.run(this.stopping.signal);
    await Promise.race([election, lost]);
  }

  /** Graceful shutdown; safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const { logger, controllers, informers, shutdownGraceMs } = this.options;
    logger.info({ graceMs: shutdownGraceMs }, 'Shutting down: finishing in-flight reconciles');
    const stopped = Promise.all(controllers.map((controller) => controller.stop()));
    const deadline = setTimeout(() => {
      logger.warn('Shutdown grace period ended: aborting in-flight reconciles');
      for (const controller of controllers) controller.abortInFlight(new Error('operator shutting down'));
    }, shutdownGraceMs);
    await stopped;
    clearTimeout(deadline);
    // Aborting the election's signal releases the lease (the elector does it on its way out).
    this.stopping.abort();
    await Promise.all(informers.map((informer) => informer.stop()));
    await this.probes?.close();
    logger.info('Shut down');
  }

  private async startControllers(): Promise<void> {
    if (this.controllersStarted) return;
    this.controllersStarted = true;
    await Promise.all(this.options.controllers.map((controller) => controller.start()));
  }
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
