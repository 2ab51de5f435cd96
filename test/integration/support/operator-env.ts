// One operator, wired exactly as `logicops run` wires it (src/operator.ts), watching one test
// namespace, talking over HTTPS to an in-process Azure emulator through the real SDK clients.
import tls from 'node:tls';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../src/controllers/shared/namespace-policy.ts';
import { allCrds } from '../../../src/crds/index.ts';
import { type Emulator, type StartEmulatorOptions, startEmulator } from '../../../src/emulator/index.ts';
import { createOperator, type Operator } from '../../../src/operator.ts';
import {
  adminKubeConfig,
  type CrdManifest,
  createTestNamespace,
  deleteTestNamespace,
  installCrd,
} from './cluster.ts';

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
  for (const crd of allCrds()) await installCrd(crd as unknown as CrdManifest);
  const emulator = await startEmulator({ seed: 'demo', ...options.emulator });
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), emulator.caCertPem]);
  const subscription = `/subscriptions/${emulator.subscriptionId}`;
  const namespace = await createTestNamespace(
    options.namespacePrefix,
    options.allowDemoScopes === false
      ? {}
      : {
          [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${subscription}/resourceGroups/*`,
          [ALLOWED_VAULTS_ANNOTATION]: `${subscription}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
        },
  );
  const config = loadConfig(
    [
      '--namespaces',
      namespace,
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
      ...(options.flags ?? []),
    ],
    {
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.operatorClientId,
      AZURE_CLIENT_SECRET: emulator.operatorClientSecret,
      LOGICOPS_CLUSTER_ID: 'test-cluster',
    },
  );
  const logger = pino({ level: process.env.LOGICOPS_TEST_LOG_LEVEL ?? 'silent' });
  const operator = await createOperator({
    config,
    kubeConfig: adminKubeConfig(),
    logger,
    instance: namespace,
  });
  const running = operator.run();
  running.catch(() => undefined);
  return {
    namespace,
    emulator,
    operator,
    async stop() {
      await operator.stop();
      await running.catch(() => undefined);
      await emulator.close();
      await deleteTestNamespace(namespace);
    },
  };
}
