import { describe, expect, it } from 'vitest';
import { escapeXml, renderConvergenceSvg, ticks } from '../../../bench/chart.ts';

const series = [
  { tMs: 0, workflowsReady: 0, bindingsReady: 0 },
  { tMs: 1000, workflowsReady: 1, bindingsReady: 0 },
  { tMs: 2000, workflowsReady: 2, bindingsReady: 2 },
];

describe('renderConvergenceSvg', () => {
  const svg = renderConvergenceSvg(series, {
    title: 'tiny <run>',
    workflows: 2,
    bindings: 2,
    lowerBoundMs: 1500,
  });

  it('is one standalone SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('draws one step line per kind through every sample', () => {
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]?.split(' ') ?? []);
    expect(lines).toHaveLength(2);
    // 3 samples: the first point, then a horizontal and a vertical point per later sample.
    expect(lines[0]).toHaveLength(5);
    // Plot area: x 64..776 over 0..2 s, y 40..372 over 0..2 objects.
    expect(lines[0]?.[0]).toBe('64,372');
    expect(lines[0]?.at(-1)).toBe('776,40');
  });

  it('marks the lower bound and escapes the title', () => {
    expect(svg).toContain('T_lb 1.5 s');
    expect(svg).toMatch(/<line x1="598" y1="40" x2="598" y2="372" stroke="#d62728" stroke-dasharray/);
    expect(svg).toContain('tiny &#60;run&#62;');
    expect(svg).not.toContain('<run>');
  });

  it('leaves the bindings line out when there are no bindings', () => {
    const only = renderConvergenceSvg(series, { title: 't', workflows: 2, bindings: 0 });
    expect(only.match(/<polyline/g)).toHaveLength(1);
    expect(only).not.toContain('T_lb');
  });

  it('draws axes even for an empty series', () => {
    const empty = renderConvergenceSvg([], { title: 't', workflows: 0, bindings: 0 });
    expect(empty).not.toContain('<polyline');
    expect(empty).toContain('Ready objects');
  });
});

describe('ticks', () => {
  it('picks round steps of 1, 2 or 5 × 10^k', () => {
    expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(ticks(3)).toEqual([0, 1, 2, 3]);
    expect(ticks(0)).toEqual([0]);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });
});
