// `logicops run` as its own OS process (the binary a cluster runs), so the suites can kill -9,
// SIGSTOP and SIGCONT it. Mirrors bench/operator-process.ts, plus signals and restarts. It runs
// the build the chaos global setup compiled (same code for every restart); Azure credentials
// travel in the environment only; the emulator's CA through NODE_EXTRA_CA_CERTS.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@logicops/azure-emulator';
import { freePort } from '@logicops/control-plane';
import { inject } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

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
  /** Every start appends to this file: the security scan reads all of it. */
  logFile: string;
  /**
   * `--log-level`; default trace, the most the operator says: the leak scan must read the lines
   * someone debugging an incident would turn on, and it refuses a log without debug lines.
   */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** `--shutdown-grace`; default 2s (the crash suites want quick restarts). */
  shutdownGrace?: string;
  flags?: string[];
  /** The script to run; default: the build the chaos global setup compiled. */
  entry?: string;
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
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  signal(name: NodeJS.Signals): void;
  ready(timeoutMs: number): Promise<void>;
  scrapeMetrics(): Promise<string>;
  stop(graceMs?: number): Promise<number | null>;
}

/** Node >= 22 runs the build itself, so the pid we signal is the operator, not a shim. */
function nodeExecutable(): string {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 22 ? process.execPath : path.join(repoRoot, 'node_modules/node/bin/node');
}

export async function startOperator(settings: OperatorSettings): Promise<OperatorProcess> {
  const port = await freePort();
  const log = openSync(settings.logFile, 'a', 0o600);
  const args = [
    settings.entry ?? inject('chaosOperatorEntry'),
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
    // The suites judge Azure's state, not Ready's timing: no 60 s hold before a binding's Ready
    // (a suite that tests the hold passes its own value in `flags`; the last one wins).
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
      NODE_EXTRA_CA_CERTS: settings.caCertPath,
      AZURE_TENANT_ID: settings.tenantId,
      AZURE_CLIENT_ID: settings.clientId,
      AZURE_CLIENT_SECRET: settings.clientSecret,
      LOGICOPS_AZURE_CREDENTIAL: 'client-secret',
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the operator process');
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      done = true;
      resolve(code);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    pid,
    port,
    exited,
    hasExited: () => done,
    signal: (name) => {
      if (!done) child.kill(name);
    },
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (done) throw new Error(`the operator exited before it was ready; see ${settings.logFile}`);
        const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
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
      if (done) return exited;
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
