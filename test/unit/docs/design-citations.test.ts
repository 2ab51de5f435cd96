// The project's design document is docs/design.md: every citation in the repository points there,
// never at a DESIGN.md that is not in it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SEARCHED = [
  'src',
  'dev',
  'packages',
  'test',
  'docs',
  'config',
  'deploy',
  'bench',
  'scripts',
  'README.md',
];
const TEXT = /\.(ts|mts|mjs|js|md|ya?ml|json|lua|sh|tpl)$/;

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  try {
    return readdirSync(full, { withFileTypes: true }).flatMap((child) =>
      child.name === 'node_modules' ? [] : files(path.join(entry, child.name)),
    );
  } catch {
    return TEXT.test(entry) ? [entry] : [];
  }
}

describe('design document citations', () => {
  it('docs/design.md exists and holds the guarantees', () => {
    const design = readFileSync(path.join(ROOT, 'docs/design.md'), 'utf8');
    for (let guarantee = 1; guarantee <= 9; guarantee++)
      expect(design).toMatch(new RegExp(`^${guarantee}\\. \\*\\*`, 'm'));
  });

  it('no file cites a DESIGN.md', () => {
    const citing = SEARCHED.flatMap(files).filter(
      (file) =>
        file !== path.join('test/unit/docs/design-citations.test.ts') &&
        readFileSync(path.join(ROOT, file), 'utf8').includes('DESIGN.md'),
    );
    expect(citing).toEqual([]);
  });
});
