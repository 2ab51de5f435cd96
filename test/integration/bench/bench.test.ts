// The bench end to end at a tiny size, against the shared control plane: the operator runs as
// its own process (bin/logicops.mjs run), the emulator in this process. Asserts only that the
// report's figures agree with the emulator's own counters and state — never timings.

import type { Counters, Emulator } from '@logicops/azure-emulator';
import { describe, expect, inject, it } from 'vitest';
import { parseBenchArgs } from '../../../bench/args.ts';
import { ACCESS_POLICY_WRITE, ROLE_ASSIGNMENT_WRITE, WORKFLOW_WRITE } from '../../../bench/arm-figures.ts';
import type { BenchReport } from '../../../bench/report.ts';
import { runBench } from '../../../bench/run.ts';
import { subscriptionOfPath } from '../../../bench/subscription-figures.ts';
import { benchApplicationIds, benchSubscriptionId } from '../../../bench/subscriptions.ts';

describe('npm run bench (3 workflows, 1 vault, 1 binding each)', () => {
  let emulator: Emulator | undefined;
  let report: BenchReport | undefined;
  let finalCounters: Counters | undefined;

  it('converges and reports figures that match the emulator', { timeout: 240_000 }, async () => {
    const options = parseBenchArgs([
      '--workflows',
      '3',
      '--vaults',
      '1',
      '--bindings-per-workflow',
      '1',
      '--resync-period',
      '2s',
      '--poll-interval',
      '250ms',
      '--timeout',
      '3m',
      '--kubeconfig',
      inject('kubeconfigPath'),
      '--operator-log-level',
      'warn',
    ]);
    if (options === 'help') throw new Error('unexpected help');
    report = await runBench(options, {
      say: () => {},
      command: 'integration test',
      onEmulator: (started) => {
        emulator = started;
      },
    });
    if (!emulator) throw new Error('the bench never reported its emulator');
    finalCounters = structuredClone(emulator.counters());

    expect(report.convergence.converged).toBe(true);
    expect(report.size).toMatchObject({ workflows: 3, bindings: 3, objects: 6, model: 'access-policy' });

    // Every workflow exists in Azure, so each was PUT at least once while converging; the one
    // vault holds an entry for each workflow's principal, so the grants were written.
    const workflowsInAzure = Object.values(emulator.state.workflows).filter((w) =>
      w.name.startsWith('bench-wf-'),
    );
    expect(workflowsInAzure).toHaveLength(3);
    const vault = Object.values(emulator.state.vaults).find((v) => v.name === 'bench-kv-0000');
    expect(vault?.accessPolicies).toHaveLength(3);
    const c = report.convergence;
    expect(c.arm.workflowWrites).toBeGreaterThanOrEqual(3);
    expect(c.arm.grantWrites).toBeGreaterThanOrEqual(1);

    // The per-object figures are the counted requests divided by the objects.
    expect(c.arm.workflowWrites).toBe(c.counters.byOperation[WORKFLOW_WRITE] ?? 0);
    expect(c.arm.grantWrites).toBe(c.counters.byOperation[ACCESS_POLICY_WRITE] ?? 0);
    expect(c.arm.writesPerWorkflow).toBeCloseTo(c.arm.workflowWrites / 3, 9);
    expect(c.arm.grantWritesPerBinding).toBeCloseTo(c.arm.grantWrites / 3, 9);
    expect(c.arm.readsPerObject).toBeCloseTo(c.counters.reads / 6, 9);

    // Phases never count more than the emulator saw in total, and the writes the convergence
    // phase counted are all the workflow and grant writes there were before it ended.
    const s = report.steadyState;
    expect(c.counters.reads + s.counters.reads).toBeLessThanOrEqual(finalCounters.byBucket.reads.requests);
    expect(c.counters.writes + s.counters.writes).toBeLessThanOrEqual(finalCounters.byBucket.writes.requests);
    const finalWorkflowWrites = finalCounters.byOperation[WORKFLOW_WRITE]?.count ?? 0;
    expect(c.arm.workflowWrites + (s.counters.byOperation[WORKFLOW_WRITE] ?? 0)).toBeLessThanOrEqual(
      finalWorkflowWrites,
    );
    expect(c.arm.throttled).toBe(
      finalCounters.byBucket.writes.throttled + finalCounters.byBucket.reads.throttled,
    );

    // The steady-state window is whole resync periods, and its figures are its own counters.
    expect(s.resyncPeriods).toBeGreaterThanOrEqual(2);
    expect(s.writes).toBe(s.counters.writes);
    expect(s.readsPerObjectPerPeriod).toBeCloseTo(s.counters.reads / 6 / s.resyncPeriods, 9);

    // The lower bound for 3 workflows + 1 vault: W = 4 fits in the burst, so T_lb = L_read + L_write.
    expect(c.lowerBound).toMatchObject({ minimumWrites: 4, lowerBoundMs: 200 });
    expect(c.ratio).toBeCloseTo((c.timeToReadyMs ?? 0) / 200, 9);
    expect(report.targets.map((t) => t.name)).toContain('ARM writes per workflow');
    expect(report.operator.lifetimePeakRssBytes).toBeGreaterThan(0);
  });
});

