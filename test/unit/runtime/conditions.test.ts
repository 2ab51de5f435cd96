import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  findCondition,
  formatConditionTime,
  type KstatusFields,
  markReady,
  markReconciling,
  markStalled,
  removeCondition,
  setCondition,
} from '../../../src/runtime/conditions.ts';
import { computeKstatus } from '../../../src/runtime/kstatus.ts';
import { FakeClock } from '../../support/fake-clock.ts';

describe('setCondition', () => {
  it('adds a new condition with the current time as its transition time', () => {
    const conditions: Condition[] = [];
    const changed = setCondition(
      conditions,
      { type: 'Ready', status: 'False', reason: 'Progressing' },
      1_000_500,
    );
    expect(changed).toBe(true);
    expect(conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: '',
        lastTransitionTime: '1970-01-01T00:16:40Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when only reason, message or observedGeneration change', () => {
    const conditions: Condition[] = [];
    setCondition(
      conditions,
      { type: 'Ready', status: 'False', reason: 'Progressing', observedGeneration: 1 },
      0,
    );
    const changed = setCondition(
      conditions,
      { type: 'Ready', status: 'False', reason: 'Throttled', message: 'ARM said 429', observedGeneration: 2 },
      60_000,
    );
    expect(changed).toBe(true);
    expect(conditions[0]).toMatchObject({
      reason: 'Throttled',
      message: 'ARM said 429',
      observedGeneration: 2,
      lastTransitionTime: '1970-01-01T00:00:00Z',
    });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const conditions: Condition[] = [];
    setCondition(conditions, { type: 'Ready', status: 'False', reason: 'Progressing' }, 0);
    setCondition(conditions, { type: 'Ready', status: 'True', reason: 'Succeeded' }, 90_000);
    expect(conditions[0]?.lastTransitionTime).toBe('1970-01-01T00:01:30Z');
  });

  it('reports no change when the same condition is set again', () => {
    const conditions: Condition[] = [];
    const input = { type: 'Ready', status: 'True', reason: 'Succeeded', observedGeneration: 3 } as const;
    setCondition(conditions, input, 0);
    const snapshot = structuredClone(conditions);
    expect(setCondition(conditions, input, 500_000)).toBe(false);
    expect(conditions).toEqual(snapshot);
  });

  it('removes a condition and says whether it was there', () => {
    const conditions: Condition[] = [];
    setCondition(conditions, { type: 'Stalled', status: 'True', reason: 'InvalidSpec' }, 0);
    expect(removeCondition(conditions, 'Stalled')).toBe(true);
    expect(removeCondition(conditions, 'Stalled')).toBe(false);
    expect(conditions).toEqual([]);
  });

  it('formats times like metav1.Time (seconds, Z)', () => {
    expect(formatConditionTime(Date.UTC(2026, 2, 4, 5, 6, 7, 890))).toBe('2026-03-04T05:06:07Z');
  });
});

describe('kstatus summaries', () => {
  const object = (generation: number, status: KstatusFields) => ({ metadata: { generation }, status });

  it('is InProgress from the first reconcile on, with Ready written (not absent)', () => {
    const clock = new FakeClock();
    const status: KstatusFields = {};
    markReconciling(status, { generation: 1, reason: 'Progressing', message: 'Creating workflow' }, clock);
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'Progressing',
    });
    expect(findCondition(status.conditions, 'Reconciling')).toMatchObject({
      status: 'True',
      reason: 'Progressing',
    });
    expect(status.observedGeneration).toBeUndefined();
    expect(computeKstatus(object(1, status))).toBe('InProgress');
  });

  it('is Current when ready, with Reconciling and Stalled gone and observedGeneration bumped', () => {
    const clock = new FakeClock();
    const status: KstatusFields = {};
    markStalled(status, { generation: 1, reason: 'InvalidSpec', message: 'bad' }, clock);
    markReconciling(status, { generation: 2, reason: 'Progressing' }, clock);
    markReady(status, { generation: 2 }, clock);
    expect(status.conditions?.map((c) => c.type)).toEqual(['Ready']);
    expect(status.conditions?.[0]).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
      observedGeneration: 2,
    });
    expect(status.observedGeneration).toBe(2);
    expect(computeKstatus(object(2, status))).toBe('Current');
  });

  it('is Failed when stalled, so Flux fails fast', () => {
    const clock = new FakeClock();
    const status: KstatusFields = {};
    markReconciling(status, { generation: 4, reason: 'Progressing' }, clock);
    markStalled(status, { generation: 4, reason: 'AuthorizationFailed', message: 'no role' }, clock);
    expect(findCondition(status.conditions, 'Reconciling')).toBeUndefined();
    expect(status.observedGeneration).toBe(4);
    expect(computeKstatus(object(4, status))).toBe('Failed');
  });

  it('is InProgress when a new generation has not been observed yet', () => {
    const clock = new FakeClock();
    const status: KstatusFields = {};
    markReady(status, { generation: 1 }, clock);
    expect(computeKstatus(object(2, status))).toBe('InProgress');
  });

  it('keeps Ready.lastTransitionTime while the reason changes among not-ready states', async () => {
    const clock = new FakeClock();
    const status: KstatusFields = {};
    markReconciling(status, { generation: 1, reason: 'Progressing' }, clock);
    const first = findCondition(status.conditions, 'Ready')?.lastTransitionTime;
    await clock.advance(120_000);
    markStalled(status, { generation: 1, reason: 'QuotaExceeded' }, clock);
    expect(findCondition(status.conditions, 'Ready')?.lastTransitionTime).toBe(first);
    await clock.advance(120_000);
    markReady(status, { generation: 1 }, clock);
    expect(findCondition(status.conditions, 'Ready')?.lastTransitionTime).not.toBe(first);
  });

  it('stays consistent for any sequence of summaries', () => {
    type Step = { kind: 'ready' | 'reconciling' | 'stalled'; generation: number; reason: string };
    const step = fc.record({
      kind: fc.constantFrom<Step['kind']>('ready', 'reconciling', 'stalled'),
      generation: fc.integer({ min: 1, max: 5 }),
      reason: fc.constantFrom('Progressing', 'Throttled', 'InvalidSpec', 'QuotaExceeded'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
        const clock = new FakeClock();
        const status: KstatusFields = {};
        for (const s of steps) {
          if (s.kind === 'ready') markReady(status, { generation: s.generation }, clock);
          if (s.kind === 'reconciling') markReconciling(status, s, clock);
          if (s.kind === 'stalled') markStalled(status, s, clock);
        }
        const last = steps.at(-1)!;
        const types = status.conditions?.map((c) => c.type) ?? [];
        // One entry per type, Ready always there, never Reconciling and Stalled together.
        expect(new Set(types).size).toBe(types.length);
        expect(types).toContain('Ready');
        expect(types.includes('Reconciling') && types.includes('Stalled')).toBe(false);
        const expected = { ready: 'Current', reconciling: 'InProgress', stalled: 'Failed' }[last.kind];
        expect(computeKstatus(object(last.generation, status))).toBe(expected);
      }),
    );
  });
});
