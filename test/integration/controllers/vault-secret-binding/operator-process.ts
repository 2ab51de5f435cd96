// `logicops run` (bin/logicops.mjs, from source) as its own OS process, so a test can kill -9 it
// at a chosen point and start it again. Azure credentials travel in the environment only, the
// emulator's CA through NODE_EXTRA_CA_CERTS; stdout/stderr go to a log file the test names.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from '../../../../src/controlplane/ports.ts';
import type { Emulator } from '../../../../src/emulator/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface OperatorProcess {
  readonly pid: number;
  /** Resolves when the process is gone (code, or null when a signal ended it). */
  readonly exited: Promise<number | null>;
  ready(timeoutMs: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  stop(graceMs?: number): Promise<number | null>;
}

/** Node >= 22 runs the CLI itself, so the pid we signal is the operator, not the shim. */
function nodeExecutable(): string {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 22 ? process.execPath : path.join(repoRoot, 'node_modules/node/bin/node');
}

export async function startOperatorProcess(settings: {
  emulator: Emulator;
  namespace: string;
  clusterId: string;
  logFile: string;
  /** Extra environment (the test-only pause hook). */
  env?: Record<string, string>;
}): Promise<OperatorProcess> {
  const { emulator } = settings;
  const port = await freePort();
  const log = openSync(settings.logFile, 'a', 0o600);
  const args = [
    path.join(repoRoot, 'bin/logicops.mjs'),
    'run',
    '--kubeconfig',
    inject('kubeconfigPath'),
    '--namespaces',
    settings.namespace,
    '--arm-endpoint',
    emulator.armEndpoint,
    '--authority-host',
    emulator.authorityHost,
    '--health-port',
    String(port),
    '--metrics-port',
    String(port),
    '--cluster-id',
    settings.clusterId,
    '--shutdown-grace',
    '2s',
  ];
  const child: ChildProcess = spawn(nodeExecutable(), args, {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.operatorClientId,
      AZURE_CLIENT_SECRET: emulator.operatorClientSecret,
      LOGICOPS_AZURE_CREDENTIAL: 'client-secret',
      ...settings.env,
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the operator process');
  let gone = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      gone = true;
      resolve(code);
    });
  });
  return {
    pid,
    exited,
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (gone) throw new Error(`the operator exited before it was ready; see ${settings.logFile}`);
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) return;
        await sleep(200);
      }
      throw new Error(`the operator was not ready within ${timeoutMs} ms; see ${settings.logFile}`);
    },
    kill(signal) {
      if (!gone) child.kill(signal);
    },
    async stop(graceMs = 10_000) {
      if (gone) return exited;
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
