// The principal to grant is the one the workflow controller vouches for (its operator record,
// written after the namespace policy and ownership checks, from what Azure reported), never the
// workflow's status. A workflow that is going away gets its grant revoked here, so the workflow
// controller can delete it (guarantee 5: it waits for bindings; bindings revoke, then wait for
// the workflow). A grant whose principal is no longer vouched for — the workflow is gone, left
// the namespace policy, lost its ownership or its identity — is revoked too: logicops grants
// only principals of workflows it manages.
import { ConditionType, IdentityType, type LogicAppWorkflow, Reason } from '../../../crds/index.ts';
import { objectKey } from '../../../runtime/index.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import type { BindingRun } from '../context.ts';
import { adoptLegacyLedger } from '../ledger/legacy-ledger.ts';
import { revokeGrant } from '../revoke/revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = async (run) => {
  const namespace = run.object.metadata.namespace ?? '';
  const workflowName = run.spec.workflowRef.name;
  const workflow = run.shared.workflows.get(objectKey({ namespace, name: workflowName }));
  const identity = workflow ? run.shared.identities.of(namespace, workflowName) : undefined;
  await adoptLegacyLedger(run, identity);
  if (workflow?.metadata.deletionTimestamp) {
    const revoke = await revokeRecorded(run);
    if (revoke.heldBack) return revoke.heldBack;
    return {
      kind: 'waiting',
      reason: Reason.WaitingForWorkflow,
      message: `LogicAppWorkflow ${workflowName} is being deleted; the grant was revoked`,
    };
  }
  if (!workflow || !identity) {
    const revoke = await revokeRecorded(run);
    if (revoke.heldBack) return revoke.heldBack;
    const afterRevoke = revoke.revoked ? '; the grant of its previous principal was revoked' : '';
    // No polling: the workflow and records watches wake this binding when the workflow appears
    // or its identity is recorded (and resync backs that up). A poll cost every binding of a
    // bulk apply a pass every 30 s while its workflow waited for ARM's write budget.
    if (!workflow) {
      return {
        kind: 'waiting',
        reason: Reason.WaitingForWorkflow,
        message: `LogicAppWorkflow ${workflowName} does not exist (yet) in namespace ${namespace}${afterRevoke}`,
      };
    }
    return {
      kind: 'waiting',
      reason: Reason.WaitingForPrincipal,
      message: `LogicAppWorkflow ${workflowName} has no managed identity principal that logicops vouches for${whyNoPrincipal(workflow)}${afterRevoke}`,
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
  run.principalAgeMs = ageMs;
  return undefined;
};

/** What the workflow's own status says about its missing principal (a hint for people; decides nothing). */
function whyNoPrincipal(workflow: LogicAppWorkflow): string {
  if (workflow.spec.identity?.type === IdentityType.None) {
    return ': its spec.identity.type is None. Give it a SystemAssigned or UserAssigned identity';
  }
  const ready = workflow.status?.conditions?.find((condition) => condition.type === ConditionType.Ready);
  if (ready?.status !== 'True') {
    return ` (yet): the workflow is not Ready${ready?.reason ? ` (${ready.reason})` : ''}`;
  }
  return ' (yet)';
}

/**
 * Revokes what the ledger records (after an add of ours still in flight settled): whether there
 * was one, or the outcome that held the revoke back (paused).
 */
async function revokeRecorded(run: BindingRun): Promise<{ revoked: boolean; heldBack?: Outcome }> {
  await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
  const record = run.record;
  if (!record) return { revoked: false };
  const heldBack = await run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record));
  return heldBack ? { revoked: false, heldBack } : { revoked: true };
}
