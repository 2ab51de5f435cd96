// Writes the CRD YAML rendered from src/crds (see src/crds/render.ts).
//   npm run crds:render            write the files
//   npm run crds:render -- --check exit 1 and list the files that are stale
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderedFiles } from '../src/crds/render.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const stale: string[] = [];
for (const [path, content] of renderedFiles()) {
  const target = join(root, path);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === content) continue;
  if (check) {
    stale.push(path);
  } else {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(`stale (run npm run crds:render):\n${stale.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
