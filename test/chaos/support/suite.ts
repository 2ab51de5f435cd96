// What a chaos suite sets up before its own story starts: the CRDs, a world of objects, the chaos
// Azure (emulator + token capture) seeded from it, a fresh namespace for the objects, a log file,
// and the settings to run `logicops run` as a process against all of that. `close()` undoes it.
import path from 'node:path';
import { DEMO_SUBSCRIPTION_ID, type Emulator, type FaultConfig } from '@logicops/azure-emulator';
import { inject } from 'vitest';
import {
  type OperatorProcess,
  type OperatorSettings,
  operatorSettingsFor,
  startOperatorProcess,
} from '../../support/operator-process.ts';
import { type ChaosAzure, startChaosAzure } from './azure.ts';
import { addForeign, type Intruder } from './foreign.ts';
import { createNamespace, installCrds } from './kube.ts';
import { chaosTempDir } from './temp-dir.ts';
import { buildWorld, type ChaosWorld } from './world.ts';

export interface ChaosSuite {
  world: ChaosWorld;
  azure: ChaosAzure;
  emulator: Emulator;
  /** The suite's namespace; every manifest of `world` is already placed in it. */
  namespace: string;
  /** Objects pointed at foreign workflows (with `foreign: true`), placed in the namespace; none otherwise. */
  intruders: Intruder[];
  /** Where the operator process writes (every start appends); the leak scan reads it. */
  logFile: string;
  /** `logicops run` against this suite's namespace and emulator (for `startOperator` or a `CrashLoop`). */
  operatorSettings: OperatorSettings;
  /** Starts `logicops run` as a process with extra flags; `close()` stops it. */
  startOperator(flags?: string[]): Promise<OperatorProcess>;
  /** Stops the operator processes `startOperator` started, then closes the emulator. */
  close(): Promise<void>;
}

export async function startChaosSuite(options: {
  clusterId: string;
  namespacePrefix: string;
  workflows: number;
  /** The namespace `buildWorld` is given (it names things after it); default ''. */
  worldNamespace?: string;
  /** The namespace's annotations; default the world's (its policy allows the chaos scopes). */
  annotations?: Record<string, string>;
  /** Seed foreign workflows and access-policy entries, and make intruders (support/foreign.ts). */
  foreign?: boolean;
  /** Faults from the start (the emulator's fault configuration). */
  faults?: FaultConfig;
  /** Extra `logicops run` flags for every start, `operatorSettings` (and so a CrashLoop) included. */
  flags?: string[];
}): Promise<ChaosSuite> {
  await installCrds();
  const world = buildWorld({
    subscriptionId: DEMO_SUBSCRIPTION_ID,
    namespace: options.worldNamespace ?? '',
    workflows: options.workflows,
  });
  const intruders = options.foreign
    ? addForeign(world, { subscriptionId: DEMO_SUBSCRIPTION_ID }).intruders
    : [];
  const azure = await startChaosAzure(world.seed, options.faults);
  try {
    const emulator = azure.emulator;
    const namespace = await createNamespace(
      options.namespacePrefix,
      options.annotations ?? world.namespaceAnnotations,
    );
    for (const m of [...world.workflows, ...world.bindings, ...intruders.map((i) => i.manifest)])
      m.metadata.namespace = namespace;
    const logFile = path.join(await chaosTempDir(), 'operator.log');
    const operatorSettings = operatorSettingsFor(emulator, {
      entry: inject('chaosOperatorEntry'),
      kubeconfigPath: inject('kubeconfigPath'),
      namespaces: [namespace],
      clusterId: options.clusterId,
      logFile,
      ...(options.flags ? { flags: options.flags } : {}),
    });
    const started: OperatorProcess[] = [];
    return {
      world,
      azure,
      emulator,
      namespace,
      intruders,
      logFile,
      operatorSettings,
      async startOperator(flags) {
        const operator = await startOperatorProcess({
          ...operatorSettings,
          flags: [...(operatorSettings.flags ?? []), ...(flags ?? [])],
        });
        started.push(operator);
        return operator;
      },
      async close() {
        for (const operator of started) await operator.stop();
        await azure.close();
      },
    };
  } catch (error) {
    await azure.close();
    throw error;
  }
}
