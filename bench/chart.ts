// The convergence curve as a standalone SVG: Ready objects over time per kind, with the lower
// bound T_lb as a dashed vertical line, so "how far from the limit ARM sets" is visible at a
// glance. Pure string building: no chart library, no DOM.

export interface ReadySample {
  /** Milliseconds since the first object was created. */
  tMs: number;
  workflowsReady: number;
  bindingsReady: number;
  /** WorkflowRoleAssignments Ready (issue 24; absent in runs without grants). Not drawn. */
  roleGrantsReady?: number;
}

export interface ChartOptions {
  title: string;
  workflows: number;
  bindings: number;
  lowerBoundMs?: number;
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 24, top: 40, bottom: 48 };
const COLORS = { workflows: '#1f77b4', bindings: '#ff7f0e', bound: '#d62728', axis: '#333', grid: '#ddd' };

export function renderConvergenceSvg(samples: readonly ReadySample[], options: ChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 420;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const lastMs = samples.at(-1)?.tMs ?? 0;
  const maxMs = niceCeiling(Math.max(lastMs, options.lowerBoundMs ?? 0, 1000));
  const maxY = Math.max(options.workflows, options.bindings, 1);
  const x = (ms: number) => MARGIN.left + (ms / maxMs) * plotWidth;
  const y = (count: number) => MARGIN.top + plotHeight - (count / maxY) * plotHeight;
  const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
  ];
  for (const tick of ticks(maxMs)) {
    parts.push(
      `<line x1="${fmt(x(tick))}" y1="${MARGIN.top}" x2="${fmt(x(tick))}" y2="${MARGIN.top + plotHeight}" stroke="${COLORS.grid}"/>`,
      `<text x="${fmt(x(tick))}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${fmt(tick / 1000)}</text>`,
    );
  }
  for (const tick of ticks(maxY)) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${fmt(y(tick))}" x2="${MARGIN.left + plotWidth}" y2="${fmt(y(tick))}" stroke="${COLORS.grid}"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end">${fmt(tick)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="${COLORS.axis}"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">seconds since the first create</text>`,
    `<text x="16" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotHeight / 2})">Ready objects</text>`,
  );

  const line = (pick: (s: ReadySample) => number, color: string, label: string, row: number) => {
    if (samples.length > 0) {
      // A step line: the count holds until the next sample saw it change.
      const points: string[] = [];
      let previous: number | undefined;
      for (const sample of samples) {
        const value = pick(sample);
        if (previous !== undefined) points.push(`${fmt(x(sample.tMs))},${fmt(y(previous))}`);
        points.push(`${fmt(x(sample.tMs))},${fmt(y(value))}`);
        previous = value;
      }
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    }
    const legendY = MARGIN.top + 14 + row * 16;
    parts.push(
      `<line x1="${MARGIN.left + 10}" y1="${legendY - 4}" x2="${MARGIN.left + 30}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${MARGIN.left + 36}" y="${legendY}">${escapeXml(label)}</text>`,
    );
  };
  line((s) => s.workflowsReady, COLORS.workflows, `workflows Ready (of ${options.workflows})`, 0);
  if (options.bindings > 0) {
    line((s) => s.bindingsReady, COLORS.bindings, `bindings Ready (of ${options.bindings})`, 1);
  }
  if (options.lowerBoundMs !== undefined) {
    const bx = fmt(x(options.lowerBoundMs));
    parts.push(
      `<line x1="${bx}" y1="${MARGIN.top}" x2="${bx}" y2="${MARGIN.top + plotHeight}" stroke="${COLORS.bound}" stroke-dasharray="6 4" stroke-width="1.5"/>`,
      `<text x="${bx}" y="${MARGIN.top - 4}" text-anchor="middle" fill="${COLORS.bound}">T_lb ${fmt(options.lowerBoundMs / 1000)} s</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Up to about six round tick values from 0 to max (steps of 1, 2 or 5 × 10^k). */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? magnitude * 10;
  const values: number[] = [];
  for (let value = 0; value <= max + step * 1e-9; value += step) values.push(Math.round(value * 1e6) / 1e6);
  return values;
}

function niceCeiling(value: number): number {
  const t = ticks(value);
  const step = (t[1] ?? value) - (t[0] ?? 0);
  return Math.ceil(value / step) * step;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
