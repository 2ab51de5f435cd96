// Every fenced shell block in the README and docs/ runs here, each against its own fresh local
// control plane (blocks install cluster-wide things such as CRDs, so they must not meet), with
// kubectl and helm on the PATH — or carries a marker with the reason it cannot.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ControlPlane } from '@logicops/control-plane';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packagingTools, repoRoot } from '../../support/packaging-tools.ts';
import { documentationFiles, shellBlocks } from './shell-blocks.ts';

const execFileAsync = promisify(execFile);
const blocks = documentationFiles(repoRoot).flatMap((file) => shellBlocks(repoRoot, file));
const runnable = blocks.filter((block) => block.notRunReason === undefined);
const exempt = blocks.filter((block) => block.notRunReason !== undefined);

describe('shell blocks in the README and docs', () => {
  let plane: ControlPlane | undefined;
  let helmDir: string;

  beforeAll(async () => {
    helmDir = path.dirname((await packagingTools()).helm);
  });
  afterEach(async () => {
    await plane?.stop();
    plane = undefined;
  });

  it('finds the blocks, and every exemption says why', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of exempt) {
      expect(block.notRunReason, `${block.file}:${block.line}`).toMatch(/\w{3,}.*\w{3,}/);
    }
    // Print the ledger so the CI log shows what was proven and what was not.
    for (const block of exempt) console.log(`not run: ${block.file}:${block.line} (${block.notRunReason})`);
    for (const block of runnable) console.log(`runs: ${block.file}:${block.line}`);
  });

  it.each(runnable.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s runs',
    async (_, block) => {
      plane = await ControlPlane.start();
      const env = {
        ...process.env,
        KUBECONFIG: plane.kubeconfigPath,
        PATH: [path.dirname(plane.binaries.kubectl), helmDir, process.env.PATH].join(':'),
      };
      const result = await execFileAsync('bash', ['-euo', 'pipefail', '-c', block.script], {
        cwd: repoRoot,
        env,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
      const failure = 'code' in result && result.code !== undefined && result.code !== 0 ? result : undefined;
      expect(
        failure,
        `${block.file}:${block.line} failed:\n${failure?.stderr ?? ''}\n${failure?.stdout ?? ''}`,
      ).toBeUndefined();
    },
    200_000,
  );
});
