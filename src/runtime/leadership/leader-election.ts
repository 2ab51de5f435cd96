// Lease-based leader election (coordination.k8s.io/v1), with client-go's safety model:
//
// - A candidate takes the lease when its holder has not renewed it for `leaseDurationMs`,
//   measured on OUR clock from the moment we last saw the record change (so clock skew
//   between replicas does not matter).
// - The leader renews every `retryPeriodMs`. If it cannot renew for `renewDeadlineMs`
//   (< leaseDurationMs), it steps down on its own: the leadership signal aborts, which
//   stops the controllers and cancels in-flight Azure calls. Because renewDeadline <
//   leaseDuration, a leader that is cut off stops writing before anyone else may take over
//   (fencing). `isFresh()` lets a writer check that right before an irreversible write.
// - On shutdown the leader releases the lease (empty holder), so a successor starts at once.
//
// Unlike client-go, a candidate reads the lease every quarter retry period and wakes up exactly
// when the lease it observed expires (lease-timing.ts), so a frozen leader is replaced within
// lease duration + retry period instead of lease + 2.4 × retry.
//
// Writes use the lease's resourceVersion (optimistic concurrency): two candidates racing
// for an expired lease cannot both win.
import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.ts';
import { type Clock, sleep, systemClock } from '../clock.ts';
import {
  DEFAULT_LEADER_ELECTION_TIMING,
  leaseExpired,
  nextCandidateAttemptMs,
  validateLeaderElectionTiming,
} from './lease-timing.ts';

export { DEFAULT_LEADER_ELECTION_TIMING, validateLeaderElectionTiming };

export interface LeaderElectionSettings {
  namespace: string;
  leaseName: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeadershipCallbacks {
  /** Called when this instance becomes leader; `leadership` aborts when it stops leading. */
  onStartedLeading(leadership: AbortSignal): void;
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private observedHolder: string | undefined;
  private observedRenew: string | undefined;
  private observedAtMs = 0;
  private lastRenewMs: number | undefined;
  private leading = false;

  constructor(
    kubeConfig: KubeConfig,
    private readonly settings: LeaderElectionSettings,
    private readonly callbacks: LeadershipCallbacks,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    validateLeaderElectionTiming(settings);
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** True while this instance leads AND renewed within the renew deadline: safe to write. */
  isFresh(): boolean {
    return (
      this.leading &&
      this.lastRenewMs !== undefined &&
      this.clock.now() - this.lastRenewMs < this.settings.renewDeadlineMs
    );
  }

  /**
   * Campaigns until `stop` aborts: acquire, lead until renewal fails, then campaign again.
   * Resolves after releasing the lease (when leading) on stop.
   */
  async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      await this.acquire(stop);
      if (stop.aborted) break;
      const leadership = new AbortController();
      this.leading = true;
      this.logger.info({ lease: this.leaseRef() }, 'Became leader');
      this.callbacks.onStartedLeading(leadership.signal);
      await this.renewUntilLost(stop);
      this.leading = false;
      leadership.abort(new Error('leadership lost'));
      this.callbacks.onStoppedLeading?.();
      if (stop.aborted) {
        await this.release();
        break;
      }
      this.logger.warn({ lease: this.leaseRef() }, 'Lost leadership: stopped reconciling; campaigning again');
    }
  }

