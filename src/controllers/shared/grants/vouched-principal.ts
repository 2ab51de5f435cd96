// The principal a grant may be made to: the one the workflow controller vouches for (its identity
// record, written after the namespace policy and ownership checks, from what Azure reported),
// never the workflow's status. Every kind that grants a workflow's principal asks here, and
// revokes what it recorded when the answer is not `vouched`: a workflow going away (guarantee 5:
// the workflow waits for its grants; grants revoke, then wait for the workflow), missing, or
// without a principal logicops vouches for — logicops grants only principals of workflows it
// manages.
import { ConditionType, IdentityType, type LogicAppWorkflow, Reason } from '../../../crds/index.ts';
import { objectKey, type WatchedSource } from '../../../runtime/index.ts';
import type { Outcome } from '../frame/outcome.ts';
import type { IdentityRecord } from '../records/record-configmap.ts';
import type { WorkflowIdentities } from './workflow-identities.ts';

export interface PrincipalSources {
  workflows: WatchedSource<LogicAppWorkflow>;
  identities: WorkflowIdentities;
}

export type PrincipalLookup =
  | { kind: 'vouched'; workflow: LogicAppWorkflow; identity: IdentityRecord }
  | {
      kind: 'unavailable';
      /** The identity record of a workflow that is being deleted, if any (for a legacy ledger's check). */
      identity?: IdentityRecord;
      /** What to wait for, once what was granted before is revoked (`revoked`: there was a grant). */
      waiting(revoked: boolean): Outcome;
    };

export function lookUpPrincipal(
  sources: PrincipalSources,
  namespace: string,
  workflowName: string,
): PrincipalLookup {
  const workflow = sources.workflows.get(objectKey({ namespace, name: workflowName }));
  const identity = workflow ? sources.identities.of(namespace, workflowName) : undefined;
  if (workflow?.metadata.deletionTimestamp) {
    return {
      kind: 'unavailable',
      ...(identity ? { identity } : {}),
      waiting: () => ({
        kind: 'waiting',
        reason: Reason.WaitingForWorkflow,
        message: `LogicAppWorkflow ${workflowName} is being deleted; the grant was revoked`,
      }),
    };
  }
  if (workflow && identity) return { kind: 'vouched', workflow, identity };
  // No polling: the workflow and records watches wake the grant when the workflow appears or its
  // identity is recorded (and resync backs that up). A poll cost every grant of a bulk apply a
  // pass every 30 s while its workflow waited for ARM's write budget.
  return {
    kind: 'unavailable',
    waiting: (revoked) => {
      const afterRevoke = revoked ? '; the grant of its previous principal was revoked' : '';
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
    },
  };
}

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
