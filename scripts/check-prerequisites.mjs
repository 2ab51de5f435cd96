// The first step of `npm test`: checks, in well under a second, that this machine has what the
// test tiers need (README, "Prerequisites") and otherwise stops with the command that installs
// what is missing, instead of failing minutes later in the tier that needs it. Plain JavaScript
// with no dependencies: it runs before anything is built, on whatever `node` npm found.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Go 1.26.7: the newest `go` line of the committed wrapper modules (hack/promql needs it). */
export const MINIMUM_GO = [1, 26, 7];

/**
 * Each prerequisite: how to find it, what it is for, and how to get it. `apt` names the Debian
 * package; the others say what to run.
 */
export const PREREQUISITES = [
  {
    name: 'node 24',
    why: 'every npm script runs on the Node 24 of the node@24 dev dependency',
    install: 'npm ci',
  },
  {
    name: 'go >= 1.26.7',
    why: 'builds kube-apiserver, etcd and kubectl, helm, kstatus and the PromQL checker once (hack/)',
    install:
      'install Go 1.26.7 or newer from https://go.dev/dl/ into /usr/local/go (found there without PATH)',
  },
  {
    name: 'buildah',
    why: 'builds the container image (test/integration/packaging/image.test.ts)',
    apt: 'buildah',
  },
  {
    name: 'debootstrap',
    why: 'assembles the Debian base of the image (scripts/image-base.sh)',
    apt: 'debootstrap',
  },
  { name: 'tar', why: 'packs the base image (scripts/image-base.sh)', apt: 'tar' },
  { name: 'pgrep', why: 'the dev-mode test checks that no process survives Ctrl-C', apt: 'procps' },
];

/** Where a command may live besides PATH: Go's usual folders, and sbin for non-root users. */
const EXTRA_DIRS = ['/usr/local/go/bin', '/usr/lib/go/bin', '/usr/sbin', '/sbin'];

export function findCommand(name, env = process.env) {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  return dirs.map((dir) => path.join(dir, name)).find((file) => existsSync(file));
}

/** `go version go1.26.8 linux/amd64` → [1, 26, 8]; undefined when unreadable. */
export function parseGoVersion(text) {
  const match = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function atLeast(version, minimum) {
  for (let i = 0; i < minimum.length; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

/**
 * The prerequisites this machine lacks, each with what was found. `probe` is injectable for
 * tests: `{ nodeVersion, nodePackage, find(name), goVersion(file) }`.
 */
export function missingPrerequisites(probe) {
  const missing = [];
  for (const prerequisite of PREREQUISITES) {
    if (prerequisite.name === 'node 24') {
      const major = Number(probe.nodeVersion.replace(/^v/, '').split('.')[0]);
      if (major !== 24 || !probe.nodePackage) {
        // With node_modules in place, the wrong node means the script was not started by npm.
        const install = probe.nodePackage
          ? 'npm test (npm puts the node@24 of node_modules/.bin first on PATH)'
          : prerequisite.install;
        const found = `${probe.nodeVersion}${probe.nodePackage ? '' : ', no node_modules/node'}`;
        missing.push({ ...prerequisite, install, found });
      }
    } else if (prerequisite.name.startsWith('go ')) {
      const go = probe.find('go');
      const version = go ? parseGoVersion(probe.goVersion(go) ?? '') : undefined;
      if (!version || !atLeast(version, MINIMUM_GO))
        missing.push({
          ...prerequisite,
          found: go ? `go${version ? version.join('.') : ' (no version)'} at ${go}` : 'none',
        });
    } else if (!probe.find(prerequisite.name)) {
      missing.push({ ...prerequisite, found: 'none' });
    }
  }
  return missing;
}

/** What to print: each missing prerequisite and the commands that install them. */
export function explain(missing) {
  const width = Math.max(...missing.map((m) => m.name.length));
  const apt = missing.filter((m) => m.apt).map((m) => m.apt);
  const other = missing.filter((m) => !m.apt);
  return [
    'npm test needs what this machine lacks (README, "Prerequisites"):',
    ...missing.map((m) => `  ${m.name.padEnd(width)}  ${m.why} (found: ${m.found})`),
    '',
    'Install it with:',
    ...(apt.length > 0 ? [`  sudo apt-get install -y ${apt.join(' ')}`] : []),
    ...other.map((m) => `  ${m.install}`),
  ].join('\n');
}

function systemProbe() {
  return {
    nodeVersion: process.version,
    nodePackage: existsSync(path.join(root, 'node_modules/node/package.json'))
      ? JSON.parse(readFileSync(path.join(root, 'node_modules/node/package.json'), 'utf8')).version
      : undefined,
    find: (name) => findCommand(name),
    goVersion: (file) => {
      try {
        return execFileSync(file, ['version'], {
          encoding: 'utf8',
          timeout: 5_000,
          env: { ...process.env, GOTOOLCHAIN: 'local' },
        });
      } catch {
        return undefined;
      }
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = missingPrerequisites(systemProbe());
  if (missing.length > 0) {
    console.error(explain(missing));
    process.exit(1);
  }
}
