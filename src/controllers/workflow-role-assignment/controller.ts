// Watches of WorkflowRoleAssignment: its own objects, plus what can change their outcome —
//   workflows       → the assignments naming it, when it starts or stops being deleted;
//   namespaces      → every assignment in it (the policy annotations changed);
//   operator records → the assignments of a workflow whose vouched identity was recorded,
//                      changed or withdrawn.
// Resync (10 min ± 10 %) reads each assignment once: that is where drift is found and repaired.

import type { WorkflowRoleAssignment } from '../../crds/index.ts';
import {
  type Controller,
  type ResyncSettings,
  StatusPatcher,
  systemClock,
  type WatchedSource,
} from '../../runtime/index.ts';
import type { ControllerDeps } from '../shared/controller-deps.ts';
import { PrincipalAges } from '../shared/grants/principal-ages.ts';
import { DEFAULT_PRINCIPAL_PROPAGATION_MS } from '../shared/grants/propagation-hold.ts';
import type { RoleAssignmentCounts } from '../shared/grants/role-assignment-counts.ts';
import { WorkflowIdentities } from '../shared/grants/workflow-identities.ts';
import {
  inNamespace,
  ofIdentityRecord,
  referencingWorkflow,
  workflowDeletionChanged,
} from '../shared/grants/workflow-references.ts';
import { kindController } from '../shared/kind-controller.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { createRoleAssignmentReconciler } from './reconcile.ts';

export interface WorkflowRoleAssignmentControllerDeps extends ControllerDeps {
  roleAssignments: WatchedSource<WorkflowRoleAssignment>;
  /** The same instance the VaultSecretBinding controller counts with: one budget per subscription. */
  roleAssignmentCounts: RoleAssignmentCounts;
  settings: {
    clusterId: string;
    namespacePolicy: NamespacePolicy;
    roleAssignmentsPerSubscription: number;
    workers?: number;
    resync?: ResyncSettings;
    replicationWindowMs?: number;
    /** Ready waits this long after the workflow first recorded its principal. Default 60 s; 0: off. */
    principalPropagationMs?: number;
  };
}

export function createWorkflowRoleAssignmentController(
  deps: WorkflowRoleAssignmentControllerDeps,
): Controller<WorkflowRoleAssignment> {
  const clock = deps.clock ?? systemClock;
  const reconcile = createRoleAssignmentReconciler({
    kube: deps.kube,
    patcher: new StatusPatcher(deps.kube),
    actors: deps.actors,
    gatewaysFor: deps.gatewaysFor,
    events: deps.events,
    workflows: deps.workflows,
    namespaces: deps.namespaces,
    records: deps.records,
    identities: new WorkflowIdentities(deps.records),
    roleAssignmentCounts: deps.roleAssignmentCounts,
    principals: new PrincipalAges(clock, deps.settings.replicationWindowMs),
    clock,
    settings: {
      clusterId: deps.settings.clusterId,
      namespacePolicy: deps.settings.namespacePolicy,
      roleAssignmentsPerSubscription: deps.settings.roleAssignmentsPerSubscription,
      principalPropagationMs: deps.settings.principalPropagationMs ?? DEFAULT_PRINCIPAL_PROPAGATION_MS,
    },
  });
  const source = deps.roleAssignments;
  return kindController<WorkflowRoleAssignment>({
    name: 'workflow-role-assignment',
    source,
    reconcile,
    deps: { ...deps, clock },
    settings: deps.settings,
  })
    .watches(
      deps.workflows,
      (workflow) => referencingWorkflow(source, workflow.metadata.namespace, workflow.metadata.name),
      { shouldEnqueueUpdate: workflowDeletionChanged },
    )
    .watches(deps.namespaces, (namespace) => inNamespace(source, namespace.metadata?.name ?? ''))
    .watches(deps.records.source, (configMap) => ofIdentityRecord(source, configMap));
}
