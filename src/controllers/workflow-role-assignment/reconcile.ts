// The WorkflowRoleAssignment kind in the reconcile frame (controllers/shared/frame/reconcile-frame.ts).
//
//   spec:    the scope's form, then the role: unknown, custom, or able to change authorization
//            → InvalidSpec before anything else (no finalizer, no Azure call)
//   apply:   actor → namespace policy (scope and role) → the vouched principal → the role
//            assignment (one GET at steady state) → principal propagation hold
//   cleanup: policy Delete: revoke exactly what the record says; Orphan: keep the assignment,
//            forget the record. A failed revoke keeps the finalizer.
import type { WorkflowRoleAssignment, WorkflowRoleAssignmentStatus } from '../../crds/index.ts';
import type { ReconcileFn } from '../../runtime/index.ts';
import { WORKFLOW_ROLE_ASSIGNMENT_RESOURCE } from '../resource-kinds.ts';
import { reconcileWithFrame } from '../shared/frame/reconcile-frame.ts';
import { propagationHold } from '../shared/grants/propagation-hold.ts';
import { actingAs } from '../shared/namespace-actors.ts';
import { RoleGrantRun, type RoleGrantShared } from './context.ts';
import { revokeRoleGrant } from './revoke.ts';
import { roleAssignmentSpecProblem } from './spec-problem.ts';
import { projectRoleGrantStatus } from './status.ts';
import { resolveAzureActor } from './steps/azure-actor.ts';
import { checkNamespacePolicy } from './steps/check-namespace-policy.ts';
import { ensureRoleAssignment } from './steps/ensure-role-assignment.ts';
import { resolvePrincipal } from './steps/resolve-principal.ts';
import type { Step } from './steps/step.ts';

const holdForPropagation: Step = async (run) =>
  propagationHold(run.shared.settings.principalPropagationMs, run.principalAgeMs, run.principal?.principalId);

const APPLY_STEPS: readonly Step[] = [
  resolveAzureActor,
  checkNamespacePolicy,
  resolvePrincipal,
  ensureRoleAssignment,
  holdForPropagation,
];

const revokeOrOrphan: Step = async (run) => {
  const record = run.record;
  if (!record) return undefined;
  if (run.spec.deletionPolicy !== 'Orphan') {
    // Revoked as the namespace's own actor; an unusable credential keeps the finalizer, with its reason.
    await resolveAzureActor(run);
    return revokeRoleGrant(run, record);
  }
  await run.writeRecord(undefined);
  await run.event(
    'Normal',
    'Orphaned',
    'Delete',
    'deletionPolicy is Orphan: the role assignment stays in Azure',
  );
  return undefined;
};

export function createRoleAssignmentReconciler(shared: RoleGrantShared): ReconcileFn<WorkflowRoleAssignment> {
  return reconcileWithFrame<WorkflowRoleAssignment, WorkflowRoleAssignmentStatus, RoleGrantRun>({
    resource: WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
    kube: shared.kube,
    patcher: shared.patcher,
    events: shared.events,
    clock: shared.clock,
    startPass: (object, context) => new RoleGrantRun(shared, object, context),
    specProblem: (object, deleting) => (deleting ? undefined : roleAssignmentSpecProblem(object)),
    apply: APPLY_STEPS,
    cleanup: [revokeOrOrphan],
    errorFacts: (run) => ({ principalIsNew: run.principalIsNew, actingAs: actingAs(run.actor) }),
    project: (status, run) => projectRoleGrantStatus(status, run, shared.clock),
  });
}
