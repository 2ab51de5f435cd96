import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BinariesUnavailableError, resolveBinaries } from '../src/binaries.ts';

describe('resolveBinaries', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-assets-'));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it('uses KUBEBUILDER_ASSETS when it holds all three executables', async () => {
    for (const name of ['kube-apiserver', 'etcd', 'kubectl']) {
      await writeFile(path.join(dir, name), '#!/bin/sh\n');
      await chmod(path.join(dir, name), 0o755);
    }
    vi.stubEnv('KUBEBUILDER_ASSETS', dir);
    await expect(resolveBinaries()).resolves.toEqual({
      kubeApiserver: path.join(dir, 'kube-apiserver'),
      etcd: path.join(dir, 'etcd'),
      kubectl: path.join(dir, 'kubectl'),
    });
  });

  it('names every missing executable and how to fix it', async () => {
    await writeFile(path.join(dir, 'etcd'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'etcd'), 0o755);
    vi.stubEnv('KUBEBUILDER_ASSETS', dir);
    const error = await resolveBinaries().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinariesUnavailableError);
    expect(String(error)).toContain(path.join(dir, 'kube-apiserver'));
    expect(String(error)).toContain(path.join(dir, 'kubectl'));
    expect(String(error)).not.toContain(path.join(dir, 'etcd,'));
    expect(String(error)).toContain('npm run control-plane:build');
  });
});
