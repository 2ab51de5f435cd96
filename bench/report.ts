// The bench's result: one JSON-able object (for --json and for comparing runs) and a human
// table that puts every figure next to its target from issue 12.

import type { DefinitionSize, GrantModel } from './args.ts';
import type { CounterDelta, PerObjectFigures, SteadyStateFigures } from './arm-figures.ts';
import type { ReadySample } from './chart.ts';
import type { MemoryLimit } from './chart-limits.ts';
import { type LatencyPercentiles, RECONCILE_HISTOGRAM } from './reconcile-latency.ts';
import { type RoleGrantFigures, roleGrantTargetChecks } from './role-grants.ts';
import type { SubscriptionArmCounts } from './subscription-figures.ts';
import type { TargetCheck } from './target-check.ts';

/** One subscription's share of a run over several (issue 23). */
export interface SubscriptionFigures {
  subscriptionId: string;
  namespace: string;
  /** The namespace's own identity (its app's service principal), or the operator's. */
  actingAs: string;
  workflows: number;
  bindings: number;
  /** First create → every object of this namespace Ready. */
  timeToReadyMs: number | undefined;
  /** This subscription's own T_lb (its writes against its own buckets). */
  lowerBoundMs: number;
  ratio: number | undefined;
  arm: SubscriptionArmCounts;
}

/** The one-subscription run of the same invocation (--baseline), in brief. */
export interface BaselineSummary {
  command: string;
  converged: boolean;
  timeToReadyMs: number | undefined;
  lowerBoundMs: number;
  ratio: number | undefined;
  throttled: number;
  chartPath: string;
}

export interface BenchReport {
  command: string;
  startedAt: string;
  size: {
    workflows: number;
    bindings: number;
    vaults: number;
    bindingsPerWorkflow: number;
    model: GrantModel;
    objects: number;
    /** Absent in reports from before issue 20: sample. */
    definitionSize?: DefinitionSize;
    unreferencedConfigMaps?: number;
    /**
     * Subscriptions, each its own namespace and identity (issue 23); workflows, bindings, vaults
     * and objects above are totals over all of them. Absent in older reports: 1.
     */
    subscriptions?: number;
    /** Whether each namespace acted as its own identity (--namespace-credentials). */
    namespaceIdentities?: boolean;
    /** WorkflowRoleAssignments in all, and per workflow (issue 24; absent: none). */
    roleGrants?: number;
    roleGrantsPerWorkflow?: number;
  };
  settings: {
    operatorBuild: 'compiled' | 'source (tsx)';
    /** Node/V8 flags given to the operator process ('' for none). */
    operatorNodeOptions?: string;
    resyncPeriodMs: number;
    workers: number;
    readLatencyMs: number;
    writeLatencyMs: number;
    throttling: boolean;
    createConcurrency: number;
  };
  convergence: {
    converged: boolean;
    /** First create → every object Ready. */
    timeToReadyMs: number | undefined;
    /** First create → last create acknowledged by the API server. */
    createMs: number;
    lowerBound: {
      /** W over the whole run (all subscriptions). */
      minimumWrites: number;
      /** Subscriptions whose buckets refill side by side (absent: 1). */
      subscriptions?: number;
      /** W of the subscription that sets the floor (its own buckets); absent: one subscription. */
      writesPerSubscription?: number;
      bucket: { capacity: number; refillPerSecond: number };
      medianReadMs: number;
      medianWriteMs: number;
      lowerBoundMs: number;
    };
    /** timeToReady / lowerBound. */
    ratio: number | undefined;
    /** Per subscription, with --subscriptions ≥ 2 (or a namespace identity). */
    subscriptions?: SubscriptionFigures[];
    /** With --baseline: the one-subscription run, and timeToReady / its timeToReady. */
    baseline?: BaselineSummary;
    ratioToOneSubscription?: number | undefined;
    arm: PerObjectFigures;
    counters: CounterDelta;
    /** Why objects were not Ready when the run gave up. */
    notReady?: {
      workflows: Record<string, number>;
      bindings: Record<string, number>;
      roleGrants?: Record<string, number>;
    };
    samples: ReadySample[];
  };
  steadyState: SteadyStateFigures & { counters: CounterDelta };
  /** WorkflowRoleAssignments (issue 24): their writes, Ready time and the shared budget; absent without. */
  roleGrants?: RoleGrantFigures;
  operator: {
    pid: number;
    peakRssBytes: number;
    lifetimePeakRssBytes: number;
    cpuSecondsConvergence: number;
    cpuSecondsSteady: number;
    reconcile: Record<string, LatencyPercentiles>;
    /** deploy/helm/logicops/values.yaml resources.limits.memory, when set. */
    chartMemoryLimit?: MemoryLimit;
  };
  chartPath: string;
  targets: TargetCheck[];
}

