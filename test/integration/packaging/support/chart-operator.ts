// The real operator (src/operator.ts, what `logicops run` runs) configured exactly as the
// installed chart configures its container — the environment of the rendered Deployment, read
// back with `helm get manifest` — and authenticated as the chart's ServiceAccount with a bound
// token, talking to an in-process Azure emulator over HTTPS. Only what a kubelet would supply
// is filled in here: the pod's namespace (fieldRef) and the client secret (secretKeyRef, taken
// from the emulator and never printed). The probe ports are moved to free ones with flags.
import tls from 'node:tls';
import { type Emulator, type EmulatorSeed, type Middleware, startEmulator } from '@logicops/azure-emulator';
import type { ControlPlane } from '@logicops/control-plane';
import { pino } from 'pino';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../../src/config.ts';
import { createOperator, type Operator } from '../../../../src/operator.ts';
import type { Helm } from './helm.ts';
import { type ServiceAccountKubeConfig, serviceAccountKubeConfig } from './service-account-kubeconfig.ts';

export const RELEASE = 'logicops';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}

interface Manifest {
  kind?: string;
  spec?: { template?: { spec?: { containers?: Array<{ name: string; args?: string[]; env?: EnvVar[] }> } } };
}

export interface ChartOperator {
  emulator: Emulator;
  operator: Operator;
  account: ServiceAccountKubeConfig;
  /** The container's environment as the chart rendered it (secret values left out). */
  chartEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Holds the next Azure request of one operation until the test lets it go: the window in
 * which a user's edit lands while a reconcile is in flight, so the operator's next write to
 * the object carries a stale resourceVersion and has to re-read it (as it must in production).
 */
export class AzureRequestHold {
  private armed: { operation: string; held: () => void; released: Promise<void> } | undefined;

  readonly middleware: Middleware = async (ctx, next) => {
    const armed = this.armed;
    if (armed && ctx.match.route.operation === armed.operation) {
      this.armed = undefined;
      armed.held();
      await armed.released;
    }
    return next();
  };

  holdNext(operation: string): { held: Promise<void>; release: () => void } {
    let release: () => void = () => {};
    let held: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const heldPromise = new Promise<void>((resolve) => {
      held = resolve;
    });
    this.armed = { operation, held, released };
    return { held: heldPromise, release };
  }
}

export async function startEmulatorWithTrust(
  middleware: Middleware[] = [],
  seed: EmulatorSeed | 'demo' = 'demo',
): Promise<Emulator> {
  const emulator = await startEmulator({ seed, middleware });
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), emulator.caCertPem]);
  return emulator;
}

/** `--set` values that point the chart's operator at the emulator with a client secret. */
export function emulatorValues(emulator: Emulator): string[] {
  return [
    `azure.credential=client-secret`,
    `azure.armEndpoint=${emulator.armEndpoint}`,
    `azure.authorityHost=${emulator.authorityHost}`,
    `azure.tenantId=${emulator.tenantId}`,
    `azure.clientId=${emulator.operatorClientId}`,
    'azure.clientSecret.existingSecret=logicops-azure',
    // The emulator replicates principals at once: the tests do not wait the chart's 60 s hold.
    'operator.principalPropagationHold=0s',
  ].flatMap((value) => ['--set', value]);
}

/** The operator container's environment from the release's rendered Deployment. */
export async function renderedOperatorEnv(
  helm: Helm,
  releaseNamespace: string,
): Promise<{ env: Record<string, string>; secretRefs: string[]; args: string[] }> {
  const { stdout } = await helm.run(['get', 'manifest', RELEASE, '-n', releaseNamespace]);
  const deployment = parseAllDocuments(stdout)
    .map((document) => document.toJS() as Manifest | null)
    .find((manifest) => manifest?.kind === 'Deployment');
  const container = deployment?.spec?.template?.spec?.containers?.find((c) => c.name === 'operator');
  if (!container) throw new Error('the release has no Deployment with an operator container');
  const env: Record<string, string> = {};
  const secretRefs: string[] = [];
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace')
      env[variable.name] = releaseNamespace;
    else if (variable.valueFrom?.secretKeyRef) secretRefs.push(variable.name);
    else throw new Error(`the test cannot supply ${variable.name} the way a kubelet would`);
  }
  return { env, secretRefs, args: container.args ?? [] };
}

export async function startChartOperator(options: {
  plane: ControlPlane;
  helm: Helm;
  emulator: Emulator;
  releaseNamespace: string;
}): Promise<ChartOperator> {
  const { plane, helm, emulator, releaseNamespace } = options;
  const rendered = await renderedOperatorEnv(helm, releaseNamespace);
  if (rendered.args.join(' ') !== 'run') throw new Error(`unexpected container args: ${rendered.args}`);
  if (rendered.secretRefs.join() !== 'AZURE_CLIENT_SECRET') {
    throw new Error(`unexpected secret references: ${rendered.secretRefs.join(', ')}`);
  }
  const config = loadConfig(['--health-port', '0', '--metrics-port', '0', '--shutdown-grace', '2s'], {
    ...rendered.env,
    AZURE_CLIENT_SECRET: emulator.operatorClientSecret,
  });
  const account = await serviceAccountKubeConfig(plane, releaseNamespace, RELEASE);
  const operator = await createOperator({
    config,
    kubeConfig: account.kubeConfig,
    logger: pino({ level: process.env.LOGICOPS_TEST_LOG_LEVEL ?? 'silent' }),
    instance: 'rbac-audit',
  });
  const running = operator.run();
  running.catch(() => undefined);
  return {
    emulator,
    operator,
    account,
    chartEnv: rendered.env,
    async stop() {
      await operator.stop();
      await running.catch(() => undefined);
    },
  };
}
