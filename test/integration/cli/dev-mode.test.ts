// `npm run dev` as a newcomer runs it: a separate process that brings up the control plane,
// the emulator, the operator and the samples, reports all Ready, and on Ctrl-C stops
// everything it started.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((line) => line && !line.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('npm run dev', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('reaches all Ready for the samples, then stops everything on Ctrl-C', async () => {
    child = spawn(process.execPath, ['bin/logicops.mjs', 'dev'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 150_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline) throw new Error(`dev mode did not finish starting:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).toMatch(/all objects Ready in [\d.]+ s/);
    expect(output).toMatch(/\d+\/\d+ Ready/);
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(output)?.[1] ?? '';
    const workDir = path.dirname(kubeconfig);
    expect(workDir).toContain('logicops-cp-');
    expect(processesMentioning(workDir).length).toBeGreaterThan(0);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped.');
    expect(processesMentioning(workDir)).toEqual([]);
  }, 180_000);
});
