// `logicops run` as its own OS process — the binary and wiring a cluster runs — for the suites
// and the bench that need one: kill -9, SIGSTOP/SIGCONT and restarts (chaos, kill-after-add), RSS
// and CPU read from /proc (bench), /metrics scraped. Azure credentials travel in the environment
// only (never flags, never logs); the emulator's CA through NODE_EXTRA_CA_CERTS. The process gets
// PATH and HOME and what `env` adds, nothing else of ours.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@logicops/azure-emulator';
import { freePort } from '@logicops/control-plane';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface OperatorSettings {
  kubeconfigPath: string;
  namespaces: string[];
  armEndpoint: string;
  authorityHost: string;
  caCertPath: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  clusterId: string;
  /** Every start appends to this file (the chaos security scan reads all of it). */
  logFile: string;
  /** The script to run; default bin/logicops.mjs, from source. */
  entry?: string;
  /** Node/V8 flags placed before the entry (the operator process only). */
  nodeOptions?: string[];
  /** Environment over PATH and HOME (the image's, for a compiled run). */
  env?: Readonly<Record<string, string>>;
  /** /healthz, /readyz and /metrics share this port; default a free one. */
  port?: number;
  /**
   * `--log-level` (trace, debug, info, warn or error); default trace, the most the operator says: the leak scan must read the lines
   * someone debugging an incident would turn on, and it refuses a log without debug lines.
   */
  logLevel?: string;
  /** `--shutdown-grace`; default 2s (the crash suites want quick restarts). */
  shutdownGrace?: string;
  /** Further `logicops run` flags; a flag given here again wins over the defaults above. */
  flags?: string[];
}

/** What the emulator supplies: its endpoints, its CA and the operator's app registration. */
type EmulatorSettings =
  | 'armEndpoint'
  | 'authorityHost'
  | 'caCertPath'
  | 'tenantId'
  | 'clientId'
  | 'clientSecret';

/** `logicops run` against this emulator, with the caller's own settings. */
export function operatorSettingsFor(
  emulator: Emulator,
  settings: Omit<OperatorSettings, EmulatorSettings>,
): OperatorSettings {
  return {
    ...settings,
    armEndpoint: emulator.armEndpoint,
    authorityHost: emulator.authorityHost,
    caCertPath: emulator.caCertPath,
    tenantId: emulator.tenantId,
    clientId: emulator.operatorClientId,
    clientSecret: emulator.operatorClientSecret,
  };
}

export interface OperatorProcess {
  readonly pid: number;
  readonly port: number;
  readonly metricsUrl: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  signal(name: NodeJS.Signals): void;
  /** Resolves once /readyz answers 200 (informer caches synced); rejects if the process exits. */
  ready(timeoutMs: number): Promise<void>;
  scrapeMetrics(): Promise<string>;
  /** SIGCONT and SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Node >= 22 runs the entry itself, so the pid we signal and sample is the operator, not a shim. */
function nodeExecutable(): string {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 22 ? process.execPath : path.join(repoRoot, 'node_modules/node/bin/node');
}

export async function startOperatorProcess(settings: OperatorSettings): Promise<OperatorProcess> {
  const port = settings.port ?? (await freePort());
  const log = openSync(settings.logFile, 'a', 0o600);
  const args = [
    ...(settings.nodeOptions ?? []),
    settings.entry ?? path.join(repoRoot, 'bin/logicops.mjs'),
    'run',
    '--kubeconfig',
    settings.kubeconfigPath,
    '--namespaces',
    settings.namespaces.join(','),
    '--arm-endpoint',
    settings.armEndpoint,
    '--authority-host',
    settings.authorityHost,
    '--health-port',
    String(port),
    '--metrics-port',
    String(port),
    '--cluster-id',
    settings.clusterId,
    '--shutdown-grace',
    settings.shutdownGrace ?? '2s',
    '--log-level',
    settings.logLevel ?? 'trace',
    // The suites judge Azure's state and the bench time to Ready, neither a 60 s hold before a
    // binding's Ready (the emulator replicates principals at once; docs/benchmark.md). A run that
    // tests the hold passes its own value in `flags` (the last one wins).
    '--principal-propagation-hold',
    '0s',
    ...(settings.flags ?? []),
  ];
  const child: ChildProcess = spawn(nodeExecutable(), args, {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...settings.env,
      NODE_EXTRA_CA_CERTS: settings.caCertPath,
      AZURE_TENANT_ID: settings.tenantId,
      AZURE_CLIENT_ID: settings.clientId,
      AZURE_CLIENT_SECRET: settings.clientSecret,
      LOGICOPS_AZURE_CREDENTIAL: 'client-secret',
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the operator process');
  // The caller may exit without stopping it (a second Ctrl-C, a crash): never leave it running
  // against a control plane that is gone.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      exitCode = code;
      resolve(code);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    pid,
    port,
    metricsUrl: `${base}/metrics`,
    exited,
    hasExited: () => exitCode !== undefined,
    signal: (name) => {
      if (exitCode === undefined) child.kill(name);
    },
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (exitCode !== undefined) {
          throw new Error(
            `the operator exited with code ${exitCode} before it was ready; see ${settings.logFile}`,
          );
        }
        const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) })
          .then((response) => response.ok)
          .catch(() => false);
        if (ok) return;
        await sleep(200);
      }
      throw new Error(`the operator was not ready within ${timeoutMs} ms; see ${settings.logFile}`);
    },
    async scrapeMetrics() {
      const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
      return response.text();
    },
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGCONT'); // a stopped process cannot handle SIGTERM
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
