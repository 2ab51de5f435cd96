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
import type { PrincipalAges } from './principal-ages.ts';
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

export interface PrincipalFacts {
  principal: { principalId: string; tenantId?: string };
  /** Since the workflow controller first recorded the principal (the propagation hold counts from here). */
  ageMs: number;
  /** Within Entra ID's replication window and never granted yet: lag errors mean "wait". */
  isNew: boolean;
}

/** What a grant needs to know of the vouched identity; `grantedTo`: the principal its record says was granted, if Granted. */
export function principalFacts(
  identity: IdentityRecord,
  principals: PrincipalAges,
  grantedTo: string | undefined,
): PrincipalFacts {
  const ageMs = principals.ageMs(identity.principalId, identity.principalObservedAt);
  const grantedBefore = grantedTo?.toLowerCase() === identity.principalId.toLowerCase();
  return {
    principal: {
      principalId: identity.principalId,
      ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
    },
    ageMs,
    isNew: ageMs < principals.windowMs && !grantedBefore,
  };
}

/** What a kind's per-pass state offers the shared principal step. */
export interface GrantingRun {
  object: { metadata: { namespace?: string } };
  spec: { workflowRef: { name: string } };
  shared: PrincipalSources & { principals: PrincipalAges };
  record: { phase: string; principalId: string } | undefined;
  principal?: PrincipalFacts['principal'];
  observed: { principalId?: string };
  principalIsNew: boolean;
  principalAgeMs?: number;
}

/**
 * The step every granting kind runs: the vouched principal onto the run, or — when there is
 * none — what the record granted revoked (`revokeRecorded`, the kind's own) and the wait.
 * `withIdentity` runs first with whatever identity record there is (a binding's legacy ledger).
 */
export async function resolveVouchedPrincipal(
  run: GrantingRun,
  revokeRecorded: () => Promise<{ revoked: boolean; heldBack?: Outcome }>,
  withIdentity?: (identity: IdentityRecord | undefined) => Promise<void>,
): Promise<Outcome | undefined> {
  const lookup = lookUpPrincipal(run.shared, run.object.metadata.namespace ?? '', run.spec.workflowRef.name);
  await withIdentity?.(lookup.identity);
  if (lookup.kind === 'unavailable') {
    const revoke = await revokeRecorded();
    if (revoke.heldBack) return revoke.heldBack;
    return lookup.waiting(revoke.revoked);
  }
  const record = run.record;
  const facts = principalFacts(
    lookup.identity,
    run.shared.principals,
    record?.phase === 'Granted' ? record.principalId : undefined,
  );
  run.principal = facts.principal;
  run.observed.principalId = facts.principal.principalId;
  run.principalIsNew = facts.isNew;
  run.principalAgeMs = facts.ageMs;
  return undefined;
}
