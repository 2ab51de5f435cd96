// One benchmark run, start to finish: cluster → emulator (latency + ARM's token buckets) →
// namespaces (one per subscription, each with its credential Secret when it acts as its own
// identity) → operator process → creates while the Ready curve is recorded → steady-state
// window → figures. Returns the report; main.ts prints and writes it.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEMO_SUBSCRIPTION_ID,
  DEMO_TENANT_ID,
  type Emulator,
  type FaultConfig,
  startEmulator,
} from '@logicops/azure-emulator';
import { ROLE_ASSIGNMENTS_QUOTA } from '../src/controllers/shared/grants/role-assignment-quota.ts';
import { operatorSettingsFor, startOperatorProcess } from '../test/support/operator-process.ts';
import type { BenchOptions } from './args.ts';
import { type CounterSnapshot, counterDelta, perObjectFigures, steadyStateFigures } from './arm-figures.ts';
import { renderConvergenceSvg } from './chart.ts';
import { chartMemoryLimit } from './chart-limits.ts';
import {
  createAll,
  createAndReadQuota,
  createCredentialSecret,
  createNamespace,
  createUnreferencedConfigMaps,
  deleteNamespace,
  installCrds,
  listReportedQuotas,
  openCluster,
} from './cluster.ts';
import { compileOperator, IMAGE_NODE_FLAGS } from './compiled-operator.ts';
import {
  ARM_WRITE_BUCKET,
  boundRatio,
  lowerBoundMs,
  medianLatencyMs,
  minimumWrites,
  subscriptionsLowerBound,
} from './lower-bound.ts';
import { observeWindow, ProcessMonitor, recordConvergence, scrapeMetrics } from './measure.ts';
import { ReadyWatch } from './ready-watch.ts';
import { parseHistograms, percentiles } from './reconcile-latency.ts';
import { type BenchReport, evaluateTargets, type SubscriptionFigures } from './report.ts';
import {
  countAssignments,
  type ProbeFigures,
  probeGrantManifest,
  type RoleGrantFigures,
  RoleGrantTally,
  roleGrantDelta,
  sharedBudgetFigures,
} from './role-grants.ts';
import { type BenchWorld, buildScenario, type Share } from './scenario.ts';
import { createServiceBusTargets } from './service-bus-targets.ts';
import { SubscriptionTally, subscriptionDelta } from './subscription-figures.ts';
import { buildSubscriptionsWorld, interleavedManifests, namespaceCredentialsFlag } from './subscriptions.ts';

export interface RunBenchIo {
  say(line: string): void;
  /** The command line to record in the report. */
  command: string;
  /** Called once the emulator runs (the integration test checks the report against it). */
  onEmulator?(emulator: Emulator): void;
  /** Aborting ends the current phase early; the report is still built and everything is stopped. */
  signal?: AbortSignal;
}

