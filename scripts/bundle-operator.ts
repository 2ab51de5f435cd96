// Bundles the operator CLI (src/cli/main.ts and everything it imports, dependencies included)
// into one minified ES module, <outDir>/cli/main.js: what the image runs (Dockerfile) and what
// `npm run bench -- --compiled` measures (bench/compiled-operator.ts).
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
import { build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes `<outDir>/cli/main.js`; returns its path. */
export async function bundleOperator(outDir: string): Promise<string> {
  const outfile = path.join(path.resolve(outDir), 'cli/main.js');
  await build({
    entryPoints: [path.join(repoRoot, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    // Class and function names stay: logs and error classification read `name`s.
    keepNames: true,
    // Licence notices of the bundled packages go to the end of the file.
    legalComments: 'eof',
    // Some bundled packages are CommonJS and require() Node's built-ins: an ES module has no
    // `require` of its own.
    banner: {
      js: "import { createRequire as __logicopsCreateRequire } from 'node:module'; const require = __logicopsCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node scripts/bundle-operator.ts <outDir>');
    process.exit(2);
  }
  console.log(await bundleOperator(outDir));
}