describe('npm run bench --subscriptions 2 (2 workflows each, 1 vault each)', () => {
  it('acts in each subscription as its own identity, and reports each share against its own floor', {
    timeout: 240_000,
  }, async () => {
    const options = parseBenchArgs([
      '--subscriptions',
      '2',
      '--workflows',
      '2',
      '--vaults',
      '1',
      '--resync-period',
      '2s',
      '--poll-interval',
      '250ms',
      '--timeout',
      '3m',
      '--kubeconfig',
      inject('kubeconfigPath'),
      '--operator-log-level',
      'warn',
    ]);
    if (options === 'help') throw new Error('unexpected help');
    let emulator: Emulator | undefined;
    const report = await runBench(options, {
      say: () => {},
      command: 'integration test',
      onEmulator: (started) => {
        emulator = started;
      },
    });
    if (!emulator) throw new Error('the bench never reported its emulator');

    expect(report.convergence.converged).toBe(true);
    expect(report.size).toMatchObject({ workflows: 4, bindings: 4, vaults: 2, subscriptions: 2 });
    const subscriptions = [benchSubscriptionId(1), benchSubscriptionId(2)];
    // Every ARM call into a bench subscription was made by that subscription's own app.
    const benchCalls = emulator
      .requests()
      .filter((r) => r.plane === 'arm' && subscriptions.includes(subscriptionOfPath(r.path) ?? ''));
    expect(benchCalls.length).toBeGreaterThan(0);
    for (const call of benchCalls) {
      const number = subscriptions.indexOf(subscriptionOfPath(call.path) ?? '') + 1;
      expect(call.callerObjectId).toBe(benchApplicationIds(number).objectId);
    }
    expect(benchCalls.filter((call) => call.status === 403)).toEqual([]);
    // Each share's workflows exist in its own subscription.
    for (const subscriptionId of subscriptions) {
      const inAzure = Object.values(emulator.state.workflows).filter(
        (w) => w.name.startsWith('bench-wf-') && w.id.toLowerCase().includes(subscriptionId),
      );
      expect(inAzure).toHaveLength(2);
    }

    // Per subscription: its own figures, its own floor (W = 2 + 1 fits in the burst: L_read + L_write).
    const shares = report.convergence.subscriptions ?? [];
    expect(shares.map((share) => share.subscriptionId)).toEqual(subscriptions);
    for (const share of shares) {
      expect(share).toMatchObject({ workflows: 2, bindings: 2, lowerBoundMs: 200 });
      expect(share.arm.workflowWrites).toBeGreaterThanOrEqual(2);
      expect(share.arm.grantWrites).toBeGreaterThanOrEqual(1);
      expect(share.timeToReadyMs).toBeLessThanOrEqual(report.convergence.timeToReadyMs ?? 0);
    }
    // The shares add up to the run's counted workflow PUTs; the floor is one subscription's.
    expect(shares.reduce((n, share) => n + share.arm.workflowWrites, 0)).toBe(
      report.convergence.arm.workflowWrites,
    );
    expect(report.convergence.lowerBound).toMatchObject({
      minimumWrites: 6,
      subscriptions: 2,
      writesPerSubscription: 3,
      lowerBoundMs: 200,
    });
  });
});