export type { TargetCheck } from './target-check.ts';

/** The enforced targets this run missed, one line each saying what and by how much. */
export function missedEnforcedTargets(targets: readonly TargetCheck[]): string[] {
  return targets
    .filter((t) => t.enforced && t.met === false)
    .map((t) => `${t.name}: measured ${t.measured}, target ${t.target}`);
}

const MIB = 1024 * 1024;

/** The issue's targets, applied to this run. Benchmark targets, never test assertions. */
export function evaluateTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const { convergence, steadyState, size, operator } = report;
  const checks: TargetCheck[] = [];
  const add = (
    name: string,
    target: string,
    value: number | undefined,
    met: (v: number) => boolean,
    digits = 2,
  ) =>
    checks.push({
      name,
      target,
      measured: value === undefined ? 'n/a' : value.toFixed(digits),
      met: value === undefined ? undefined : met(value),
    });
  add('time to all Ready / lower bound', '≤ 1.25', convergence.ratio, (v) => v <= 1.25);
  add('ARM writes per workflow', '≤ 1.05', convergence.arm.writesPerWorkflow, (v) => v <= 1.05);
  if (size.bindings > 0) {
    if (size.model === 'access-policy') {
      // The issue's 0.05 is stated for 100 bindings per vault; with fewer sharing a vault the
      // floor is (vaults used / bindings), so the target is that floor + 5 %, but never below 0.05.
      // W also holds one role assignment per role grant (issue 24): not the bindings' floor.
      const grantFloor =
        (convergence.lowerBound.minimumWrites - size.workflows - (size.roleGrants ?? 0)) / size.bindings;
      const limit = Math.max(0.05, 1.05 * grantFloor);
      add(
        'grant writes per binding (shared vaults)',
        `≤ ${limit.toFixed(3)}`,
        convergence.arm.grantWritesPerBinding,
        (v) => v <= limit,
        3,
      );
    } else {
      add(
        'grant writes per binding (RBAC)',
        '≤ 1.05',
        convergence.arm.grantWritesPerBinding,
        (v) => v <= 1.05,
      );
    }
  }
  add('429s while converging', '0', convergence.arm.throttled, (v) => v === 0, 0);
  add('steady-state ARM writes', '0', steadyState.writes, (v) => v === 0, 0);
  add('steady-state reads per object per resync', '≤ 1', steadyState.readsPerObjectPerPeriod, (v) => v <= 1);
  add('steady-state 429s', '0', steadyState.throttled, (v) => v === 0, 0);
  if (report.roleGrants) {
    checks.push(
      ...roleGrantTargetChecks(report.roleGrants, convergence.converged ? steadyState.writes : undefined),
    );
  }
  add(
    `operator peak RSS, MiB (${size.objects} objects; target set for 5,000)`,
    '≤ 150',
    operator.lifetimePeakRssBytes / MIB,
    (v) => v <= 150,
    1,
  );
  if (operator.chartMemoryLimit) {
    const limitMiB = operator.chartMemoryLimit.bytes / MIB;
    add(
      `operator peak RSS within the chart's memory limit, MiB (issue 20)`,
      `≤ ${num1(limitMiB)} (${operator.chartMemoryLimit.quantity})`,
      operator.lifetimePeakRssBytes / MIB,
      (v) => v <= limitMiB,
      1,
    );
  }
  return checks;
}

