import { describe, expect, it } from 'vitest';
import { applyStatusDraft, type StatusDraft } from '../../../../src/controllers/logic-app-workflow/status.ts';
import type { LogicAppWorkflowStatus } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const clock = new FakeClock();
const at = (status: LogicAppWorkflowStatus, generation = 3) => ({ metadata: { generation }, status });
const types = (status: LogicAppWorkflowStatus) =>
  status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('applyStatusDraft', () => {
  it('walks waiting → stalled → ready as kstatus InProgress → Failed → Current', () => {
    const status: LogicAppWorkflowStatus = {};
    applyStatusDraft(
      status,
      { outcome: { kind: 'reconciling', reason: 'WaitingForConfigMap', message: 'm' } },
      3,
      clock,
    );
    expect(types(status)).toEqual([
      'Ready=False/WaitingForConfigMap',
      'Reconciling=True/WaitingForConfigMap',
    ]);
    expect(status.observedGeneration).toBeUndefined();
    expect(computeKstatus(at(status))).toBe('InProgress');

    applyStatusDraft(
      status,
      { outcome: { kind: 'stalled', reason: 'AlreadyOwned', message: 'adopt' } },
      3,
      clock,
    );
    expect(types(status)).toEqual(['Ready=False/AlreadyOwned', 'Stalled=True/AlreadyOwned']);
    expect(status.observedGeneration).toBe(3);
    expect(computeKstatus(at(status))).toBe('Failed');

    applyStatusDraft(status, { outcome: { kind: 'ready' } }, 3, clock);
    expect(types(status)).toEqual(['Ready=True/Succeeded']);
    expect(computeKstatus(at(status))).toBe('Current');
  });

  it('records observed fields, identity, quota and the handled reconcile request', () => {
    const status: LogicAppWorkflowStatus = {};
    const draft: StatusDraft = {
      observed: { resourceId: '/id', provisioningState: 'Succeeded', accessEndpoint: undefined },
      identity: { type: 'SystemAssigned', principalId: 'p', tenantId: undefined },
      quota: {
        usage: [{ name: 'WorkflowsPerRegion', scope: 's', used: 3, limit: 3 }],
        exceeded: true,
        message: 'full',
      },
      reconcileRequest: 'now',
      outcome: { kind: 'stalled', reason: 'QuotaExceeded', message: 'full' },
    };
    applyStatusDraft(status, draft, 1, clock);
    expect(status).toMatchObject({
      resourceId: '/id',
      provisioningState: 'Succeeded',
      identity: { type: 'SystemAssigned', principalId: 'p' },
      quota: [{ name: 'WorkflowsPerRegion', used: 3, limit: 3 }],
      lastHandledReconcileRequest: 'now',
    });
    expect('accessEndpoint' in status).toBe(false);
    expect('tenantId' in (status.identity ?? {})).toBe(false);
    expect(types(status)).toContain('QuotaAvailable=False/QuotaExceeded');
  });

  it('changes nothing for an empty draft (so no status write follows)', () => {
    const status: LogicAppWorkflowStatus = { observedGeneration: 2, conditions: [] };
    const before = structuredClone(status);
    applyStatusDraft(status, {}, 2, clock);
    expect(status).toEqual(before);
  });
});
