import { describe, expect, it } from 'vitest';
import {
  ACCESS_POLICY_WRITE,
  type CounterSnapshot,
  counterDelta,
  perObjectFigures,
  ROLE_ASSIGNMENT_WRITE,
  steadyStateFigures,
  WORKFLOW_WRITE,
} from '../../../bench/arm-figures.ts';

function snapshot(parts: {
  reads?: number;
  writes?: number;
  deletes?: number;
  throttled?: { reads?: number; writes?: number; deletes?: number };
  ops?: Record<string, number>;
}): CounterSnapshot {
  const t = parts.throttled ?? {};
  return {
    reads: parts.reads ?? 0,
    writes: parts.writes ?? 0,
    deletes: parts.deletes ?? 0,
    actions: 0,
    byOperation: Object.fromEntries(
      Object.entries(parts.ops ?? {}).map(([op, count]) => [op, { count, errors: 0 }]),
    ),
    byBucket: {
      reads: { requests: parts.reads ?? 0, throttled: t.reads ?? 0 },
      writes: { requests: parts.writes ?? 0, throttled: t.writes ?? 0 },
      deletes: { requests: parts.deletes ?? 0, throttled: t.deletes ?? 0 },
    },
  };
}

describe('counterDelta', () => {
  it('subtracts field by field, operations absent before counting from zero', () => {
    const before = snapshot({
      reads: 10,
      writes: 2,
      throttled: { reads: 1 },
      ops: { [WORKFLOW_WRITE]: 2, x: 5 },
    });
    const after = snapshot({
      reads: 40,
      writes: 9,
      deletes: 1,
      throttled: { reads: 1, writes: 3 },
      ops: { [WORKFLOW_WRITE]: 6, [ACCESS_POLICY_WRITE]: 1, x: 5 },
    });
    expect(counterDelta(before, after)).toEqual({
      reads: 30,
      writes: 7,
      deletes: 1,
      throttled: 3,
      throttledWrites: 3,
      byOperation: { [WORKFLOW_WRITE]: 4, [ACCESS_POLICY_WRITE]: 1 },
    });
  });
});

describe('perObjectFigures', () => {
  it('divides workflow PUTs by workflows and grant writes by bindings', () => {
    const delta = counterDelta(
      snapshot({}),
      snapshot({
        reads: 300,
        writes: 110,
        throttled: { writes: 2 },
        ops: { [WORKFLOW_WRITE]: 105, [ACCESS_POLICY_WRITE]: 3, [ROLE_ASSIGNMENT_WRITE]: 2 },
      }),
    );
    const figures = perObjectFigures(delta, { workflows: 100, bindings: 100 });
    expect(figures).toEqual({
      reads: 300,
      writes: 110,
      throttled: 2,
      workflowWrites: 105,
      grantWrites: 5,
      writesPerWorkflow: 1.05,
      grantWritesPerBinding: 0.05,
      writesPerObject: 0.55,
      readsPerObject: 1.5,
    });
  });

  it("leaves the role grants' role-assignment PUTs out of the bindings' grant writes, and counts grants as objects", () => {
    const delta = counterDelta(
      snapshot({}),
      snapshot({ writes: 60, ops: { [WORKFLOW_WRITE]: 10, [ROLE_ASSIGNMENT_WRITE]: 50 } }),
    );
    const figures = perObjectFigures(delta, { workflows: 10, bindings: 10, roleGrants: 40 }, 40);
    expect(figures.grantWrites).toBe(10);
    expect(figures.grantWritesPerBinding).toBe(1);
    expect(figures.writesPerObject).toBe(1);
  });

  it('has no per-binding figure without bindings', () => {
    const figures = perObjectFigures(counterDelta(snapshot({}), snapshot({ writes: 1 })), {
      workflows: 1,
      bindings: 0,
    });
    expect(figures.grantWritesPerBinding).toBeUndefined();
    expect(figures.writesPerWorkflow).toBe(0);
  });
});

describe('steadyStateFigures', () => {
  it('normalises reads per object per resync period', () => {
    const delta = counterDelta(snapshot({}), snapshot({ reads: 80 }));
    const figures = steadyStateFigures(delta, { workflows: 10, bindings: 10 }, 40_000, 20_000);
    expect(figures.resyncPeriods).toBe(2);
    expect(figures.readsPerObjectPerPeriod).toBe(2);
    expect(figures.writes).toBe(0);
  });
});
