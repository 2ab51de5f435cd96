import { describe, expect, it } from 'vitest';
import { applyOutcome } from '../../../../../src/controllers/shared/frame/conditions.ts';
import type { LogicAppWorkflowStatus } from '../../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../../src/runtime/index.ts';
import { FakeClock } from '../../../../support/fake-clock.ts';

const clock = new FakeClock();
const at = (status: LogicAppWorkflowStatus, generation = 3) => ({ metadata: { generation }, status });
const types = (status: LogicAppWorkflowStatus) =>
  status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('applyOutcome (the frame, every kind)', () => {
  it('walks waiting → stalled → ready as kstatus InProgress → Failed → Current', () => {
    const status: LogicAppWorkflowStatus = {};
    applyOutcome(status, { kind: 'waiting', reason: 'WaitingForConfigMap', message: 'm' }, 3, clock);
    expect(types(status)).toEqual([
      'Ready=False/WaitingForConfigMap',
      'Reconciling=True/WaitingForConfigMap',
    ]);
    expect(status.observedGeneration).toBeUndefined();
    expect(computeKstatus(at(status))).toBe('InProgress');

    applyOutcome(status, { kind: 'stalled', reason: 'AlreadyOwned', message: 'adopt' }, 3, clock);
    expect(types(status)).toEqual(['Ready=False/AlreadyOwned', 'Stalled=True/AlreadyOwned']);
    expect(status.observedGeneration).toBe(3);
    expect(computeKstatus(at(status))).toBe('Failed');

    applyOutcome(status, { kind: 'ready' }, 3, clock);
    expect(types(status)).toEqual(['Ready=True/Succeeded']);
    expect(computeKstatus(at(status))).toBe('Current');
  });

  it('reports an invalid spec as Stalled/InvalidSpec and a released object not at all', () => {
    const status: LogicAppWorkflowStatus = {};
    applyOutcome(status, { kind: 'invalid', message: 'bad name' }, 2, clock);
    expect(types(status)).toEqual(['Ready=False/InvalidSpec', 'Stalled=True/InvalidSpec']);
    const before = structuredClone(status);
    applyOutcome(status, { kind: 'released' }, 2, clock);
    expect(status).toEqual(before);
  });

  it('keeps a Ready object Ready while Azure throttles it, but not a new generation', () => {
    const status: LogicAppWorkflowStatus = {};
    applyOutcome(status, { kind: 'ready' }, 3, clock);
    applyOutcome(status, { kind: 'waiting', reason: 'Throttled', message: 'busy', afterMs: 1000 }, 3, clock);
    expect(types(status)).toEqual(['Ready=True/Succeeded']);
    applyOutcome(status, { kind: 'waiting', reason: 'Throttled', message: 'busy', afterMs: 1000 }, 4, clock);
    expect(types(status)).toEqual(['Ready=False/Throttled', 'Reconciling=True/Throttled']);
  });
});