export async function runBench(options: BenchOptions, io: RunBenchIo): Promise<BenchReport> {
  const { say } = io;
  const startedAt = new Date().toISOString();
  const runName = `logicops-bench-${randomBytes(3).toString('hex')}`;
  const world: BenchWorld = options.namespaceIdentities
    ? buildSubscriptionsWorld(options, {
        count: options.subscriptions,
        namespacePrefix: runName,
        tenantId: DEMO_TENANT_ID,
        // Made here, handed to the emulator and the Secrets only; never printed or reported.
        clientSecrets: Array.from({ length: options.subscriptions }, () =>
          randomBytes(24).toString('base64url'),
        ),
      })
    : buildScenario(options, DEMO_SUBSCRIPTION_ID, runName);
  const { shares } = world;
  const namespaces = shares.map((share) => share.namespace);
  const workflows = sum(shares.map((share) => share.workflows.length));
  const bindings = sum(shares.map((share) => share.bindings.length));
  const vaults = sum(shares.map((share) => share.vaultNames.length));
  const roleGrants = sum(shares.map((share) => share.roleGrants.length));
  const objects = { workflows, bindings, roleGrants };
  const tally = new SubscriptionTally();
  // --role-grants runs in one subscription (args.ts), so one share holds every grant target.
  const grantShare = shares.find((share) => share.roleGrantTargets !== undefined);
  const grantTargets = grantShare?.roleGrantTargets;
  const grantTally = grantTargets ? new RoleGrantTally(grantTargets) : undefined;
  const faults: FaultConfig = {
    latency: {
      read: { type: 'fixed', ms: options.readLatencyMs },
      write: { type: 'fixed', ms: options.writeLatencyMs },
    },
    throttling: { enabled: options.throttling },
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    say(options.kubeconfig ? `using the cluster in ${options.kubeconfig}` : 'starting a local control plane');
    const cluster = await openCluster(options.kubeconfig, say);
    cleanups.push(() => cluster.stop());
    await installCrds(cluster);

    say(
      `starting the Azure emulator (${vaults} bench vaults, ${options.model}${shares.length > 1 ? `, ${shares.length} subscriptions` : ''})`,
    );
    // Bindings (RBAC) and role grants share this one budget per subscription (issue 24).
    const roleAssignmentLimit = Math.max(4000, bindings + roleGrants + 100);
    const emulator = await startEmulator({
      port: 0,
      seed: world.seed,
      faults,
      limits: { roleAssignmentsPerSubscription: roleAssignmentLimit },
      observers: [(exchange) => tally.observe(exchange), (exchange) => grantTally?.observe(exchange)],
    });
    cleanups.push(() => emulator.close());
    io.onEmulator?.(emulator);
    if (grantTargets) {
      say(
        `creating the grants' Service Bus namespace ${grantTargets.namespaceName} and ${grantTargets.queueIds.length} queues plus a probe queue (through ARM)`,
      );
      await createServiceBusTargets(emulator, grantTargets);
    }

    for (const share of shares) {
      await createNamespace(cluster, share.namespace, share.namespaceAnnotations);
      if (options.kubeconfig) cleanups.push(() => deleteNamespace(cluster, share.namespace));
      if (share.identity) {
        const { tenantId, clientId, clientSecret, secretName } = share.identity;
        await createCredentialSecret(cluster, share.namespace, secretName, {
          tenantId,
          clientId,
          clientSecret,
        });
      }
    }
    const credentials = namespaceCredentialsFlag(shares);

    let entry: string | undefined;
    let operatorEnv: Readonly<Record<string, string>> | undefined;
    // Compiled means "as the image runs it", flags included, unless the caller chose others.
    const nodeOptions =
      options.compiled && !options.nodeOptionsGiven ? [...IMAGE_NODE_FLAGS] : options.nodeOptions;
    if (options.compiled) {
      say('compiling the operator (tsc, into a temporary folder)');
      const compiled = await compileOperator(say);
      cleanups.push(() => compiled.remove());
      entry = compiled.entry;
      operatorEnv = compiled.env;
    }
    const logFile = path.join(os.tmpdir(), `${runName}-operator.log`);
    const workflowQuota = String(Math.max(1000, options.workflows + 10));
    const operator = await startOperatorProcess(
      operatorSettingsFor(emulator, {
        kubeconfigPath: cluster.kubeconfigPath,
        namespaces,
        clusterId: 'logicops-bench',
        logFile,
        ...(entry ? { entry } : {}),
        ...(operatorEnv ? { env: operatorEnv } : {}),
        nodeOptions,
        logLevel: options.operatorLogLevel,
        shutdownGrace: '5s',
        flags: [
          '--resync-period',
          `${options.resyncPeriodMs}ms`,
          '--workers',
          String(options.workers),
          '--quota-workflows-per-region',
          workflowQuota,
          '--quota-identity-workflows-per-region',
          workflowQuota,
          '--quota-role-assignments-per-subscription',
          String(roleAssignmentLimit),
          ...(credentials ? ['--namespace-credentials', credentials] : []),
        ],
      }),
    );
    cleanups.push(() => operator.stop(30_000));
    say(`starting the operator (pid ${operator.pid}, log ${logFile})`);
    await operator.ready(120_000);

    // --- convergence ---------------------------------------------------------------------
    const monitor = new ProcessMonitor(operator.pid);
    const ready = new ReadyWatch(
      cluster.kubeConfig,
      shares.map((share) => share.namespace),
    );
    cleanups.push(() => ready.stop());
    await ready.start(io.signal);
    const before = snapshot(emulator);
    const tallyBefore = tally.snapshot();
    const grantsBefore = grantTally?.snapshot();
    await monitor.restart();
    if (options.unreferencedConfigMaps > 0) {
      say(`creating ${options.unreferencedConfigMaps} ConfigMaps of 1 MiB that no workflow references`);
      for (const share of shares) {
        await createUnreferencedConfigMaps(cluster, share.namespace, options.unreferencedConfigMaps);
      }
    }
    say(
      `creating ${workflows} workflows (${options.definitionSize === 'max' ? 'definitions and parameters at the size limits' : 'the sample definition'}) and ${bindings} bindings${roleGrants > 0 ? ` and ${roleGrants} role grants` : ''}${shares.length > 1 ? ` in ${shares.length} namespaces` : ''} (${options.createConcurrency} in parallel)`,
    );
    const createStart = performance.now();
    // Each workflow is followed by its bindings, as one file per app would be applied; the
    // subscriptions take turns, so each fills at the same pace.
    const manifests = interleavedManifests(
      shares,
      options.bindingsPerWorkflow,
      options.roleGrantsPerWorkflow,
    );
    let createMs = 0;
    const creating = createAll(cluster, manifests, options.createConcurrency).then(() => {
      createMs = performance.now() - createStart;
    });
    let lastReport = 0;
    const convergence = await recordConvergence({
      ready,
      namespaces: shares.map((share) => ({
        namespace: share.namespace,
        workflows: share.workflows.length,
        bindings: share.bindings.length,
        roleGrants: share.roleGrants.length,
      })),
      startedAt: createStart,
      pollIntervalMs: options.pollIntervalMs,
      timeoutMs: options.timeoutMs,
      monitor,
      ...(io.signal ? { signal: io.signal } : {}),
      onSample: (sample) => {
        if (sample.tMs - lastReport >= 5000) {
          lastReport = sample.tMs;
          say(
            `  ${(sample.tMs / 1000).toFixed(0)} s: ${sample.workflowsReady}/${workflows} workflows, ${sample.bindingsReady}/${bindings} bindings${roleGrants > 0 ? `, ${sample.roleGrantsReady ?? 0}/${roleGrants} role grants` : ''} Ready`,
          );
        }
      },
    });
    await creating;
    const afterConvergence = snapshot(emulator);
    const tallyAfter = tally.snapshot();
    const grantsAfter = grantTally?.snapshot();
    const convergenceProcess = monitor.figures();
    const convergenceDelta = counterDelta(before, afterConvergence);
    const grantConverging =
      grantsBefore && grantsAfter ? roleGrantDelta(grantsBefore, grantsAfter) : undefined;
    const roleGrantFiguresOf = async (): Promise<Omit<RoleGrantFigures, 'steady'> | undefined> => {
      if (!grantShare || !grantTargets || !grantConverging) return undefined;
      const reported = await listReportedQuotas(cluster, grantShare.namespace, ROLE_ASSIGNMENTS_QUOTA);
      const azure = countAssignments(
        grantShare.subscriptionId,
        Object.values(emulator.state.roleAssignments).map((assignment) => assignment.scope),
        grantTargets,
      );
      return {
        grants: roleGrants,
        timeToReadyMs: convergence.roleGrantsReadyMsByNamespace[grantShare.namespace],
        converging: grantConverging,
        writesPerGrant: roleGrants > 0 ? grantConverging.writes / roleGrants : undefined,
        budget: sharedBudgetFigures(
          grantShare.subscriptionId,
          roleAssignmentLimit,
          azure,
          reported,
          options.model === 'rbac' && grantShare.bindings.length > 0,
        ),
      };
    };
    // An operator that died (out of heap, say) still leaves a report: its figures up to then.
    const metricsText = await scrapeMetrics(operator.metricsUrl).catch((error: unknown) => {
      say(`could not read the operator's /metrics (did it exit? see ${logFile}): ${String(error)}`);
      return '';
    });
    const reconcile = Object.fromEntries(
      [...parseHistograms(metricsText).entries()].map(([controller, histogram]) => [
        controller,
        percentiles(histogram),
      ]),
    );

    // --- lower bound -----------------------------------------------------------------------
    const medianReadMs = medianLatencyMs(faults.latency?.read);
    const medianWriteMs = medianLatencyMs(faults.latency?.write);
    // Each subscription waits for its own bucket's tokens: the floor is the slowest one's.
    const writesOf = (share: Share) =>
      minimumWrites({
        model: options.model,
        workflows: share.workflows.length,
        bindingVaults: share.bindingVaults,
        roleGrants: share.roleGrants.length,
      });
    const latency = { bucket: ARM_WRITE_BUCKET, medianReadMs, medianWriteMs };
    const writesNeeded = sum(shares.map(writesOf));
    const floor = subscriptionsLowerBound(shares.map(writesOf), latency);
    const boundMs = floor.lowerBoundMs;
    const perSubscription: SubscriptionFigures[] | undefined =
      shares.length > 1 || options.namespaceIdentities
        ? shares.map((share) => {
            const shareBoundMs = lowerBoundMs({ ...latency, writes: writesOf(share) });
            const timeToReadyMs = convergence.convergedMsByNamespace[share.namespace];
            return {
              subscriptionId: share.subscriptionId,
              namespace: share.namespace,
              actingAs: share.identity
                ? `its own identity (${share.identity.objectId})`
                : "the operator's identity",
              workflows: share.workflows.length,
              bindings: share.bindings.length,
              timeToReadyMs,
              lowerBoundMs: shareBoundMs,
              ratio: timeToReadyMs === undefined ? undefined : boundRatio(timeToReadyMs, shareBoundMs),
              arm: subscriptionDelta(tallyBefore, tallyAfter, share.subscriptionId),
            };
          })
        : undefined;

    // --- steady state ----------------------------------------------------------------------
    // A short settle lets the last status writes' own watch events drain before the window opens.
    const settleMs = Math.min(5000, options.resyncPeriodMs / 2);
    const steadyWindowMs = options.steadyPeriods * options.resyncPeriodMs;
    let steadyDelta = counterDelta(afterConvergence, afterConvergence);
    let steadyMs = 0;
    let steadyCpu = 0;
    let steadyGrantsBefore: ReturnType<RoleGrantTally['snapshot']> | undefined;
    let grantsSteady = { writes: 0, deletes: 0, reads: 0 };
    // What both kinds' status.quota says against what Azure holds, read as convergence ends.
    const grantFigures = await roleGrantFiguresOf();
    if (convergence.convergedMs !== undefined && !io.signal?.aborted) {
      await sleep(settleMs);
      say(
        `all Ready; steady-state window of ${(steadyWindowMs / 1000).toFixed(0)} s (${options.steadyPeriods} resync periods)`,
      );
      const steadyBefore = snapshot(emulator);
      steadyGrantsBefore = grantTally?.snapshot();
      await monitor.restart();
      steadyMs = await observeWindow(steadyWindowMs, monitor, 1000, io.signal);
      steadyDelta = counterDelta(steadyBefore, snapshot(emulator));
      if (grantTally && steadyGrantsBefore)
        grantsSteady = roleGrantDelta(steadyGrantsBefore, grantTally.snapshot());
      steadyCpu = monitor.figures().cpuSeconds;
    } else {
      say('not every object became Ready before the timeout: skipping the steady-state window');
    }
    // After the window, so its writes are in no figure but its own: one more grant, counted fresh.
    let probe: ProbeFigures | undefined;
    const probeWorkflow = grantShare?.workflows[0]?.metadata.name;
    if (
      grantShare &&
      grantTargets &&
      probeWorkflow &&
      convergence.convergedMs !== undefined &&
      !io.signal?.aborted
    ) {
      say('probe: one more grant, its status.quota against the role assignments Azure holds');
      const reportedQuota = await createAndReadQuota(
        cluster,
        probeGrantManifest(probeWorkflow, grantShare.namespace, grantTargets),
        ROLE_ASSIGNMENTS_QUOTA,
        60_000,
      );
      probe = {
        reportedUsed: reportedQuota?.used,
        azureTotal: countAssignments(
          grantShare.subscriptionId,
          Object.values(emulator.state.roleAssignments).map((assignment) => assignment.scope),
          grantTargets,
        ).total,
      };
    }
    await monitor.sample();

    const memoryLimit = chartMemoryLimit();
    const chartPath =
      options.chartPath ??
      (options.jsonPath
        ? `${options.jsonPath.replace(/\.json$/i, '')}.svg`
        : path.join(os.tmpdir(), `${runName}.svg`));
    const partial: Omit<BenchReport, 'targets'> = {
      command: io.command,
      startedAt,
      size: {
        workflows,
        bindings,
        vaults,
        bindingsPerWorkflow: options.bindingsPerWorkflow,
        model: options.model,
        objects: workflows + bindings + roleGrants,
        ...(roleGrants > 0 ? { roleGrants, roleGrantsPerWorkflow: options.roleGrantsPerWorkflow } : {}),
        definitionSize: options.definitionSize,
        unreferencedConfigMaps: options.unreferencedConfigMaps,
        subscriptions: shares.length,
        namespaceIdentities: options.namespaceIdentities,
      },
      settings: {
        operatorBuild: options.compiled ? 'compiled' : 'source (tsx)',
        operatorNodeOptions: nodeOptions.join(' '),
        resyncPeriodMs: options.resyncPeriodMs,
        workers: options.workers,
        readLatencyMs: options.readLatencyMs,
        writeLatencyMs: options.writeLatencyMs,
        throttling: options.throttling,
        createConcurrency: options.createConcurrency,
      },
      convergence: {
        converged: convergence.convergedMs !== undefined,
        timeToReadyMs: convergence.convergedMs,
        createMs,
        lowerBound: {
          minimumWrites: writesNeeded,
          ...(shares.length > 1
            ? { subscriptions: shares.length, writesPerSubscription: floor.writesOfSlowest }
            : {}),
          bucket: { ...ARM_WRITE_BUCKET },
          medianReadMs,
          medianWriteMs,
          lowerBoundMs: boundMs,
        },
        ratio:
          convergence.convergedMs === undefined ? undefined : boundRatio(convergence.convergedMs, boundMs),
        ...(perSubscription ? { subscriptions: perSubscription } : {}),
        arm: perObjectFigures(convergenceDelta, objects, grantConverging?.writes ?? 0),
        counters: convergenceDelta,
        ...(convergence.convergedMs === undefined
          ? {
              notReady: {
                workflows: convergence.lastWorkflows.notReadyReasons,
                bindings: convergence.lastBindings.notReadyReasons,
                ...(roleGrants > 0 ? { roleGrants: convergence.lastRoleGrants.notReadyReasons } : {}),
              },
            }
          : {}),
        samples: convergence.samples,
      },
      steadyState: {
        ...steadyStateFigures(steadyDelta, objects, steadyMs, options.resyncPeriodMs),
        counters: steadyDelta,
      },
      ...(grantFigures
        ? { roleGrants: { ...grantFigures, steady: grantsSteady, ...(probe ? { probe } : {}) } }
        : {}),
      operator: {
        pid: operator.pid,
        peakRssBytes: convergenceProcess.peakRssBytes,
        lifetimePeakRssBytes: monitor.lifetimePeakRssBytes(),
        cpuSecondsConvergence: convergenceProcess.cpuSeconds,
        cpuSecondsSteady: steadyCpu,
        reconcile,
        ...(memoryLimit ? { chartMemoryLimit: memoryLimit } : {}),
      },
      chartPath,
    };
    const report: BenchReport = { ...partial, targets: evaluateTargets(partial) };
    await writeFile(
      chartPath,
      renderConvergenceSvg(convergence.samples, {
        title: `logicops: ${workflows} workflows, ${bindings} bindings, ${vaults} vaults (${options.model})${shares.length > 1 ? ` in ${shares.length} subscriptions` : ''}`,
        workflows,
        bindings,
        lowerBoundMs: boundMs,
      }),
    );
    return report;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** A copy: the emulator hands out its live counters, which keep moving after the read. */
function snapshot(emulator: Emulator): CounterSnapshot {
  return structuredClone(emulator.counters());
}
