// `--compiled`: runs the operator the way the image does — the esbuild bundle of the CLI
// (scripts/bundle-operator.ts) under plain Node — in a throw-away folder, not the repo's dist/
// (whose mere presence would switch bin/logicops.mjs for everyone else working in this tree).
// From source, tsx adds about 100 MiB of RSS that production never carries, which would swamp
// the memory figure.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleOperator } from '../scripts/bundle-operator.ts';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Node flags the image's ENTRYPOINT gives the operator (Dockerfile); `--compiled` uses them
 * unless --node-options says otherwise. test/unit/bench/compiled-operator.test.ts keeps the two equal.
 */
export const IMAGE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--max-old-space-size=128',
  '--optimize-for-size',
];

/**
 * The environment the image sets for the operator besides NODE_ENV (Dockerfile `ENV`); `--compiled`
 * runs with it too. test/unit/packaging/image-env.test.ts keeps the two equal.
 *
 * MALLOC_MMAP_THRESHOLD_: glibc serves allocations of at least this many bytes with their own
 * mmap, returned to the kernel on free, instead of from the brk heap. V8 allocates its parser's
 * and compilers' zones in 8–32 KiB segments through malloc; parsing the bundle's top level alone
 * takes ~30 MiB of them at start-up, freed a moment later, but later long-lived allocations pin
 * the brk heap above them, and glibc keeps the freed middle: ~30 MiB of RSS for nothing, for the
 * life of the process. At 32 KiB the largest segments go to mmap: idle RSS 114 → 85 MiB, and
 * ~25 MiB less all through the 5,000-object run (docs/benchmark.md, "Memory"), at ~35 mmap calls
 * a second while converging. Setting the threshold also stops glibc from raising it on its own.
 */
export const IMAGE_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '32768',
};

export interface CompiledOperator {
  /** The CLI entry point to run with Node (`<dir>/dist/cli/main.js`). */
  entry: string;
  /** The image's environment for the operator process (IMAGE_ENV). */
  env: Readonly<Record<string, string>>;
  remove(): Promise<void>;
}

/**
 * As the Dockerfile builds it: tsc type-checks, esbuild bundles. Type errors do not stop the build
 * (the bundle does not need types): the source run (tsx) does not type-check either, and a tree
 * shared with work in progress is often briefly red. `warn` hears about them.
 */
export async function compileOperator(warn: (message: string) => void = () => {}): Promise<CompiledOperator> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-bench-build-'));
  try {
    await execFileAsync(
      path.join(repoRoot, 'node_modules/.bin/tsc'),
      ['-p', path.join(repoRoot, 'tsconfig.build.json'), '--noEmit'],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: unknown) => {
      const output = String((error as { stdout?: unknown }).stdout ?? '').trim();
      if (!output) throw error;
      warn(`tsc reported type errors; running the bundle anyway:\n${output}`);
    });
    await bundleOperator(path.join(dir, 'dist'));
    // The image keeps its production node_modules next to dist/; the bundle needs none of it.
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // The CLI reads its version from package.json next to dist/, as in the image.
    await symlink(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    entry: path.join(dir, 'dist/cli/main.js'),
    env: IMAGE_ENV,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
