import { describe, expect, it } from 'vitest';
import { applyStatusDraft, type StatusDraft } from '../../../../src/controllers/logic-app-workflow/status.ts';
import type { LogicAppWorkflowStatus } from '../../../../src/crds/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const clock = new FakeClock();
const types = (status: LogicAppWorkflowStatus) =>
  status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('applyStatusDraft', () => {
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
