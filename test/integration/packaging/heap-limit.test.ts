// The chart's memory settings go with the image's V8 heap cap (Dockerfile ENTRYPOINT, measured in
// docs/benchmark.md, "Memory"): the default limit leaves room above the cap, and a chart-set cap
// renders the image's own command with only --max-old-space-size changed.
import { describe, expect, it } from 'vitest';
import { IMAGE_NODE_FLAGS } from '../../../bench/compiled-operator.ts';
import { named, renderChart } from './support/rendered-chart.ts';

const TIMEOUT = 600_000;
const OLD_SPACE = /^--max-old-space-size=(\d+)$/;

interface Container {
  command?: string[];
  args: string[];
  resources: { requests?: { memory?: string }; limits?: { memory?: string } };
}

async function operatorContainer(values: Record<string, string> = {}): Promise<Container> {
  const deployment = named(await renderChart(values), 'Deployment', 'logicops') as unknown as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  return deployment.spec.template.spec.containers[0] as Container;
}

function mebibytes(quantity: string | undefined): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  if (!match) throw new Error(`expected a Mi or Gi quantity, got ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe('chart memory and the image heap cap', () => {
  const imageCap = Number(IMAGE_NODE_FLAGS.map((flag) => OLD_SPACE.exec(flag)?.[1]).find(Boolean));

  it('the image caps the old space', () => {
    expect(imageCap).toBeGreaterThan(0);
  });

  it(
    'by default runs the image entrypoint, with a limit at least the cap + 256 MiB of native memory',
    async () => {
      const container = await operatorContainer();
      expect(container.command).toBeUndefined();
      expect(container.args).toEqual(['run']);
      expect(mebibytes(container.resources.limits?.memory)).toBeGreaterThanOrEqual(imageCap + 256);
      expect(mebibytes(container.resources.requests?.memory)).toBeLessThanOrEqual(
        mebibytes(container.resources.limits?.memory),
      );
    },
    TIMEOUT,
  );

  it(
    'operator.maxOldSpaceSizeMiB renders the image command with only the cap changed',
    async () => {
      const container = await operatorContainer({ 'operator.maxOldSpaceSizeMiB': '512' });
      expect(container.command).toEqual([
        '/nodejs/bin/node',
        ...IMAGE_NODE_FLAGS.map((flag) => (OLD_SPACE.test(flag) ? '--max-old-space-size=512' : flag)),
        '/app/dist/cli/main.js',
      ]);
      expect(container.args).toEqual(['run']);
    },
    TIMEOUT,
  );
});
