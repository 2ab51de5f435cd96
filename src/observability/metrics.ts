// The operator's Prometheus metrics. Queue and reconcile series carry controller-runtime's
// names and labels, so dashboards and alerts written for Go operators work unchanged; our
// own series are prefixed `logicops_`. One Registry per OperatorMetrics (no global
// default registry), so tests and several operator instances in one process never collide.
//
// Label values are bounded: controller names, operation names, HTTP status codes, reasons
// and limit names — never object names, and never anything secret. /metrics is served without
// authentication, so by default no label names a tenant's Azure resource: the quota series
// carry the scope (a vault id, a subscription and region) only with `identifyingLabels` on.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReconcileObserver } from '../runtime/controller.ts';
import type { WorkQueueObserver } from '../runtime/work-queue.ts';

// controller-runtime's buckets for reconcile time, stretched for Azure calls that take seconds.
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

/** controller-runtime's `result` label values. */
const RESULT_LABEL: Record<string, string> = {
  done: 'success',
  requeueAfter: 'requeue_after',
  error: 'error',
  stalled: 'error',
  terminal: 'error',
};

/** Usage of one Azure limit in one scope, as the quota series report it. */
export interface QuotaFigure {
  /** The limit's name, e.g. `AccessPoliciesPerVault`. */
  limit: string;
  /** The Azure scope it is counted in: a vault id, `/subscriptions/<id>/locations/<region>`, ... */
  scope: string;
  used: number;
  max: number;
}

export interface OperatorMetricsOptions {
  /**
   * Label the quota series with the Azure scope (vault ids, subscriptions and regions). Off:
   * one series per limit, for the scope nearest to it, so the near-limit alert still fires.
   */
  identifyingLabels?: boolean;
}

