// Issue 13, failover: two operator processes with leader election. SIGSTOP the leader for longer
// than the lease → the other leads within lease duration + retry period. SIGCONT the old leader →
// the emulator records no ARM write from it afterwards (its fence must refuse every write).
//
// Telling the two processes apart in the emulator: each runs with its own app registration, so
// the caller object id of every ARM request names the instance. (In production both replicas
// share one identity; see docs/reliability.md for the user-agent change that would identify them.)
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID } from '../../src/emulator/index.ts';
import { adminKubeConfig } from '../integration/support/cluster.ts';
import { gatherHaystacks, scanWithCanary } from './security/collect.ts';
import { type ChaosAzure, startChaosAzure } from './support/azure.ts';
import { describeVerdict, waitForConvergence } from './support/converge.ts';
import { printFigures } from './support/figures.ts';
import { createAll, createNamespace, installCrds } from './support/kube.ts';
import { type OperatorProcess, startOperator } from './support/operator-process.ts';
import { chaosScale } from './support/scale.ts';
import { chaosTempDir } from './support/temp-dir.ts';
import { buildWorld } from './support/world.ts';

const LEASE_MS = 6000;
const RENEW_DEADLINE_MS = 4000;
const RETRY_MS = 1000;
const LEASE = 'chaos-leader';
/**
 * What client-go-style election can promise, measured from SIGSTOP: the follower dates the
 * lease from when IT saw the last renewal (up to 1.2 retry periods late: it polls with jitter),
 * waits a lease duration, and tries again up to 1.2 retry periods later; plus one API round
 * trip. The issue's budget (lease + retry) is printed too; docs/reliability.md explains the gap.
 */
const TAKEOVER_BOUND_MS = LEASE_MS + 2.4 * RETRY_MS + 500;
const CLUSTER_ID = 'chaos-failover';

interface ArmWrite {
  at: number;
  callerObjectId: string;
  operation: string;
}

