// The operator's bundle (what the image runs, scripts/bundle-operator.ts) is the product only: no
// module of the Azure emulator, the control-plane harness, the certificate authority they share,
// the dev tooling (dev/) or test support. Checked on esbuild's own list of the bundle's inputs
// (its metafile), built in memory with the image's options.
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { operatorBuildOptions } from '../../../scripts/bundle-operator.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const NOT_IN_THE_OPERATOR = [
  'packages/azure-emulator',
  'packages/control-plane',
  'packages/tiny-ca',
  'dev',
  'test',
].map((dir) => path.join(REPO, dir) + path.sep);

let inputs: string[] = [];

beforeAll(async () => {
  const result = await build({
    ...operatorBuildOptions(path.join(REPO, '.tmp/unused')),
    write: false,
    metafile: true,
  });
  // Metafile paths are relative to absWorkingDir; symlinks (node_modules/@logicops/*) are resolved.
  inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(REPO, input));
}, 120_000);

describe('the operator bundle', () => {
  it('is built from the operator source and its runtime dependencies', () => {
    expect(inputs).toContain(path.join(REPO, 'src/cli/main.ts'));
    expect(inputs).toContain(path.join(REPO, 'src/operator.ts'));
    expect(
      inputs.some((input) => input.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`)),
    ).toBe(true);
  });

  it('contains no emulator, control-plane harness, dev tooling or test support module', () => {
    const strays = inputs.filter(
      (input) =>
        NOT_IN_THE_OPERATOR.some((dir) => input.startsWith(dir)) ||
        input.includes(`${path.sep}@logicops${path.sep}`),
    );
    expect(strays.map((input) => path.relative(REPO, input))).toEqual([]);
  });
});