export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly identifyingLabels: boolean;
  private readonly collectors: Array<() => void> = [];
  private readonly objectSeries = new Map<string, Map<string, { ready: string; reason: string }>>();

  constructor(options: OperatorMetricsOptions = {}) {
    this.identifyingLabels = options.identifyingLabels ?? false;
  }

  private readonly reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers: [this.registry],
  });
  private readonly reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  private readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueDepth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller'],
    registers: [this.registry],
  });
  private readonly queueAdds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'],
    registers: [this.registry],
  });
  private readonly queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });
  private readonly workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueRetries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'],
    registers: [this.registry],
  });
  private readonly leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'],
    registers: [this.registry],
  });
  private readonly azureRequests = new Counter({
    name: 'logicops_azure_requests_total',
    help: 'Azure requests by operation and HTTP status (or error class when no response arrived)',
    labelNames: ['operation', 'status'],
    registers: [this.registry],
  });
  private readonly azureRequestDuration = new Histogram({
    name: 'logicops_azure_request_duration_seconds',
    help: 'Duration of Azure requests by operation',
    labelNames: ['operation'],
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });
  private readonly azureThrottled = new Counter({
    name: 'logicops_azure_throttled_total',
    help: 'Azure requests answered with 429 Too Many Requests, by operation',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  private readonly rateLimiterWait = new Histogram({
    name: 'logicops_rate_limiter_wait_seconds',
    help: 'Time spent waiting for the client-side Azure rate limiter, by class (read, write, delete)',
    labelNames: ['class'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly quotaUsed = new Gauge({
    name: 'logicops_quota_used',
    help: 'Usage of an Azure limit that applies to managed objects, by limit and scope',
    labelNames: ['limit', 'scope'],
    registers: [this.registry],
  });
  private readonly quotaLimit = new Gauge({
    name: 'logicops_quota_limit',
    help: 'The configured value of an Azure limit, by limit and scope',
    labelNames: ['limit', 'scope'],
    registers: [this.registry],
  });
  private readonly armBudgetRemaining = new Gauge({
    name: 'logicops_arm_budget_remaining',
    help: "Tokens left in the client-side ARM bucket (--arm-*-budget, less headroom), by class (read, write, delete); ARM's own buckets are per subscription",
    labelNames: ['class', 'subscription'],
    registers: [this.registry],
  });
  private readonly objectsByCondition = new Gauge({
    name: 'logicops_objects',
    help: 'Managed objects by kind and the reason of their Ready condition',
    labelNames: ['kind', 'ready', 'reason'],
    registers: [this.registry],
  });

  /**
   * Maps a controller's reconcile outcomes to controller_runtime_reconcile_*. Like
   * controller-runtime, every result and the error count start at 0 for each controller, so
   * rate() and alerts see the series before the first error instead of no data.
   */
  reconcileObserver(controller: string): ReconcileObserver {
    for (const result of new Set(Object.values(RESULT_LABEL)))
      this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    return {
      reconciled: (_key, outcome, durationMs) => {
        const result = RESULT_LABEL[outcome] ?? 'error';
        this.reconcileTotal.inc({ controller, result });
        if (result === 'error') this.reconcileErrors.inc({ controller });
        this.reconcileTime.observe({ controller }, durationMs / 1000);
      },
    };
  }

  /** Maps a controller's queue events to workqueue_*; `depth` is read from the queue on each change. */
  queueObserver(controller: string, depth: () => number): WorkQueueObserver {
    const labels = { name: controller, controller };
    const refreshDepth = () => this.queueDepth.set(labels, depth());
    return {
      added: () => {
        this.queueAdds.inc(labels);
        refreshDepth();
      },
      started: (_key, queuedMs) => {
        this.queueDuration.observe(labels, queuedMs / 1000);
        refreshDepth();
      },
      finished: (_key, workMs) => {
        this.workDuration.observe(labels, workMs / 1000);
        refreshDepth();
      },
      retried: () => this.queueRetries.inc(labels),
    };
  }

  setLeader(lease: string, leading: boolean): void {
    this.leaderStatus.set({ name: lease }, leading ? 1 : 0);
  }

  azureCall(operation: string, status: number | string, durationMs: number): void {
    this.azureRequests.inc({ operation, status: String(status) });
    this.azureRequestDuration.observe({ operation }, durationMs / 1000);
    if (status === 429) this.azureThrottled.inc({ operation });
  }

  rateLimiterWaited(operationClass: 'read' | 'write' | 'delete', waitedMs: number): void {
    this.rateLimiterWait.observe({ class: operationClass }, waitedMs / 1000);
  }

  /** Replaces the quota series with these figures (a scope nobody reports any more disappears). */
  quota(figures: Iterable<QuotaFigure>): void {
    this.quotaUsed.reset();
    this.quotaLimit.reset();
    const series = new Map<
      string,
      { labels: { limit: string; scope?: string }; used: number; max: number }
    >();
    for (const figure of figures) {
      const labels = this.identifyingLabels
        ? { limit: figure.limit, scope: figure.scope }
        : { limit: figure.limit };
      const key = `${labels.limit}\n${labels.scope ?? ''}`;
      const known = series.get(key);
      // Without the scope label, the scope nearest its limit speaks for the limit.
      if (!known || figure.used / figure.max > known.used / known.max) {
        series.set(key, { labels, used: figure.used, max: figure.max });
      }
    }
    for (const { labels, used, max } of series.values()) {
      this.quotaUsed.set(labels, used);
      this.quotaLimit.set(labels, max);
    }
  }

  /**
   * Replaces the ARM budget series. With identifying labels, one series per subscription and
   * class; without, one per class holding the emptiest subscription's figure (the one that
   * throttles first).
   */
  armBudget(figures: Iterable<{ subscription: string; class: string; remaining: number }>): void {
    this.armBudgetRemaining.reset();
    const lowest = new Map<string, number>();
    for (const figure of figures) {
      if (this.identifyingLabels) {
        this.armBudgetRemaining.set(
          { class: figure.class, subscription: figure.subscription },
          figure.remaining,
        );
      } else {
        lowest.set(
          figure.class,
          Math.min(lowest.get(figure.class) ?? Number.POSITIVE_INFINITY, figure.remaining),
        );
      }
    }
    for (const [operationClass, remaining] of lowest) {
      this.armBudgetRemaining.set({ class: operationClass }, remaining);
    }
  }

  /** Replaces the objects-by-condition series for one kind with a fresh count. */
  objects(kind: string, counts: Iterable<{ ready: string; reason: string; count: number }>): void {
    const seen = this.objectSeries.get(kind) ?? new Map<string, { ready: string; reason: string }>();
    // A reason nobody has any more must read 0, not its last count.
    for (const labels of seen.values()) this.objectsByCondition.set({ kind, ...labels }, 0);
    for (const { ready, reason, count } of counts) {
      seen.set(`${ready}/${reason}`, { ready, reason });
      this.objectsByCondition.set({ kind, ready, reason }, count);
    }
    this.objectSeries.set(kind, seen);
  }

  /** Runs `collect` before every render, to refresh series computed from current state. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    for (const collect of this.collectors) collect();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