  private async acquire(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      if (await this.tryAcquireOrRenew()) return;
      const delay = nextCandidateAttemptMs({
        nowMs: this.clock.now(),
        observedAtMs: this.observedAtMs,
        leaseDurationMs: this.settings.leaseDurationMs,
        retryPeriodMs: this.settings.retryPeriodMs,
      });
      await sleep(this.clock, delay, stop);
    }
  }

  private async renewUntilLost(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      await sleep(this.clock, this.settings.retryPeriodMs, stop);
      if (stop.aborted) return;
      const renewed = await this.tryAcquireOrRenew();
      if (!renewed && !this.isFresh()) return;
    }
  }

  /** One attempt; true when we hold the lease afterwards. Never throws. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, leaseName: name, identity } = this.settings;
    // Before the read: a renewal dates from when we asked (earlier is safer for the leader).
    const now = this.clock.now();
    try {
      const current = await this.readLease();
      // After the read: an observation dates from when we saw it (later is safer for a candidate).
      const seenAt = this.clock.now();
      if (!current) {
        await this.api.createNamespacedLease({ namespace, body: this.leaseBody(undefined, now, 0) });
        this.renewed(now);
        return true;
      }
      const spec = current.spec ?? {};
      this.observe(
        spec.holderIdentity ?? undefined,
        spec.renewTime ? String(new Date(spec.renewTime).getTime()) : undefined,
        seenAt,
      );
      const heldByUs = spec.holderIdentity === identity;
      const vacant = !spec.holderIdentity;
      const expired = leaseExpired(seenAt, this.observedAtMs, this.settings.leaseDurationMs);
      if (!heldByUs && !vacant && !expired) return false;
      const transitions = (spec.leaseTransitions ?? 0) + (heldByUs ? 0 : 1);
      const acquireTime = heldByUs && spec.acquireTime ? new Date(spec.acquireTime).getTime() : now;
      await this.api.replaceNamespacedLease({
        namespace,
        name,
        body: { ...this.leaseBody(acquireTime, now, transitions), metadata: { ...current.metadata } },
      });
      this.renewed(now);
      return true;
    } catch (error) {
      if (error instanceof ApiException && (error.code === 409 || error.code === 422)) {
        this.logger.debug({ lease: this.leaseRef() }, 'Lost a race for the lease');
      } else {
        this.logger.warn(
          { lease: this.leaseRef(), err: describe(error) },
          'Failed to acquire or renew the lease',
        );
      }
      return false;
    }
  }

  private async release(): Promise<void> {
    const { namespace, leaseName: name, identity } = this.settings;
    try {
      const current = await this.readLease();
      if (current?.spec?.holderIdentity !== identity) return;
      await this.api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...current,
          spec: {
            ...current.spec,
            holderIdentity: undefined,
            leaseDurationSeconds: 1,
            renewTime: new V1MicroTime(this.clock.now()),
          },
        },
      });
      this.logger.info({ lease: this.leaseRef() }, 'Released the lease');
    } catch (error) {
      this.logger.warn(
        { lease: this.leaseRef(), err: describe(error) },
        'Failed to release the lease; it expires on its own',
      );
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    const { namespace, leaseName: name } = this.settings;
    try {
      return await this.api.readNamespacedLease({ namespace, name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  private leaseBody(acquireMs: number | undefined, nowMs: number, transitions: number): V1Lease {
    const { namespace, leaseName: name, identity, leaseDurationMs } = this.settings;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace, name },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
        acquireTime: new V1MicroTime(acquireMs ?? nowMs),
        renewTime: new V1MicroTime(nowMs),
        leaseTransitions: transitions,
      },
    };
  }

  /** Remembers when the record last changed, on our clock (client-go's observedTime). */
  private observe(holder: string | undefined, renew: string | undefined, now: number): void {
    if (holder !== this.observedHolder || renew !== this.observedRenew) {
      if (holder && holder !== this.observedHolder && holder !== this.settings.identity) {
        this.callbacks.onNewLeader?.(holder);
      }
      this.observedHolder = holder;
      this.observedRenew = renew;
      this.observedAtMs = now;
    }
  }

  private renewed(now: number): void {
    this.lastRenewMs = now;
    this.observedHolder = this.settings.identity;
    this.observedAtMs = now;
  }

  private leaseRef(): string {
    return `${this.settings.namespace}/${this.settings.leaseName}`;
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiException) return `HTTP ${error.code}`;
  return error instanceof Error ? error.message : String(error);
}
