import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGE_NODE_FLAGS } from '../../../bench/compiled-operator.ts';

const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');

describe('IMAGE_NODE_FLAGS', () => {
  it('are the flags the image ENTRYPOINT gives Node, so --compiled measures what ships', () => {
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
    expect(entrypoint).toBeDefined();
    const argv = JSON.parse(entrypoint ?? '[]') as string[];
    const flags = argv.slice(1, argv.indexOf('/app/dist/cli/main.js'));
    expect(flags).toEqual(IMAGE_NODE_FLAGS);
  });
});

describe('the image build', () => {
  it('bundles dist/cli/main.js with the script --compiled uses (scripts/bundle-operator.ts)', () => {
    expect(dockerfile).toMatch(/^COPY scripts\/bundle-operator\.ts \.\/scripts\/$/m);
    expect(dockerfile).toMatch(/^RUN .*node scripts\/bundle-operator\.ts dist$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist \.\/dist$/m);
  });
});