export function formatReport(report: BenchReport): string {
  const { size, settings, convergence: c, steadyState: s, operator: o } = report;
  const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  const num = (value: number | undefined, digits = 2) =>
    value === undefined ? 'n/a' : value.toFixed(digits);
  const rows: Array<[string, string]> = [
    [
      'objects',
      `${size.workflows} workflows, ${size.bindings} bindings over ${size.vaults} vaults (${size.model})`,
    ],
    ...((size.subscriptions ?? 1) > 1 || size.namespaceIdentities
      ? [
          [
            '  subscriptions',
            `${size.subscriptions ?? 1}, each its own namespace acting as its own identity (an equal share each)`,
          ] as [string, string],
        ]
      : []),
    [
      '  definitions',
      size.definitionSize === 'max'
        ? 'definition and parameters at the size limits (bytes and JSON values)'
        : 'the end-to-end sample',
    ],
    ...(size.unreferencedConfigMaps
      ? [['  unreferenced ConfigMaps', `${size.unreferencedConfigMaps} × 1 MiB`] as [string, string]]
      : []),
    [
      'emulator',
      `reads ${settings.readLatencyMs} ms, writes ${settings.writeLatencyMs} ms, throttling ${settings.throttling ? 'on' : 'off'}`,
    ],
    [
      'operator',
      `${settings.operatorBuild}${settings.operatorNodeOptions ? ` (${settings.operatorNodeOptions})` : ''}, workers ${settings.workers}, resync ${seconds(settings.resyncPeriodMs)}`,
    ],
    ['', ''],
    [
      'time to all Ready',
      c.converged ? seconds(c.timeToReadyMs) : `not converged (gave up at ${seconds(c.samples.at(-1)?.tMs)})`,
    ],
    ['  creates took', seconds(c.createMs)],
    [
      'lower bound T_lb',
      `${seconds(c.lowerBound.lowerBoundMs)} (${lowerBoundWrites(c.lowerBound)}, B=${c.lowerBound.bucket.capacity}, r=${c.lowerBound.bucket.refillPerSecond}/s, L_read=${c.lowerBound.medianReadMs} ms, L_write=${c.lowerBound.medianWriteMs} ms)`,
    ],
    ['measured / bound', num(c.ratio)],
    ...(c.subscriptions ?? []).map((sub): [string, string] => [
      `  ${sub.namespace}`,
      `subscription ${sub.subscriptionId} as ${sub.actingAs}: ${seconds(sub.timeToReadyMs)} / ${seconds(sub.lowerBoundMs)} = ${num(sub.ratio)}; writes ${sub.arm.writes} (${sub.arm.workflowWrites} workflow PUTs, ${sub.arm.grantWrites} grants), reads ${sub.arm.reads}, 429s ${sub.arm.throttled}`,
    ]),
    ...(c.baseline
      ? ([
          [
            'one subscription alone',
            c.baseline.converged
              ? `${seconds(c.baseline.timeToReadyMs)} (T_lb ${seconds(c.baseline.lowerBoundMs)}, ratio ${num(c.baseline.ratio)}, 429s ${c.baseline.throttled}; chart ${c.baseline.chartPath})`
              : 'not converged',
          ],
          ['measured / one subscription alone', num(c.ratioToOneSubscription)],
        ] as Array<[string, string]>)
      : []),
    ['ARM writes (all)', `${c.arm.writes} (${num(c.arm.writesPerObject)} per object)`],
    ['  workflow PUTs', `${c.arm.workflowWrites} (${num(c.arm.writesPerWorkflow)} per workflow)`],
    ['  grant writes', `${c.arm.grantWrites} (${num(c.arm.grantWritesPerBinding, 3)} per binding)`],
    ['ARM reads', `${c.arm.reads} (${num(c.arm.readsPerObject)} per object)`],
    ['429s', `${c.arm.throttled} (${c.counters.throttledWrites} on writes)`],
    ...roleGrantRows(report.roleGrants, seconds, num),
    ['', ''],
    ['steady-state window', `${seconds(s.windowMs)} (${num(s.resyncPeriods, 1)} resync periods)`],
    ['  writes / reads / 429s', `${s.writes} / ${s.reads} / ${s.throttled}`],
    ['  reads per object per resync', num(s.readsPerObjectPerPeriod)],
    ['', ''],
    [
      'operator peak RSS',
      `${num(o.lifetimePeakRssBytes / MIB, 1)} MiB (while converging ${num(o.peakRssBytes / MIB, 1)} MiB)${o.chartMemoryLimit ? `; the chart's limit ${o.chartMemoryLimit.quantity}` : ''}`,
    ],
    [
      'operator CPU',
      `${num(o.cpuSecondsConvergence, 1)} s converging (${num(c.timeToReadyMs ? o.cpuSecondsConvergence / (c.timeToReadyMs / 1000) : undefined)} cores), ${num(o.cpuSecondsSteady, 1)} s steady (${num(s.windowMs > 0 ? o.cpuSecondsSteady / (s.windowMs / 1000) : undefined, 3)} cores)`,
    ],
  ];
  const observed = Object.entries(o.reconcile).filter(([, p]) => p.count > 0);
  if (observed.length === 0) {
    rows.push(['reconcile latency', `n/a: the operator's ${RECONCILE_HISTOGRAM} has no observations`]);
  }
  for (const [controller, p] of observed) {
    rows.push([
      `reconcile ${controller}`,
      `n=${p.count} p50 ${ms(p.p50)} p90 ${ms(p.p90)} p99 ${ms(p.p99)} mean ${ms(p.meanSeconds)}`,
    ]);
  }
  if (c.notReady) {
    rows.push(['not Ready (workflows)', JSON.stringify(c.notReady.workflows)]);
    rows.push(['not Ready (bindings)', JSON.stringify(c.notReady.bindings)]);
    if (c.notReady.roleGrants) rows.push(['not Ready (role grants)', JSON.stringify(c.notReady.roleGrants)]);
  }
  rows.push(['chart', report.chartPath]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => (label === '' ? '' : `${label.padEnd(width)}  ${value}`));
  lines.push(
    '',
    `targets (issue 12; the memory limit row, issue 20${report.roleGrants ? "; issue 24's grant rows, enforced: a MISS fails the run" : ''}):`,
  );
  const nameWidth = Math.max(...report.targets.map((t) => t.name.length));
  for (const t of report.targets) {
    const verdict = t.met === undefined ? '  ?' : t.met ? ' ok' : 'MISS';
    lines.push(
      `  ${verdict.padStart(4)}  ${t.name.padEnd(nameWidth)}  ${t.measured.padStart(8)}  (target ${t.target})`,
    );
  }
  return lines.join('\n');
}