describe('failover', () => {
  const scale = chaosScale();
  const operators: OperatorProcess[] = [];
  let azure: ChaosAzure | undefined;

  afterAll(async () => {
    for (const operator of operators) await operator.stop();
    await azure?.close();
  });

  it('hands leadership over within the election bound, and the stopped leader writes nothing after SIGCONT', async () => {
    const started = Date.now();
    await installCrds();
    const world = buildWorld({
      subscriptionId: DEMO_SUBSCRIPTION_ID,
      namespace: '',
      workflows: scale.workflows,
    });
    const apps = [0, 1].map((i) => ({
      clientId: randomUUID(),
      objectId: randomUUID(),
      clientSecret: `chaos-app-${i}-${randomBytes(18).toString('base64url')}`,
    }));
    azure = await startChaosAzure({
      ...world.seed,
      applications: [...(world.seed.applications ?? []), ...apps],
    });
    const emulator = azure.emulator;
    // Every ARM write with its caller, unbounded (the admin request log keeps only the last 2,000).
    const writes: ArmWrite[] = [];
    emulator.use(async (ctx, next) => {
      const { kind, plane, operation } = ctx.match.route;
      if (plane === 'arm' && (kind === 'write' || kind === 'delete' || kind === 'action')) {
        writes.push({ at: Date.now(), callerObjectId: ctx.caller?.oid ?? '', operation });
      }
      return next();
    });
    const namespace = await createNamespace('chaos-failover', world.namespaceAnnotations);
    const all = [...world.workflows, ...world.bindings];
    for (const m of all) m.metadata.namespace = namespace;
    const logDir = await chaosTempDir();
    for (const [i, app] of apps.entries()) {
      operators.push(
        await startOperator({
          kubeconfigPath: inject('kubeconfigPath'),
          namespaces: [namespace],
          armEndpoint: emulator.armEndpoint,
          authorityHost: emulator.authorityHost,
          caCertPath: emulator.caCertPath,
          tenantId: emulator.tenantId,
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          clusterId: CLUSTER_ID,
          logFile: path.join(logDir, `operator-${i}.log`),
          flags: [
            '--leader-elect',
            '--leader-election-namespace',
            namespace,
            '--lease-name',
            LEASE,
            '--lease-duration',
            `${LEASE_MS}ms`,
            '--renew-deadline',
            `${RENEW_DEADLINE_MS}ms`,
            '--retry-period',
            `${RETRY_MS}ms`,
          ],
        }),
      );
    }
    const leases = adminKubeConfig().makeApiClient(CoordinationV1Api);
    const holder = async () =>
      (await leases.readNamespacedLease({ name: LEASE, namespace }).catch(() => undefined))?.spec
        ?.holderIdentity ?? '';
    const byHolder = async (timeoutMs: number, accept: (identity: string) => boolean) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const identity = await holder();
        if (accept(identity)) return identity;
        if (Date.now() > deadline) throw new Error(`lease holder still '${identity}' after ${timeoutMs} ms`);
        await sleep(50);
      }
    };
    const pidOf = (identity: string) => Number(identity.split('-').pop());
    const firstHolder = await byHolder(60_000, (id) => id !== '');
    const leaderIndex = operators.findIndex((o) => o.pid === pidOf(firstHolder));
    expect(leaderIndex).toBeGreaterThanOrEqual(0);
    const leader = operators[leaderIndex] as OperatorProcess;
    const follower = operators[1 - leaderIndex] as OperatorProcess;
    const leaderOid = apps[leaderIndex]?.objectId.toLowerCase() ?? '';
    const followerOid = apps[1 - leaderIndex]?.objectId.toLowerCase() ?? '';

    // Stop the leader while it is busy: the first half of the objects is in flight. The second
    // half arrives while it is frozen, so the new leader has work of its own.
    const half = Math.ceil(world.workflows.length / 2);
    const firstHalf = [...world.workflows.slice(0, half), ...world.bindings.slice(0, half)];
    const secondHalf = all.filter((m) => !firstHalf.includes(m));
    await createAll(firstHalf);
    const busyDeadline = Date.now() + 60_000;
    while (!writes.some((w) => w.callerObjectId === leaderOid) && Date.now() < busyDeadline) await sleep(20);
    const stoppedAt = Date.now();
    leader.signal('SIGSTOP');
    const feeding = createAll(secondHalf); // concurrently: the takeover is timed from SIGSTOP
    await byHolder(LEASE_MS * 4, (id) => pidOf(id) === follower.pid);
    const takeoverMs = Date.now() - stoppedAt;
    await feeding;
    // Keep the old leader frozen past the lease and a little more, then let it run again.
    await sleep(Math.max(0, LEASE_MS + RETRY_MS - takeoverMs) + 1000);
    const resumedAt = Date.now();
    leader.signal('SIGCONT');

    const verdict = await waitForConvergence({
      namespace,
      clusterId: CLUSTER_ID,
      expected: all,
      state: () => emulator.state,
      baseline: azure.baseline,
      timeoutMs: scale.convergeTimeoutMs,
    });
    await sleep(2000); // time for any late write the old leader might still attempt
    const oldLeaderExit = await Promise.race([
      leader.exited,
      sleep(10_000).then(() => 'still running' as const),
    ]);
    const writesByOldLeaderBefore = writes.filter(
      (w) => w.callerObjectId === leaderOid && w.at < stoppedAt,
    ).length;
    const writesByOldLeaderAfter = writes.filter((w) => w.callerObjectId === leaderOid && w.at >= resumedAt);
    const writesByNewLeader = writes.filter((w) => w.callerObjectId === followerOid).length;
    // Kubernetes writes are not behind the Azure fence: a deposed leader's in-flight reconciles
    // can still patch status with the fence's own refusal. Count what it left behind.
    const statusFromOldLeader = verdict.objects
      .filter((o) =>
        o.status?.conditions?.some((c) => /leadership lost|not the leader/.test(c.message ?? '')),
      )
      .map((o) => o.metadata.name);
    const metrics = await follower.scrapeMetrics().catch(() => '');
    for (const operator of operators) await operator.stop();
    const scan = scanWithCanary(
      [
        ...world.secretNeedles,
        ...azure.credentialNeedles(),
        ...apps.map((app, i) => ({ label: `app ${i} client secret`, value: app.clientSecret })),
      ],
      await gatherHaystacks({
        logFiles: [0, 1].map((i) => path.join(logDir, `operator-${i}.log`)),
        namespaces: [namespace],
        objects: verdict.objects,
        metrics: [metrics],
      }),
    );
    printFigures({
      suite: 'failover (SIGSTOP/SIGCONT)',
      scale: scale.name,
      objects: all.length,
      leaseDurationMs: LEASE_MS,
      retryPeriodMs: RETRY_MS,
      takeoverMs,
      issueBudgetMs: LEASE_MS + RETRY_MS,
      withinIssueBudget: takeoverMs <= LEASE_MS + RETRY_MS,
      electionBoundMs: TAKEOVER_BOUND_MS,
      stoppedForMs: resumedAt - stoppedAt,
      writesByOldLeaderBeforeStop: writesByOldLeaderBefore,
      writesByOldLeaderAfterCont: writesByOldLeaderAfter.length,
      writesByNewLeader,
      staleStatusFromOldLeader: statusFromOldLeader.length,
      oldLeaderExit: String(oldLeaderExit),
      discrepancies: verdict.discrepancies.length,
      leaks: scan.leaks.length,
      canaryFound: scan.canaryFound,
      durationMs: Date.now() - started,
    });
    // The per-instance attribution works (else "0 writes afterwards" would prove nothing).
    expect(writesByOldLeaderBefore).toBeGreaterThan(0);
    expect(writesByNewLeader).toBeGreaterThan(0);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
    expect(writesByOldLeaderAfter.map((w) => w.operation)).toEqual([]);
    expect(statusFromOldLeader, 'status written by the deposed leader after SIGCONT').toEqual([]);
    expect(verdict.converged, describeVerdict(verdict)).toBe(true);
    expect(scan.leaks).toEqual([]);
    expect(scan.canaryFound).toBe(true);
  });
});
