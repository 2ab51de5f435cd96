// The README's configuration reference must list every option the operator reads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/config.ts';

const README = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

describe('README', () => {
  it.each(Object.entries(OPTIONS))('documents --%s with its environment variable', (flag, spec) => {
    const row = README.split('\n').find((line) => line.startsWith(`| \`--${flag}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`\`${spec.env}\``);
  });

  it.each(Object.entries(OPTIONS))('states the default of --%s as the operator has it', (flag, spec) => {
    const row = README.split('\n').find((line) => line.startsWith(`| \`--${flag}\` |`));
    const stated = row?.split('|')[3]?.trim().replaceAll('`', '');
    expect(stated).toBe((spec as { default?: string }).default ?? '');
  });

  it('keeps the two-command quickstart', () => {
    expect(README).toContain('npm run dev');
    expect(README).toContain('npm test');
  });
});
