// Runs `logicops run` as its own process — the same binary and wiring a cluster runs — so its
// RSS and CPU can be read from /proc and its /metrics scraped, untouched by the bench's own
// work. Azure credentials travel in the environment only (never flags, never logs).
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface OperatorProcessSettings {
  kubeconfigPath: string;
  namespace: string;
  armEndpoint: string;
  authorityHost: string;
  caCertPath: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** /healthz, /readyz and /metrics share this port. */
  port: number;
  logFile: string;
  /** Further `logicops run` flags (resync period, workers, quotas, log level). */
  flags: string[];
  /** A compiled CLI entry (`dist/cli/main.js`) to run instead of bin/logicops.mjs from source. */
  entry?: string;
  /** Node/V8 flags placed before the entry (the operator process only). */
  nodeOptions?: string[];
  /** Environment the image sets (IMAGE_ENV with --compiled), over the bench's own. */
  env?: Readonly<Record<string, string>>;
}

export interface OperatorProcess {
  pid: number;
  metricsUrl: string;
  /** Resolves once /readyz answers 200 (informer caches synced); rejects if the process exits. */
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Node >= 22 runs bin/logicops.mjs directly, so the pid we sample is the operator, not a shim. */
function nodeExecutable(): string {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 22 ? process.execPath : path.join(repoRoot, 'node_modules/node/bin/node');
}

export function startOperatorProcess(settings: OperatorProcessSettings): OperatorProcess {
  const log = openSync(settings.logFile, 'a', 0o600);
  const args = [
    ...(settings.nodeOptions ?? []),
    settings.entry ?? path.join(repoRoot, 'bin/logicops.mjs'),
    'run',
    '--kubeconfig',
    settings.kubeconfigPath,
    '--namespaces',
    settings.namespace,
    '--arm-endpoint',
    settings.armEndpoint,
    '--authority-host',
    settings.authorityHost,
    '--health-port',
    String(settings.port),
    '--metrics-port',
    String(settings.port),
    '--cluster-id',
    'logicops-bench',
    // The emulator replicates principals at once, and time to Ready is what the bench measures:
    // no 60 s hold (docs/benchmark.md). A run can pass its own value in `flags` (the last wins).
    '--principal-propagation-hold',
    '0s',
    ...settings.flags,
  ];
  const child: ChildProcess = spawn(nodeExecutable(), args, {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
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
  // The bench may exit without stopping it (a second Ctrl-C, a crash): never leave it running
  // against a control plane that is gone.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    });
  });
  const base = `http://127.0.0.1:${settings.port}`;

  return {
    pid,
    metricsUrl: `${base}/metrics`,
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
    async stop(graceMs = 30_000) {
      if (exitCode !== undefined) return exitCode;
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
