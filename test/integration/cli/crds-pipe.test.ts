// `logicops crds | kubectl apply -f -`: the whole stream reaches a reader that takes its time.
// Writes to a pipe are asynchronous on POSIX (Node.js docs, "A note on process I/O"); the CLI
// used to exit as soon as the write was queued, so a reader that started late got the first
// 64 KiB only — a CI run applied a WorkflowRoleAssignment CRD cut off inside its status schema.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { allCrds } from '../../../src/crds/index.ts';
import { crdYaml } from '../../../src/crds/render.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');

it('prints every CRD whole to a pipe whose reader starts after the CLI is done', async () => {
  const expected = allCrds().map(crdYaml).join('---\n');
  // More than a pipe buffer holds: the part a CLI exiting without draining loses.
  expect(Buffer.byteLength(expected)).toBeGreaterThan(64 * 1024);
  const { stdout } = await execFileAsync(
    'bash',
    ['-euo', 'pipefail', '-c', `"${process.execPath}" bin/logicops.mjs crds | (sleep 3; cat)`],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  expect(stdout).toBe(expected);
  expect(parseAllDocuments(stdout).map((doc) => doc.toJS().metadata.name)).toEqual(
    allCrds().map((crd) => crd.metadata.name),
  );
}, 60_000);
