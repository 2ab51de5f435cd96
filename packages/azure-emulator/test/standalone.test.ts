// `npm run emulator` as a separate process, called by a second process that trusts its CA
// through NODE_EXTRA_CA_CERTS; restarted from its state file, it has lost nothing.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trustCa } from './support/harness.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const CLIENT = path.join(import.meta.dirname, 'support', 'standalone-client.ts');

interface Info {
  armEndpoint: string;
  adminEndpoint: string;
  authorityHost: string;
  managedIdentityEndpoint: string;
  caCertPath: string;
  tenantId: string;
  subscriptionId: string;
  port: number;
}

let tmp: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'logicops-standalone-test-'));
});
afterAll(async () => {
  for (const child of started) await stop(child);
  rmSync(tmp, { recursive: true, force: true });
});

/** Starts `npm run emulator` in its own process group and waits for its JSON line. */
async function startStandalone(args: string[]): Promise<{ child: ChildProcess; info: Info }> {
  const child = spawn('npm', ['run', '--silent', 'emulator', '--', ...args], {
    cwd: REPO,
    detached: true, // own process group: npm → sh → tsx → node all stop together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in time: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Info);
    });
  });
  return { child, info };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

async function client(
  info: Info,
  action: string,
  trustCa: boolean,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, EMULATOR_INFO: JSON.stringify(info) };
  delete env.NODE_EXTRA_CA_CERTS;
  if (trustCa) env.NODE_EXTRA_CA_CERTS = info.caCertPath;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLIENT, action], {
      cwd: REPO,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

it('runs standalone, serves a process that trusts its CA, and survives a restart', {
  timeout: 180_000,
}, async () => {
  const stateFile = path.join(tmp, 'emulator-state.json');
  const { child, info } = await startStandalone(['--port', '0', '--state', stateFile]);
  expect(info).toMatchObject({
    armEndpoint: expect.stringMatching(/^https:\/\/localhost:\d+$/),
    authorityHost: info.armEndpoint,
    managedIdentityEndpoint: info.armEndpoint,
    caCertPath: `${stateFile}.ca.pem`,
    tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    subscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });

  // Without the CA the second process cannot even fetch the OpenID configuration.
  const untrusted = await client(info, 'probe', false);
  expect(untrusted.code).not.toBe(0);
  expect(untrusted.stderr).toMatch(/certificate/i);

  const created = await client(info, 'create', true);
  expect(created.stderr).toBe('');
  const result = JSON.parse(created.stdout) as { principalId: string; roleAssignmentId: string };
  expect(result.principalId).toMatch(/^[0-9a-f-]{36}$/);
  expect(result.roleAssignmentId).toContain('/secrets/');

  await stop(child);
  const restarted = await startStandalone(['--port', String(info.port), '--state', stateFile]);
  expect(restarted.info.armEndpoint).toBe(info.armEndpoint);
  const read = await client(restarted.info, 'read', true);
  expect(read.stderr).toBe('');
  expect(JSON.parse(read.stdout)).toEqual(result);
  // Started without --capture-request-bodies: the capture says it is off.
  trustCa(readFileSync(restarted.info.caCertPath, 'utf8'));
  const bodies = await fetch(`${restarted.info.adminEndpoint}/request-bodies`);
  expect(bodies.status).toBe(409);
});

it('keeps the request bodies a client sent when started with --capture-request-bodies', {
  timeout: 120_000,
}, async () => {
  const { info } = await startStandalone(['--port', '0', '--capture-request-bodies']);
  const created = await client(info, 'create', true);
  expect(created.stderr).toBe('');
  trustCa(readFileSync(info.caCertPath, 'utf8'));
  const response = await fetch(`${info.adminEndpoint}/request-bodies`);
  expect(response.status).toBe(200);
  const { value } = (await response.json()) as { value: { operation: string; body: string }[] };
  expect(value.map((b) => b.operation)).toEqual([
    'Microsoft.Logic/workflows/write',
    'Microsoft.Authorization/roleAssignments/write',
  ]);
  expect(value[0]?.body).toContain('SystemAssigned');
});