/** The rows of issue 24's grants: their writes, Ready time, and the one budget both kinds count in. */
function roleGrantRows(
  g: RoleGrantFigures | undefined,
  seconds: (ms: number | undefined) => string,
  num: (value: number | undefined, digits?: number) => string,
): Array<[string, string]> {
  if (!g) return [];
  const { budget } = g;
  const reported = (kind: keyof RoleGrantFigures['budget']['reported']) => {
    const r = budget.reported[kind];
    return r.objects === 0
      ? 'none report it'
      : `${r.objects} report it, largest used ${r.maxUsed}, limit ${r.limits.join('/')}, scope ${r.scopes.join(' ')}`;
  };
  return [
    ['', ''],
    ['role grants (WorkflowRoleAssignment)', `${g.grants}; all Ready at ${seconds(g.timeToReadyMs)}`],
    [
      '  role-assignment writes',
      `${g.converging.writes} PUTs (${num(g.writesPerGrant, 3)} per grant), ${g.converging.reads} reads, ${g.converging.deletes} deletes`,
    ],
    [
      '  in the steady-state window',
      `${g.steady.writes} PUTs, ${g.steady.reads} reads, ${g.steady.deletes} deletes`,
    ],
    [
      '  role assignments in Azure',
      `${budget.azure.total} of ${budget.limit} in the subscription: ${budget.azure.roleGrants} role grants + ${budget.azure.bindings} bindings (Key Vault) + ${budget.azure.other} others`,
    ],
    ['  status.quota, grants', reported('WorkflowRoleAssignment')],
    ['  status.quota, bindings', reported('VaultSecretBinding')],
    [
      '  one budget',
      `${budget.oneBudget ? 'yes' : 'no'}${budget.shared ? '' : ' (the grants alone: the bindings use access policies)'}`,
    ],
    [
      '  probe grant after the steady state',
      g.probe
        ? `status.quota used ${g.probe.reportedUsed ?? 'n/a (not Ready)'}; Azure holds ${g.probe.azureTotal}`
        : 'not made (the run did not converge)',
    ],
  ];
}

/** W as the floor used it: the whole run's, or one subscription's of the run's total. */
function lowerBoundWrites(bound: BenchReport['convergence']['lowerBound']): string {
  if (bound.writesPerSubscription === undefined || (bound.subscriptions ?? 1) <= 1) {
    return `W=${bound.minimumWrites}`;
  }
  return `one subscription's W=${bound.writesPerSubscription} of ${bound.minimumWrites} over ${bound.subscriptions} subscriptions, each its own buckets`;
}

/**
 * The report of a run over several subscriptions with the one-subscription run of the same
 * invocation (--baseline) beside it: its figures in brief and the ratio of the two times to Ready.
 */
export function withBaseline(report: BenchReport, baseline: BenchReport): BenchReport {
  const measured = report.convergence.timeToReadyMs;
  const alone = baseline.convergence.timeToReadyMs;
  return {
    ...report,
    convergence: {
      ...report.convergence,
      baseline: {
        command: baseline.command,
        converged: baseline.convergence.converged,
        timeToReadyMs: alone,
        lowerBoundMs: baseline.convergence.lowerBound.lowerBoundMs,
        ratio: baseline.convergence.ratio,
        throttled: baseline.convergence.arm.throttled,
        chartPath: baseline.chartPath,
      },
      ratioToOneSubscription:
        measured === undefined || alone === undefined || alone <= 0 ? undefined : measured / alone,
    },
  };
}

function num1(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function ms(secondsValue: number | undefined): string {
  return secondsValue === undefined ? 'n/a' : `${Math.round(secondsValue * 1000)} ms`;
}
