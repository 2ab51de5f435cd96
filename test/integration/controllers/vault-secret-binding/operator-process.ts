// `logicops run` (bin/logicops.mjs, from source) as its own OS process, so a test can kill -9 it
// at a chosen point and start it again: the chaos suites' launcher, pointed at the source entry
// (the integration tier has no compiled build) and the test's emulator.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@logicops/azure-emulator';
import { inject } from 'vitest';
import {
  type OperatorProcess,
  operatorSettingsFor,
  startOperator,
} from '../../../chaos/support/operator-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export type { OperatorProcess };

export function startOperatorProcess(settings: {
  emulator: Emulator;
  namespace: string;
  clusterId: string;
  logFile: string;
}): Promise<OperatorProcess> {
  return startOperator(
    operatorSettingsFor(settings.emulator, {
      entry: path.join(repoRoot, 'bin/logicops.mjs'),
      kubeconfigPath: inject('kubeconfigPath'),
      namespaces: [settings.namespace],
      clusterId: settings.clusterId,
      logFile: settings.logFile,
    }),
  );
}
