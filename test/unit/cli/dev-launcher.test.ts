// `logicops dev` loads the checkout's dev tooling (dev/dev.ts) at run time: present from a checkout,
// absent from the image (whose bundle cannot contain it), where the CLI says to run it from a
// checkout. A module missing *inside* the dev tooling is a broken install and must not read as
// "not a checkout".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_NEEDS_CHECKOUT, DEV_TOOLING_URL, loadDevTooling } from '../../../src/cli/dev-launcher.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-dev-launcher-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('loadDevTooling', () => {
  it("names the checkout's dev/dev.ts", () => {
    expect(DEV_TOOLING_URL.href).toBe(pathToFileURL(path.join(REPO, 'dev/dev.ts')).href);
  });

  it('finds the dev tooling in a checkout', async () => {
    const dev = await loadDevTooling();
    expect(typeof dev?.runDev).toBe('function');
  });

  it('answers undefined where there is no dev/ folder, as in the image', async () => {
    // The image's layout: /app/dist/cli/<chunk>.js names /app/dev/dev.ts, which is not there.
    expect(await loadDevTooling(pathToFileURL(path.join(dir, 'dev/dev.ts')))).toBeUndefined();
    expect(DEV_NEEDS_CHECKOUT).toContain('npm run dev');
  });

  it('reports a module missing inside the dev tooling as it is', async () => {
    const broken = path.join(dir, 'broken-dev.mjs');
    await writeFile(broken, "import '@logicops/not-installed';\nexport const runDev = () => 0;\n");
    await expect(loadDevTooling(pathToFileURL(broken))).rejects.toThrow(/@logicops\/not-installed/);
  });
});
