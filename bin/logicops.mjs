#!/usr/bin/env node
// Starts the logicops CLI on Node >= 22. The machine's `node` may be older (Node 20 cannot load
// @kubernetes/client-node 2.x): then this shim re-runs itself with the Node 24 that the
// `node@24` dev dependency installs, or says exactly what is needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MINIMUM_MAJOR = 22;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major < MINIMUM_MAJOR) {
  const bundled = path.join(root, 'node_modules/node/bin/node');
  if (!existsSync(bundled)) {
    console.error(
      `logicops needs Node.js >= ${MINIMUM_MAJOR} (this is ${process.version}). Run \`npm ci\` in ${root} to get Node 24 from the node@24 package, or install Node 24 LTS.`,
    );
    process.exit(1);
  }
  const result = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

const built = path.join(root, 'dist/cli/main.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  // From a source checkout: load TypeScript through tsx.
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src/cli/main.ts')).href);
}
