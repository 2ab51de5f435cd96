// The operator image: built with buildah from the Dockerfile (on local bases, see
// scripts/image-base.sh), then run without a container engine: `buildah run` with chroot
// isolation executes the image's own entrypoint as the image's user. It answers
// `--version`, and `run` against the shared control plane serves /healthz.
// Slow when cold (debootstrap, npm ci, tsc on 2 cores), hence a file of its own.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IMAGE_NODE_FLAGS } from '../../../bench/compiled-operator.ts';
import { repoRoot } from '../../support/packaging-tools.ts';
import { applyShippedCrds } from '../crds/support/install.ts';

const execFileAsync = promisify(execFile);
const TAG = 'localhost/logicops:test';
const buildah = (args: string[]) =>
  execFileAsync('buildah', ['--storage-driver', 'vfs', ...args], { maxBuffer: 64 * 1024 * 1024 });

interface ImageConfig {
  User: string;
  Entrypoint: string[];
}

let container = '';
let config: ImageConfig;
let buildSeconds = 0;
const running: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const started = Date.now();
  try {
    await execFileAsync('bash', [path.join(repoRoot, 'scripts/build-image.sh'), TAG], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`scripts/build-image.sh failed:\n${stderr.slice(-4000)}`);
  }
  buildSeconds = Math.round((Date.now() - started) / 1000);
  process.stderr.write(`[image] built ${TAG} in ${buildSeconds}s\n`);
  const inspected = JSON.parse((await buildah(['inspect', '--type', 'image', TAG])).stdout) as {
    OCIv1: { config: ImageConfig };
  };
  config = inspected.OCIv1.config;
  container = (await buildah(['from', '--pull-never', TAG])).stdout.trim();
}, 3_600_000);

afterAll(async () => {
  for (const child of running) if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  if (container) await buildah(['rm', container]).catch(() => undefined);
  for (const cleanup of cleanups) await cleanup();
  // vfs keeps whole copies: drop the test image so repeated runs do not fill the disk.
  await buildah(['rmi', TAG]).catch(() => undefined);
});

/** `buildah run` of the image's entrypoint, as the image's user, with host networking (chroot isolation). */
function runArgs(args: string[], extra: string[] = []): string[] {
  return [
    '--storage-driver',
    'vfs',
    'run',
    '--isolation',
    'chroot',
    '--user',
    config.User,
    ...extra,
    container,
    '--',
    ...config.Entrypoint,
    ...args,
  ];
}

describe('operator image', () => {
  it('runs as a non-root numeric user, node at the distroless path', () => {
    expect(config.User).toBe('65532:65532');
    // The memory flags are the ones the bench's --compiled runs use (measured there).
    expect(config.Entrypoint).toEqual(['/nodejs/bin/node', ...IMAGE_NODE_FLAGS, '/app/dist/cli/main.js']);
  });

  it('holds production dependencies only', async () => {
    // Every installed package name, scoped ones as @scope/name.
    const list =
      "const fs=require('fs');const d='/app/node_modules';" +
      "console.log(JSON.stringify(fs.readdirSync(d).flatMap(n=>n.startsWith('@')?fs.readdirSync(d+'/'+n).map(m=>n+'/'+m):[n])))";
    const { stdout } = await buildah([
      'run',
      '--isolation',
      'chroot',
      container,
      '--',
      '/nodejs/bin/node',
      '-e',
      list,
    ]);
    const installed = JSON.parse(stdout) as string[];
    // package-lock marks packages only the dev tree needs with "dev": true (a dev dependency
    // that a production dependency also needs, like @types/node, is not marked).
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([where, entry]) => entry.dev && where.lastIndexOf('node_modules/') === 0)
      .map(([where]) => where.slice('node_modules/'.length))
      .filter((name) => installed.includes(name));
    expect(devOnly).toEqual([]);
    expect(installed).toContain('@kubernetes/client-node');
    // The workspace packages (packages/*) are development tools: the lock does not mark their
    // dependencies "dev", so check by name that neither they nor what only they need came in.
    const rootPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const workspaceOnly = Object.entries(lock.packages)
      .filter(([where]) => where.startsWith('packages/'))
      .flatMap(([, entry]) => [
        (entry as { name?: string }).name ?? '',
        ...Object.keys((entry as { dependencies?: Record<string, string> }).dependencies ?? {}),
      ])
      .filter((name) => name && !(name in rootPackage.dependencies));
    expect(workspaceOnly).toContain('@logicops/azure-emulator');
    expect(workspaceOnly.filter((name) => installed.includes(name))).toEqual([]);
  });

  it('says `logicops dev` runs from a checkout (the dev tooling is not in the image)', async () => {
    const failed = await execFileAsync('buildah', runArgs(['dev'])).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.stderr).toContain('logicops dev is a development command; run it from a checkout');
  });

  it('answers --version with the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout } = await execFileAsync('buildah', runArgs(['--version']));
    expect(stdout.trim()).toBe(version);
  });

  it('`run` against the API server serves /healthz', async () => {
    await applyShippedCrds();
    const healthPort = await freePort();
    const metricsPort = await freePort();
    // The container runs as 65532: give it its own copy of the admin kubeconfig, readable by it alone.
    const kubeDir = await mkdtemp(path.join(os.tmpdir(), 'logicops-image-kube-'));
    cleanups.push(() => rm(kubeDir, { recursive: true, force: true }));
    const kubeconfig = path.join(kubeDir, 'config');
    await copyFile(inject('kubeconfigPath'), kubeconfig);
    await chown(kubeconfig, 65532, 65532);
    await chmod(kubeconfig, 0o400);
    const child = spawn(
      'buildah',
      runArgs(
        [
          'run',
          '--kubeconfig=/kube/config',
          '--namespaces=default',
          `--health-port=${healthPort}`,
          `--metrics-port=${metricsPort}`,
          '--cluster-id=image-test',
          // No Azure call is made here; `auto` with no credential in the environment refuses to start.
          '--azure-credential=managed-identity',
        ],
        ['--volume', `${kubeconfig}:/kube/config:ro`],
      ),
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    running.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + 60_000;
    let answer: { status: number; body: string } | undefined;
    while (Date.now() < deadline && child.exitCode === null) {
      answer = await fetch(`http://127.0.0.1:${healthPort}/healthz`)
        .then(async (response) => ({ status: response.status, body: await response.text() }))
        .catch(() => undefined);
      if (answer) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(answer, `no /healthz answer; the container said:\n${stderr}`).toEqual({
      status: 200,
      body: expect.any(String),
    });
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  });
});
