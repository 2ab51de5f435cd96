// Bundles the operator CLI (src/cli/main.ts and everything it imports, dependencies included)
// into minified ES modules, <outDir>/cli/main.js and the chunks it imports (all in <outDir>/cli):
// what the image runs (Dockerfile) and what `npm run bench -- --compiled` measures
// (bench/compiled-operator.ts).
//
// Why: Node keeps every loaded module's source and compiled code. Loaded from node_modules, the
// operator's ~2,000 modules (client-node's generated API and models, the four ARM SDKs' mappers,
// undici, msal) cost ~11 MiB more RSS at idle, and about twice the start-up CPU, than one
// minified file; ~85 MiB more at 5,000 objects without a heap cap (docs/benchmark.md, "Memory"). Type-checking stays with tsc (`tsc -p tsconfig.build.json --noEmit`).
//
//   node scripts/bundle-operator.ts <outDir>     (the image: dist; Node >= 22.18 runs .ts directly)
// Not into the repo's own dist/ when working in the tree: its presence switches bin/logicops.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The esbuild options of the bundle written to `<outDir>/cli`. What it may contain is checked on its
 * module list (test/unit/packaging/bundle-modules.test.ts): never the Azure emulator, the
 * control-plane harness, the dev tooling (dev/) or test support.
 */
export function operatorBuildOptions(outDir: string): BuildOptions {
  return {
    entryPoints: { main: path.join(repoRoot, 'src/cli/main.ts') },
    outdir: path.join(path.resolve(outDir), 'cli'),
    absWorkingDir: repoRoot,
    // The CLI imports each command (`run`, `doctor`) with import(): split there, `logicops run` never
    // reads or parses what only another command needs. V8 parses a script's top level in one go
    // (docs/benchmark.md, "Memory"). `dev` is not in the bundle at all: src/cli/dev-launcher.ts
    // names the checkout's dev/ tooling at run time, which esbuild does not follow.
    // Chunks sit next to main.js, so `new URL('../../package.json', import.meta.url)` means the
    // same in all of them.
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    // Class and function names stay: logs and error classification read `name`s.
    keepNames: true,
    // Licence notices of the bundled packages go to a .LEGAL.txt file next to each chunk, not
    // into it: a notice is the one place esbuild keeps non-ASCII text (its default charset
    // escapes the rest), and one such character made Node decode the whole 2.8 MB main chunk
    // into a two-byte string: 5.6 MiB of heap instead of 2.8 (docs/benchmark.md, "Memory").
    legalComments: 'linked',
    // Some bundled packages are CommonJS and require() Node's built-ins: an ES module has no
    // `require` of its own.
    banner: {
      js: "import { createRequire as __logicopsCreateRequire } from 'node:module'; const require = __logicopsCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/** Writes `<outDir>/cli/main.js` and the chunks it loads; returns the entry's path. */
export async function bundleOperator(outDir: string): Promise<string> {
  await build(operatorBuildOptions(outDir));
  return path.join(path.resolve(outDir), 'cli', 'main.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node scripts/bundle-operator.ts <outDir>');
    process.exit(2);
  }
  console.log(await bundleOperator(outDir));
}
