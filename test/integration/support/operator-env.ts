// One operator, wired exactly as `logicops run` wires it (src/operator.ts), watching test
// namespaces, talking over HTTPS to an in-process Azure emulator through the real SDK clients.

import type { Emulator, StartEmulatorOptions } from '@logicops/azure-emulator';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import { createOperator, type Operator } from '../../../src/operator.ts';
import { adminKubeConfig } from './cluster.ts';
import { startEmulatorWorld } from './emulator-world.ts';

/** The `--cluster-id` (owner tag) of an in-process operator. */
export const TEST_CLUSTER_ID = 'test-cluster';

export interface InProcessOperator {
  operator: Operator;
  /** Stops the operator and waits for its run to end; leaves the emulator and namespaces alone. */
  stop(): Promise<void>;
}

/** `logicops run` in this process, watching `namespaces`, with the emulator's endpoints and app. */
export async function startInProcessOperator(
  emulator: Emulator,
  namespaces: string[],
  options: {
    instance: string;
    flags?: string[];
    /** Environment the operator reads, over the emulator's app (e.g. a workload identity's). */
    env?: Record<string, string>;
    /** The operator's logger (e.g. one a leak scan reads); default silent, or LOGICOPS_TEST_LOG_LEVEL. */
    logger?: Logger;
  },
): Promise<InProcessOperator> {
  const config = loadConfig(
    [
      '--namespaces',
      namespaces.join(','),
      '--arm-endpoint',
      emulator.armEndpoint,
      '--authority-host',
      emulator.authorityHost,
      '--health-port',
      '0',
      '--metrics-port',
      '0',
      '--shutdown-grace',
      '2s',
      // Tests judge grants from the emulator, which has no replication lag unless a test asks for
      // it: no 60 s hold before Ready. A test of the hold passes its own value in `flags` (the
      // last value of a flag wins).
      '--principal-propagation-hold',
      '0s',
      ...(options.flags ?? []),
    ],
    {
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.operatorClientId,
      AZURE_CLIENT_SECRET: emulator.operatorClientSecret,
      LOGICOPS_CLUSTER_ID: TEST_CLUSTER_ID,
      ...options.env,
    },
  );
  const logger = options.logger ?? pino({ level: process.env.LOGICOPS_TEST_LOG_LEVEL ?? 'silent' });
  const operator = await createOperator({
    config,
    kubeConfig: adminKubeConfig(),
    logger,
    instance: options.instance,
  });
  const running = operator.run();
  running.catch(() => undefined);
  return {
    operator,
    async stop() {
      await operator.stop();
      await running.catch(() => undefined);
    },
  };
}

export interface OperatorEnv {
  namespace: string;
  emulator: Emulator;
  operator: Operator;
  stop(): Promise<void>;
}

export interface OperatorEnvOptions {
  namespacePrefix: string;
  emulator?: StartEmulatorOptions;
  /** Extra `logicops run` flags (e.g. a short --resync-period). */
  flags?: string[];
  /** Annotate the namespace so its policy allows the emulator's subscription; default true. */
  allowDemoScopes?: boolean;
}

export async function startOperatorEnv(options: OperatorEnvOptions): Promise<OperatorEnv> {
  const world = await startEmulatorWorld({
    namespacePrefixes: [options.namespacePrefix],
    emulator: options.emulator,
    annotations: options.allowDemoScopes === false ? () => ({}) : undefined,
  });
  const [namespace] = world.namespaces as [string];
  const running = await startInProcessOperator(world.emulator, world.namespaces, {
    instance: namespace,
    flags: options.flags,
  });
  return {
    namespace,
    emulator: world.emulator,
    operator: running.operator,
    async stop() {
      await running.stop();
      await world.stop();
    },
  };
}