describe('npm run bench --role-grants 2 (2 workflows, RBAC bindings; issue 24)', () => {
  it('reports the grants’ writes, Ready time and one budget as the emulator saw them', {
    timeout: 240_000,
  }, async () => {
    const options = parseBenchArgs([
      '--workflows',
      '2',
      '--vaults',
      '1',
      '--model',
      'rbac',
      '--role-grants',
      '2',
      '--resync-period',
      '2s',
      '--poll-interval',
      '250ms',
      '--timeout',
      '3m',
      '--kubeconfig',
      inject('kubeconfigPath'),
      '--operator-log-level',
      'warn',
    ]);
    if (options === 'help') throw new Error('unexpected help');
    let emulator: Emulator | undefined;
    const report = await runBench(options, {
      say: () => {},
      command: 'integration test',
      onEmulator: (started) => {
        emulator = started;
      },
    });
    if (!emulator) throw new Error('the bench never reported its emulator');
    expect(report.convergence.converged).toBe(true);
    expect(report.size).toMatchObject({ workflows: 2, bindings: 2, roleGrants: 4, objects: 8 });
    const g = report.roleGrants;
    if (!g) throw new Error('no role-grant figures in a run with --role-grants');

    // Azure holds, on the bench's queues, one assignment per grant plus the probe's: each a Service
    // Bus data role for a bench workflow's principal, at exactly the queue's scope.
    const onQueues = Object.values(emulator.state.roleAssignments).filter((ra) =>
      /\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/]+\/queues\/bench-q-/i.test(ra.scope),
    );
    expect(onQueues).toHaveLength(4 + 1);
    const benchPrincipals = new Set(
      Object.values(emulator.state.workflows)
        .filter((w) => w.name.startsWith('bench-wf-'))
        .map((w) => (w.identity?.type === 'SystemAssigned' ? w.identity.principalId : undefined)),
    );
    for (const ra of onQueues) expect(benchPrincipals.has(ra.principalId)).toBe(true);

    // The PUTs the report counts are the role-assignment writes on those scopes in the request log:
    // the converging ones, the steady window's, and the probe's one, in that order.
    const puts = emulator
      .requests()
      .filter(
        (r) =>
          r.method === 'PUT' &&
          r.operation === ROLE_ASSIGNMENT_WRITE &&
          /\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/]+\/queues\/bench-q-/i.test(r.path),
      );
    expect(g.converging.writes + g.steady.writes + 1).toBe(puts.length);
    expect(g.writesPerGrant).toBeCloseTo(g.converging.writes / 4, 9);
    expect(g.converging.writes).toBeGreaterThanOrEqual(4);
    // The bindings' grant writes are their own: role-assignment PUTs not on the grants' scopes.
    expect(report.convergence.arm.grantWrites).toBe(
      (report.convergence.counters.byOperation[ROLE_ASSIGNMENT_WRITE] ?? 0) - g.converging.writes,
    );

    // One budget: what Azure holds is counted as the emulator counts it, both kinds report it.
    const inSubscription = Object.values(emulator.state.roleAssignments).filter(
      (ra) => subscriptionOfPath(ra.scope) === emulator?.subscriptionId.toLowerCase(),
    );
    expect(g.probe?.azureTotal).toBe(inSubscription.length);
    expect(g.budget.azure.roleGrants).toBe(4);
    expect(g.budget.azure.bindings).toBe(2);
    expect(g.budget.reported.WorkflowRoleAssignment.objects).toBe(4);
    expect(g.budget.reported.VaultSecretBinding.objects).toBe(2);
    expect(g.timeToReadyMs).toBeGreaterThan(0);
    expect(g.timeToReadyMs).toBeLessThanOrEqual(report.convergence.timeToReadyMs ?? 0);
    expect(report.targets.filter((t) => t.enforced).map((t) => t.name)).toHaveLength(4);
  });
});
