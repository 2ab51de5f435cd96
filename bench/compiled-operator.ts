// `--compiled`: runs the operator the way the image does — tsc output under plain Node — in a
// throw-away folder, not the repo's dist/ (whose mere presence would switch bin/logicops.mjs
// for everyone else working in this tree). From source, tsx adds about 100 MiB of RSS that
// production never carries, which would swamp the memory figure.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CompiledOperator {
  /** The CLI entry point to run with Node (`<dir>/dist/cli/main.js`). */
  entry: string;
  remove(): Promise<void>;
}

export async function compileOperator(): Promise<CompiledOperator> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-bench-build-'));
  try {
    await execFileAsync(
      path.join(repoRoot, 'node_modules/.bin/tsc'),
      ['-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
    // Node resolves packages by walking up from the importing file: point it at the repo's.
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    entry: path.join(dir, 'dist/cli/main.js'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
