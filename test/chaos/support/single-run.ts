// One operator process, one emulator, one namespace, one set of objects, until converged: the
// building block of the fault suite's fault-free and faulted runs.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEMO_SUBSCRIPTION_ID,
  type Emulator,
  type FaultConfig,
  type RequestLogEntry,
} from '@logicops/azure-emulator';
import { inject } from 'vitest';
import { operatorSettingsFor, startOperatorProcess } from '../../support/operator-process.ts';
import type { Needle } from '../security/leak-scanner.ts';
import { recordArmWrites } from './arm-write-log.ts';
import { armWrites, startChaosAzure } from './azure.ts';
import { type Verdict, waitForConvergence } from './converge.ts';
import { createAll, createNamespace, listObjects } from './kube.ts';
import { chaosTempDir } from './temp-dir.ts';
import { buildWorld } from './world.ts';

export interface RunResult {
  label: string;
  verdict: Verdict & { waitedMs: number };
  objects: number;
  armWrites: number;
  armRequests: number;
  /** ARM operation names this run used (the counters' keys on the ARM plane). */
  armOperations: string[];
  /** Every write-class ARM request (PUT/PATCH, POST actions, DELETE) in order, failed attempts included. */
  writeLog: RequestLogEntry[];
  faults: ReturnType<Awaited<ReturnType<typeof startChaosAzure>>['emulator']['counters']>['faults'];
  namespace: string;
  logFile: string;
  metrics: string;
  needles: Needle[];
  /** The run's emulator, closed; its request body capture stays readable for the leak scan. */
  emulator: Pick<Emulator, 'requestBodies'>;
}

export async function convergeOnce(options: {
  label: string;
  clusterId: string;
  workflows: number;
  faults?: FaultConfig;
  timeoutMs: number;
  flags?: string[];
  /** How old the seeded directory is; default: past the replication lag (startChaosAzure). */
  seedAgeMs?: number;
  /**
   * Create the bindings only once every workflow's status names its principal, instead of all
   * objects at once. Then every binding is grantable the moment it arrives, so a vault's
   * access-policy adds coalesce (access-policy-batches.ts) the same way however long the workflows
   * took: what a comparison of two runs' writes needs.
   */
  bindingsAfterPrincipals?: boolean;
}): Promise<RunResult> {
  const world = buildWorld({
    subscriptionId: DEMO_SUBSCRIPTION_ID,
    namespace: '',
    workflows: options.workflows,
  });
  const lagMs = (options.faults?.replicationLag?.seconds ?? 0) * 1000;
  const azure = await startChaosAzure(
    world.seed,
    options.faults,
    options.seedAgeMs ?? (lagMs > 0 ? lagMs + 1000 : 0),
  );
  const emulator = azure.emulator;
  const writeLog = recordArmWrites(emulator);
  const namespace = await createNamespace(`chaos-${options.label}`, world.namespaceAnnotations);
  const all = [...world.workflows, ...world.bindings];
  for (const m of all) m.metadata.namespace = namespace;
  const logFile = path.join(await chaosTempDir(), 'operator.log');
  const operator = await startOperatorProcess(
    operatorSettingsFor(emulator, {
      entry: inject('chaosOperatorEntry'),
      kubeconfigPath: inject('kubeconfigPath'),
      namespaces: [namespace],
      clusterId: options.clusterId,
      logFile,
      flags: options.flags ?? [],
    }),
  );
  try {
    let principalsMs = 0;
    if (options.bindingsAfterPrincipals) {
      const started = Date.now();
      await createAll(world.workflows);
      await waitForPrincipals(namespace, world.workflows.length, options.timeoutMs);
      principalsMs = Date.now() - started;
      await createAll(world.bindings);
    } else {
      await createAll(all);
    }
    const converged = await waitForConvergence({
      namespace,
      clusterId: options.clusterId,
      expected: all,
      state: () => emulator.state,
      baseline: azure.baseline,
      timeoutMs: options.timeoutMs,
    });
    const verdict = { ...converged, waitedMs: converged.waitedMs + principalsMs };
    const metrics = await operator.scrapeMetrics().catch(() => '');
    const counters = emulator.counters();
    writeLog.collect();
    return {
      label: options.label,
      verdict,
      objects: all.length,
      armWrites: armWrites(emulator),
      armRequests: counters.reads + counters.writes + counters.deletes + counters.actions,
      armOperations: Object.keys(counters.byOperation).filter((op) => op.startsWith('Microsoft.')),
      writeLog: writeLog.entries,
      faults: counters.faults,
      namespace,
      logFile,
      metrics,
      needles: [...world.secretNeedles, ...azure.credentialNeedles()],
      emulator,
    };
  } finally {
    writeLog.stop();
    await operator.stop();
    await azure.close();
  }
}

/** Polls until `count` workflows have a principal in their status; throws at the timeout. */
async function waitForPrincipals(namespace: string, count: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const workflows = await listObjects(namespace, 'LogicAppWorkflow');
    const withPrincipal = workflows.filter((w) => {
      const identity = w.status?.identity as { principalId?: string } | undefined;
      return Boolean(identity?.principalId);
    }).length;
    if (withPrincipal >= count) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${withPrincipal} of ${count} workflows had a principal after ${timeoutMs} ms`);
    }
    await sleep(250);
  }
}
