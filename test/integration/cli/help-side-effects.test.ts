// Every command and subcommand answers --help and -h, and does nothing else: no child process,
// no file written, no socket opened, no DNS lookup. Each runs as the image runs it (the esbuild
// bundle, scripts/bundle-operator.ts), under Node's permission model in audit mode and a
// recorder of network calls (support/side-effect-recorder.mjs), with HOME, TMPDIR and the working
// directory in empty folders that must stay empty. A KUBECONFIG naming an unreachable server
// would show up as a connection if anything tried to use it.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOperator } from '../../../scripts/bundle-operator.ts';
import { COMMANDS } from '../../../src/cli/commands.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const RECORDER = path.join(import.meta.dirname, 'support/side-effect-recorder.mjs');

let dir = '';
let entry = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'logicops-help-test-'));
  entry = await bundleOperator(path.join(dir, 'dist'));
  // `logicops version` reads ../../package.json next to the bundle, as in the image.
  await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Observed {
  code: number;
  stdout: string;
  stderr: string;
  sideEffects: string[];
  leftBehind: string[];
}

/** Runs `node <script> args` with the recorder, in empty HOME/TMPDIR/cwd folders. */
async function observe(script: string, args: string[]): Promise<Observed> {
  const sandbox = await mkdtemp(path.join(dir, 'sandbox-'));
  const [home, tmp, cwd] = ['home', 'tmp', 'cwd'].map((name) => path.join(sandbox, name)) as [
    string,
    string,
    string,
  ];
  for (const folder of [home, tmp, cwd]) await mkdir(folder);
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--permission-audit', '--allow-fs-read=*', '--import', RECORDER, script, ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          TMPDIR: tmp,
          KUBECONFIG: path.join(ROOT, 'test/integration/cli/support/unreachable.kubeconfig'),
          AZURE_CLIENT_SECRET: 'not-a-secret',
          AZURE_TENANT_ID: '00000000-0000-0000-0000-000000000000',
          AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
        },
      },
    );
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    result = { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
  const leftBehind: string[] = [];
  for (const folder of [home, tmp, cwd]) {
    for (const name of await readdir(folder)) leftBehind.push(path.join(path.basename(folder), name));
  }
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    sideEffects: result.stderr.split('\n').filter((line) => line.startsWith('SIDE-EFFECT')),
    leftBehind,
  };
}

describe('the side-effect recorder', () => {
  it('sees a written file, a child process, a connection and a DNS lookup', async () => {
    const script = path.join(dir, 'does-everything.mjs');
    await writeFile(
      script,
      [
        "import { writeFileSync } from 'node:fs';",
        "import { spawnSync } from 'node:child_process';",
        "import net from 'node:net';",
        "import dns from 'node:dns';",
        "writeFileSync('written.txt', 'x');",
        "spawnSync('true');",
        "net.connect({ host: '127.0.0.1', port: 9 }).on('error', () => {});",
        "dns.lookup('localhost', () => {});",
      ].join('\n'),
    );
    const observed = await observe(script, []);
    const kinds = observed.sideEffects.map((line) => line.split(' ')[1]);
    expect(kinds).toEqual(expect.arrayContaining(['fs', 'child', 'net-connect', 'dns-lookup']));
    expect(observed.leftBehind).toEqual(['cwd/written.txt']);
  });
});

const invocations: Array<{ args: string[]; usage: string }> = [
  { args: [], usage: 'usage: logicops <command>' },
  { args: ['--help'], usage: 'usage: logicops <command>' },
  { args: ['-h'], usage: 'usage: logicops <command>' },
  { args: ['help'], usage: 'usage: logicops <command>' },
  ...COMMANDS.flatMap((command) => [
    { args: [command.name, '--help'], usage: `usage: logicops ${command.name}` },
    { args: [command.name, '-h'], usage: `usage: logicops ${command.name}` },
    { args: ['help', command.name], usage: `usage: logicops ${command.name}` },
    // Help wins over everything else on the line, even flags that would start something.
    {
      args: [command.name, '--kubeconfig', '/nonexistent', '--help'],
      usage: `usage: logicops ${command.name}`,
    },
  ]),
];

describe('logicops --help', () => {
  it.each(invocations)('logicops $args prints help and has no side effect', async ({ args, usage }) => {
    const observed = await observe(entry, args);
    expect(observed.sideEffects).toEqual([]);
    expect(observed.leftBehind).toEqual([]);
    expect(observed.code).toBe(0);
    expect(observed.stdout).toContain(usage);
  });

  it('each command help states its exit codes', async () => {
    for (const command of COMMANDS) {
      const { stdout } = await observe(entry, [command.name, '--help']);
      expect(stdout).toMatch(/exit codes:\n {2}0 {2}/);
      expect(stdout).toContain('2  ');
    }
  });

  it('an unknown flag is an error that lists the valid ones, with no side effect', async () => {
    for (const command of COMMANDS.filter((c) => c.name !== 'help')) {
      const observed = await observe(entry, [command.name, '--no-such-flag']);
      expect(observed.code).toBe(2);
      expect(observed.stderr).toContain(`unknown option '--no-such-flag'`);
      expect(observed.stderr).toContain(`valid options for logicops ${command.name}:`);
      expect(observed.sideEffects).toEqual([]);
      expect(observed.leftBehind).toEqual([]);
    }
  });
});
