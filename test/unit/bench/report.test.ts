import { describe, expect, it } from 'vitest';
import { counterDelta, perObjectFigures } from '../../../bench/arm-figures.ts';
import { ARM_WRITE_BUCKET } from '../../../bench/lower-bound.ts';
import { type BenchReport, evaluateTargets, formatReport, withBaseline } from '../../../bench/report.ts';

const emptyCounters = {
  reads: 0,
  writes: 0,
  deletes: 0,
  actions: 0,
  byOperation: {},
  byBucket: {
    reads: { requests: 0, throttled: 0 },
    writes: { requests: 0, throttled: 0 },
    deletes: { requests: 0, throttled: 0 },
  },
};

/** A run of `subscriptions` equal shares of 1,000 workflows + 1,000 bindings over `vaults` vaults each. */
function report(
  subscriptions: number,
  timeToReadyMs: number | undefined,
  grantWrites: number,
  vaults = 10,
): BenchReport {
  const writesPerSubscription = 1000 + vaults;
  const lowerBoundMs = ((writesPerSubscription - 200) / 10) * 1000 + 200;
  const workflows = 1000 * subscriptions;
  const delta = counterDelta(emptyCounters, emptyCounters);
  delta.byOperation = {
    'Microsoft.Logic/workflows/write': workflows,
    'Microsoft.KeyVault/vaults/accessPolicies/write': grantWrites,
  };
  const partial: Omit<BenchReport, 'targets'> = {
    command: `npm run bench -- --subscriptions ${subscriptions}`,
    startedAt: '2025-01-01T00:00:00.000Z',
    size: {
      workflows,
      bindings: workflows,
      vaults: vaults * subscriptions,
      bindingsPerWorkflow: 1,
      model: 'access-policy',
      objects: 2 * workflows,
      subscriptions,
      namespaceIdentities: subscriptions > 1,
    },
    settings: {
      operatorBuild: 'compiled',
      resyncPeriodMs: 120_000,
      workers: 16,
      readLatencyMs: 50,
      writeLatencyMs: 150,
      throttling: true,
      createConcurrency: 16,
    },
    convergence: {
      converged: timeToReadyMs !== undefined,
      timeToReadyMs,
      createMs: 1000,
      lowerBound: {
        minimumWrites: writesPerSubscription * subscriptions,
        ...(subscriptions > 1 ? { subscriptions, writesPerSubscription } : {}),
        bucket: { ...ARM_WRITE_BUCKET },
        medianReadMs: 50,
        medianWriteMs: 150,
        lowerBoundMs,
      },
      ratio: timeToReadyMs === undefined ? undefined : timeToReadyMs / lowerBoundMs,
      arm: perObjectFigures(delta, { workflows, bindings: workflows }),
      counters: delta,
      samples: [],
    },
    steadyState: {
      windowMs: 240_000,
      resyncPeriods: 2,
      writes: 0,
      reads: 0,
      throttled: 0,
      readsPerObjectPerPeriod: 0,
      counters: delta,
    },
    operator: {
      pid: 1,
      peakRssBytes: 0,
      lifetimePeakRssBytes: 0,
      cpuSecondsConvergence: 0,
      cpuSecondsSteady: 0,
      reconcile: {},
    },
    chartPath: `/tmp/s${subscriptions}.svg`,
  };
  return { ...partial, targets: evaluateTargets(partial) };
}

describe('evaluateTargets over several subscriptions', () => {
  const grantTarget = (r: BenchReport) =>
    r.targets.find((t) => t.name.startsWith('grant writes per binding'));

  it("takes the grant floor from the run's totals: one add per vault in every subscription", () => {
    // 30 vaults for 3,000 bindings: the floor is 0.01 per binding, so the target stays at 0.05.
    expect(grantTarget(report(3, 100_000, 30))).toMatchObject({
      target: '≤ 0.050',
      measured: '0.010',
      met: true,
    });
    expect(grantTarget(report(3, 100_000, 200))).toMatchObject({ met: false });
    // 100 vaults each (10 bindings a vault): 300 adds for 3,000 bindings, 0.1 per binding; + 5 %.
    expect(grantTarget(report(3, 100_000, 300, 100))).toMatchObject({
      target: '≤ 0.105',
      measured: '0.100',
      met: true,
    });
  });

  it("holds the time to Ready to one subscription's floor", () => {
    const time = (r: BenchReport) => r.targets.find((t) => t.name === 'time to all Ready / lower bound');
    expect(time(report(3, 101_000, 30))).toMatchObject({ measured: '1.24', met: true });
    expect(time(report(3, 102_000, 30))).toMatchObject({ measured: '1.26', met: false });
  });
});

describe('evaluateTargets with role grants (issue 24)', () => {
  it("keeps the grants' role assignments out of the bindings' access-policy floor", () => {
    const { targets: _targets, ...partial } = report(1, 100_000, 10);
    // 1,000 workflows, 10 vaults, 2,000 role grants: W = 1,000 + 10 + 2,000.
    const withGrants = {
      ...partial,
      size: { ...partial.size, roleGrants: 2000, roleGrantsPerWorkflow: 2 },
      convergence: {
        ...partial.convergence,
        lowerBound: { ...partial.convergence.lowerBound, minimumWrites: 3010 },
      },
    };
    const grantRow = evaluateTargets(withGrants).find((t) => t.name.startsWith('grant writes per binding'));
    expect(grantRow?.target).toBe('≤ 0.050');
    expect(grantRow?.met).toBe(true);
  });
});

describe('withBaseline', () => {
  it('adds the one-subscription run in brief and the ratio of the two times to Ready', () => {
    const combined = withBaseline(report(3, 99_000, 30), report(1, 90_000, 10));
    expect(combined.convergence.baseline).toEqual({
      command: 'npm run bench -- --subscriptions 1',
      converged: true,
      timeToReadyMs: 90_000,
      lowerBoundMs: 81_200,
      ratio: 90_000 / 81_200,
      throttled: 0,
      chartPath: '/tmp/s1.svg',
    });
    expect(combined.convergence.ratioToOneSubscription).toBeCloseTo(1.1, 9);
    // The run's own figures are untouched.
    expect(combined.convergence.ratio).toBe(99_000 / 81_200);
    expect(combined.targets).toEqual(report(3, 99_000, 30).targets);
  });

  it('has no ratio when either run did not converge', () => {
    expect(
      withBaseline(report(3, undefined, 30), report(1, 90_000, 10)).convergence.ratioToOneSubscription,
    ).toBeUndefined();
    expect(
      withBaseline(report(3, 99_000, 30), report(1, undefined, 10)).convergence.ratioToOneSubscription,
    ).toBeUndefined();
  });
});

describe('formatReport over several subscriptions', () => {
  it("names one subscription's W as the floor's, and prints the baseline's ratio", () => {
    const text = formatReport(withBaseline(report(3, 99_000, 30), report(1, 90_000, 10)));
    expect(text).toContain(
      "lower bound T_lb                   81.2 s (one subscription's W=1010 of 3030 over 3 subscriptions, each its own buckets,",
    );
    expect(text).toMatch(/measured \/ one subscription alone\s+1\.10/);
    expect(formatReport(report(1, 90_000, 10))).toMatch(/lower bound T_lb\s+81\.2 s \(W=1010, B=200/);
  });
});
