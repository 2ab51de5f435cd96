// `npm test` starts with scripts/check-prerequisites.mjs: what the tiers need, found or named with
// the command that installs it. The README's prerequisites table lists the same things.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  explain,
  missingPrerequisites,
  PREREQUISITES,
  type Probe,
  parseGoVersion,
} from '../../../scripts/check-prerequisites.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const everything: Probe = {
  nodeVersion: 'v24.21.0',
  nodePackage: '24.21.0',
  find: (name) => `/usr/bin/${name}`,
  goVersion: () => 'go version go1.26.8 linux/amd64',
};

describe('check-prerequisites', () => {
  it('finds nothing missing on a machine that has everything', () => {
    expect(missingPrerequisites(everything)).toEqual([]);
  });

  it('names buildah and debootstrap with the apt-get line that installs both', () => {
    const missing = missingPrerequisites({
      ...everything,
      find: (name) => (['buildah', 'debootstrap'].includes(name) ? undefined : `/usr/bin/${name}`),
    });
    expect(missing.map((m) => m.name)).toEqual(['buildah', 'debootstrap']);
    expect(explain(missing)).toContain('sudo apt-get install -y buildah debootstrap');
  });

  it('refuses a Go older than the wrapper modules need, and says where it found it', () => {
    const missing = missingPrerequisites({
      ...everything,
      goVersion: () => 'go version go1.24.4 linux/amd64',
    });
    expect(missing.map((m) => [m.name, m.found])).toEqual([['go >= 1.26.7', 'go1.24.4 at /usr/bin/go']]);
    expect(explain(missing)).toContain('https://go.dev/dl/');
    expect(parseGoVersion('go version go1.26 linux/amd64')).toEqual([1, 26, 0]);
    expect(
      missingPrerequisites({ ...everything, goVersion: () => 'go version go1.26.7 linux/amd64' }),
    ).toEqual([]);
    expect(
      missingPrerequisites({ ...everything, goVersion: () => 'go version go1.27.0 linux/amd64' }),
    ).toEqual([]);
  });

  it('sends a machine without node_modules, or on another Node, to npm ci', () => {
    const missing = missingPrerequisites({ ...everything, nodeVersion: 'v20.20.2', nodePackage: undefined });
    expect(missing.map((m) => m.name)).toEqual(['node 24']);
    expect(explain(missing)).toContain('  npm ci');
    // node_modules in place but another node: started outside npm.
    const outside = missingPrerequisites({ ...everything, nodeVersion: 'v20.20.2' });
    expect(explain(outside)).toContain('  npm test (npm puts the node@24');
  });

  it('is what the README prerequisites table lists, and runs first in npm test', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('## Configuration'));
    for (const prerequisite of PREREQUISITES) {
      const word = prerequisite.name.split(' ')[0] ?? '';
      expect(table.toLowerCase()).toContain(word);
      if (prerequisite.apt) expect(table).toContain(prerequisite.apt);
    }
    const scripts = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { test: string } }
    ).scripts;
    expect(scripts.test.startsWith('node scripts/check-prerequisites.mjs && ')).toBe(true);
  });
});
