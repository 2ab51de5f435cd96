// The image's bundle splits at each command's import() (scripts/bundle-operator.ts;
// docs/benchmark.md, "Memory"): the dev command's launcher is a chunk of its own, reached only
// through import() (the dev tooling itself is not in the bundle at all: bundle-modules.test.ts),
// and every file sits next to main.js so paths relative to
// import.meta.url (package.json for the version) mean the same in each. Every chunk is ASCII:
// one other character and Node holds the whole chunk's source as a two-byte string.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOperator } from '../../../scripts/bundle-operator.ts';

const TIMEOUT = 120_000;
let dir = '';
let cliDir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-bundle-test-'));
  const entry = await bundleOperator(path.join(dir, 'dist'));
  cliDir = path.dirname(entry);
  expect(entry).toBe(path.join(dir, 'dist/cli/main.js'));
}, TIMEOUT);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The files a module imports statically (`import ... from "./x.js"`), chunk names only. */
function staticImports(source: string): string[] {
  return [...source.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},\s*]+from\s*)?["']\.\/([^"']+)["']/g)].map(
    (match) => match[1] ?? '',
  );
}

async function staticClosure(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imported of staticImports(await readFile(path.join(cliDir, file), 'utf8'))) {
    await staticClosure(imported, seen);
  }
  return seen;
}

describe('the operator bundle', () => {
  it('puts every file next to main.js', async () => {
    const entries = await readdir(cliDir, { withFileTypes: true });
    expect(entries.every((entry) => entry.isFile() && /\.js(\.LEGAL\.txt)?$/.test(entry.name))).toBe(true);
  });

  it('is ASCII only, so Node keeps each chunk one byte per character', async () => {
    const chunks = (await readdir(cliDir)).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      const source = await readFile(path.join(cliDir, chunk), 'utf8');
      const nonAscii = /[\u0080-\uffff]/.exec(source);
      expect(
        nonAscii === null ? '' : `${chunk}: …${source.slice(nonAscii.index - 40, nonAscii.index + 10)}`,
      ).toBe('');
    }
  });

  // Test-only hooks have no place in what ships: the chart's extraEnv could switch one on (issue 20,
  // item 8: LOGICOPS_TEST_PAUSE_AFTER wedged a vault). Crash points live in the emulator instead.
  it('carries no test-only switch (no LOGICOPS_TEST_ string in any chunk)', async () => {
    const chunks = (await readdir(cliDir)).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(2);
    const found: string[] = [];
    for (const chunk of chunks) {
      const source = await readFile(path.join(cliDir, chunk), 'utf8');
      for (const match of source.matchAll(/LOGICOPS_TEST_\w*/g)) found.push(`${chunk}: ${match[0]}`);
    }
    expect(found).toEqual([]);
  });

  it('keeps the licence notices of the bundled packages, next to the code', async () => {
    const files = await readdir(cliDir);
    const notices = files.filter((file) => file.endsWith('.LEGAL.txt'));
    expect(notices.length).toBeGreaterThan(0);
    for (const notice of notices) {
      const chunk = notice.replace(/\.LEGAL\.txt$/, '');
      expect(files).toContain(chunk);
      expect(await readFile(path.join(cliDir, chunk), 'utf8')).toContain(notice);
    }
    const text = (
      await Promise.all(notices.map((notice) => readFile(path.join(cliDir, notice), 'utf8')))
    ).join('');
    expect(text).toMatch(/MIT License/);
  });

  it('loads the dev command only through import()', async () => {
    const files = await readdir(cliDir);
    const devChunk = files.find((file) => /^dev-launcher-[\w-]+\.js$/.test(file));
    expect(devChunk).toBeDefined();
    const main = await readFile(path.join(cliDir, 'main.js'), 'utf8');
    expect(main).toContain(`import("./${devChunk}")`);
    const loadedWithMain = await staticClosure('main.js');
    expect(loadedWithMain.size).toBeGreaterThan(1); // the import scan found main's own chunks
    expect(loadedWithMain).not.toContain(devChunk);
  });
});
