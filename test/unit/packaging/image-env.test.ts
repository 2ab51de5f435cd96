// The image's environment for the operator (Dockerfile `ENV` in the final stage) is what
// `npm run bench -- --compiled` gives the operator (IMAGE_ENV), so the bench measures what ships.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGE_ENV } from '../../../bench/compiled-operator.ts';

const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');

/** `ENV NAME=value` lines of the last stage (after the last FROM), NODE_ENV aside. */
function finalStageEnv(text: string): Record<string, string> {
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const match of lastStage.matchAll(/^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/gm)) {
    const [, name, value] = match;
    if (name && value !== undefined && name !== 'NODE_ENV') env[name] = value;
  }
  return env;
}

describe('IMAGE_ENV', () => {
  it('is the environment the image sets (besides NODE_ENV)', () => {
    expect(finalStageEnv(dockerfile)).toEqual(IMAGE_ENV);
  });

  it('sets glibc’s mmap threshold to a number of bytes', () => {
    expect(IMAGE_ENV.MALLOC_MMAP_THRESHOLD_).toMatch(/^\d+$/);
  });
});
