// Step: record the identity Azure reports (docs/design.md guarantee 1) and vouch for its principal
// (vouched-identity.ts): bindings grant only that. System-assigned: the principal from the
// workflow's own PUT/GET response. User-assigned: the identity's principal, read through the
// IdentityGateway (logicops never creates or deletes one). None: nothing to vouch for.
import { parseResourceId } from '../../../azure/index.ts';
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { vouchFor, withdrawIdentity } from '../vouched-identity.ts';

const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

export const recordIdentity: Step = async (run) => {
  const type = run.spec.identity?.type ?? 'SystemAssigned';
  if (type === 'None') {
    await withdrawIdentity(run);
    run.status.identity = { type };
    return undefined;
  }
  if (type === 'UserAssigned') {
    run.status.identity = await vouchFor(run, await userAssigned(run));
    return undefined;
  }
  const principalId = run.observed?.identity.principalId;
  if (!principalId) {
    return {
      kind: 'waiting',
      reason: Reason.Progressing,
      message: 'Waiting for Azure to report the principal of the system-assigned identity.',
      afterMs: Math.min(run.waitPollMs, 5_000),
    };
  }
  const tenantId = run.observed?.identity.tenantId;
  run.status.identity = await vouchFor(run, { type, principalId, ...(tenantId ? { tenantId } : {}) });
  return undefined;
};

async function userAssigned(run: WorkflowRun) {
  const id = run.spec.identity.userAssignedIdentityId ?? '';
  const { subscriptionId } = parseResourceId(id, IDENTITY_TYPE);
  const identity = await run
    .gatewaysIn(subscriptionId)
    .identities.getUserAssigned(id, { signal: run.signal });
  if (!identity) {
    await withdrawIdentity(run);
    throw new StalledError(
      Reason.InvalidSpec,
      `User-assigned identity ${id} does not exist: create it (logicops never creates identities) or correct spec.identity.userAssignedIdentityId.`,
    );
  }
  return {
    type: 'UserAssigned' as const,
    principalId: identity.principalId,
    tenantId: identity.tenantId,
    userAssignedIdentityId: identity.id,
  };
}
