// One operator process, one emulator, one namespace, one set of objects, until converged: the
// building block of the fault suite's fault-free and faulted runs.
import path from 'node:path';
import { inject } from 'vitest';
import { DEMO_SUBSCRIPTION_ID, type FaultConfig } from '../../../src/emulator/index.ts';
import type { Needle } from '../security/leak-scanner.ts';
import { armWrites, startChaosAzure } from './azure.ts';
import { type Verdict, waitForConvergence } from './converge.ts';
import { createAll, createNamespace } from './kube.ts';
import { startOperator } from './operator-process.ts';
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
  faults: ReturnType<Awaited<ReturnType<typeof startChaosAzure>>['emulator']['counters']>['faults'];
  namespace: string;
  logFile: string;
  metrics: string;
  needles: Needle[];
}

export async function convergeOnce(options: {
  label: string;
  clusterId: string;
  workflows: number;
  faults?: FaultConfig;
  timeoutMs: number;
  flags?: string[];
}): Promise<RunResult> {
  const world = buildWorld({
    subscriptionId: DEMO_SUBSCRIPTION_ID,
    namespace: '',
    workflows: options.workflows,
  });
  const lagMs = (options.faults?.replicationLag?.seconds ?? 0) * 1000;
  const azure = await startChaosAzure(world.seed, options.faults, lagMs > 0 ? lagMs + 1000 : 0);
  const emulator = azure.emulator;
  const namespace = await createNamespace(`chaos-${options.label}`, world.namespaceAnnotations);
  const all = [...world.workflows, ...world.bindings];
  for (const m of all) m.metadata.namespace = namespace;
  const logFile = path.join(await chaosTempDir(), 'operator.log');
  const operator = await startOperator({
    kubeconfigPath: inject('kubeconfigPath'),
    namespaces: [namespace],
    armEndpoint: emulator.armEndpoint,
    authorityHost: emulator.authorityHost,
    caCertPath: emulator.caCertPath,
    tenantId: emulator.tenantId,
    clientId: emulator.operatorClientId,
    clientSecret: emulator.operatorClientSecret,
    clusterId: options.clusterId,
    logFile,
    flags: options.flags ?? [],
  });
  try {
    await createAll(all);
    const verdict = await waitForConvergence({
      namespace,
      clusterId: options.clusterId,
      expected: all,
      state: () => emulator.state,
      baseline: azure.baseline,
      timeoutMs: options.timeoutMs,
    });
    const metrics = await operator.scrapeMetrics().catch(() => '');
    const counters = emulator.counters();
    return {
      label: options.label,
      verdict,
      objects: all.length,
      armWrites: armWrites(emulator),
      armRequests: counters.reads + counters.writes + counters.deletes + counters.actions,
      armOperations: Object.keys(counters.byOperation).filter((op) => op.startsWith('Microsoft.')),
      faults: counters.faults,
      namespace,
      logFile,
      metrics,
      needles: [...world.secretNeedles, ...azure.credentialNeedles()],
    };
  } finally {
    await operator.stop();
    await azure.close();
  }
}
