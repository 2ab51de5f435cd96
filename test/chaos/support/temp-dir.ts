// Folders for the operator logs of a suite, removed after the suite's file (CI checks that
// nothing is left in /tmp); LOGICOPS_CHAOS_KEEP_LOGS=1 keeps them for a post-mortem. The hook is
// registered when a suite file imports this module, so every file cleans up its own folders.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];

afterAll(async () => {
  if (process.env.LOGICOPS_CHAOS_KEEP_LOGS === '1') return;
  await Promise.all(created.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

export async function chaosTempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-chaos-'));
  created.push(dir);
  return dir;
}
