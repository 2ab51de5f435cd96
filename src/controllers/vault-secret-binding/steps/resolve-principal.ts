// The principal comes from the referenced LogicAppWorkflow's status (same namespace). A
// workflow that is going away gets its grant revoked here, so the workflow controller can
// delete it (guarantee 5: it waits for bindings; bindings revoke, then wait for the workflow).
import { Reason } from '../../../crds/index.ts';
import { objectKey } from '../../../runtime/index.ts';
import { revokeGrant } from '../revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = async (run) => {
  const namespace = run.current.metadata.namespace ?? '';
  const workflowName = run.spec.workflowRef.name;
  const workflow = run.shared.workflows.get(objectKey({ namespace, name: workflowName }));
  if (workflow?.metadata.deletionTimestamp) {
    await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
    const record = run.record;
    if (record) {
      await run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record));
    }
    return {
      kind: 'waiting',
      reason: Reason.WaitingForWorkflow,
      message: `LogicAppWorkflow ${workflowName} is being deleted; the grant was revoked`,
    };
  }
  const identity = workflow?.status?.identity;
  if (!workflow || !identity?.principalId) {
    return {
      kind: 'waiting',
      reason: Reason.WaitingForPrincipal,
      message: workflow
        ? `LogicAppWorkflow ${workflowName} has no managed identity principal yet`
        : `LogicAppWorkflow ${workflowName} does not exist (yet)`,
      // No polling: the workflow watch wakes this binding when the workflow appears or its
      // identity changes (and resync backs that up). A poll cost every binding of a bulk apply
      // a pass every 30 s while its workflow waited for ARM's write budget.
    };
  }
  run.principal = {
    principalId: identity.principalId,
    ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
  };
  run.observed.principalId = identity.principalId;
  const grantedBefore =
    run.record?.phase === 'Granted' &&
    run.record.principalId.toLowerCase() === identity.principalId.toLowerCase();
  const ageMs = run.shared.principals.ageMs(identity.principalId, identity.principalObservedAt);
  run.principalIsNew = ageMs < run.shared.principals.windowMs && !grantedBefore;
  // Only a recorded first sighting can hold Ready (process memory would hold it again on every restart).
  if (identity.principalObservedAt) run.principalAgeMs = ageMs;
  return undefined;
};
