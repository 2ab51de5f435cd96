// The LogicAppWorkflow controller: the reconcile plus what wakes it. Informers are created and
// started by the wiring; this factory only subscribes to them.
//   workflows   → the workflow itself (spec, annotations, deletion; not our own status writes)
//   bindings    → the workflow a binding names (parameter injection, grants released on delete);
//                 only changes the workflow reads, not every binding status write
//   configMaps  → the workflows whose definitionFrom names the ConfigMap
//   connections → the workflows whose spec.connections names the LogicAppConnection ($connections)
//   namespaces  → every workflow in a namespace whose policy annotations changed
//   records     → a workflow being deleted, when a WorkflowRoleAssignment's record of a grant to
//                 its principal changes or goes (deletion waits for those records)

import type { KubernetesObject } from '@kubernetes/client-node';
import type { LogicAppConnection, LogicAppWorkflow, VaultSecretBinding } from '../../crds/index.ts';
import { type Controller, objectKey } from '../../runtime/index.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';
import { bindingsOfWorkflow } from '../shared/binding-indexes.ts';
import { kindController } from '../shared/kind-controller.ts';
import type { RecordConfigMap, RecordPayloads } from '../shared/records/record-configmap.ts';
import type { LogicAppWorkflowControllerDeps } from './context.ts';
import { createLogicAppWorkflowReconciler } from './reconcile.ts';

export const LOGIC_APP_WORKFLOW_CONTROLLER = 'logic-app-workflow';

export function createLogicAppWorkflowController(
  deps: LogicAppWorkflowControllerDeps,
): Controller<LogicAppWorkflow> {
  const { workflows } = deps;
  return kindController<LogicAppWorkflow>({
    name: LOGIC_APP_WORKFLOW_CONTROLLER,
    source: workflows,
    reconcile: createLogicAppWorkflowReconciler(deps),
    deps,
    settings: deps.settings,
    extra: { terminalFingerprint: (workflow) => terminalFingerprint(workflow, deps) },
  })
    .watches(deps.bindings, (binding) => [workflowKeyOf(binding)], {
      shouldEnqueueUpdate: (previous, current) =>
        changesWhatTheWorkflowUses(previous, current, isDeleting(workflows.get(workflowKeyOf(current)))),
    })
    .watches(deps.configMaps, (configMap) => workflowsUsingConfigMap(workflows.list(), configMap))
    .watches(deps.connections, (connection) => workflowsUsingConnection(workflows.list(), connection), {
      shouldEnqueueUpdate: changesWhatWorkflowsReadOfConnection,
    })
    .watches(deps.namespaces, (namespace) =>
      workflows
        .list()
        .filter((workflow) => workflow.metadata.namespace === namespace.metadata?.name)
        .map((workflow) =>
          objectKey({ namespace: workflow.metadata.namespace, name: workflow.metadata.name ?? '' }),
        ),
    )
    .watches(deps.records.source, (configMap) => deletingWorkflowOfRoleGrant(workflows, configMap));
}

/** The workflow a role-grant record names, while that workflow is being deleted (none otherwise). */
export function deletingWorkflowOfRoleGrant(
  workflows: LogicAppWorkflowControllerDeps['workflows'],
  configMap: Readonly<RecordConfigMap>,
): string[] {
  const record = configMap.record;
  if (record?.kind !== 'role-grant') return [];
  const { workflowName } = record.payload as RecordPayloads['role-grant'];
  const key = objectKey({ namespace: record.object.namespace, name: workflowName });
  return isDeleting(workflows.get(key)) ? [key] : [];
}

/**
 * What a workflow reads of its bindings: which workflow, vault, secret and parameter (the
 * injected secret URIs) and whether it is going away; and, while the workflow is being deleted,
 * whether the binding still holds a grant (deletion waits for that). The binding controller's
 * other status writes — conditions, ledger, the grant itself while the workflow lives — would
 * each wake the workflow for a pass that changes nothing but costs an ARM read (issue 12).
 */
export function changesWhatTheWorkflowUses(
  previous: Readonly<VaultSecretBinding>,
  current: Readonly<VaultSecretBinding>,
  workflowDeleting: boolean,
): boolean {
  return bindingInputs(previous, workflowDeleting) !== bindingInputs(current, workflowDeleting);
}

function bindingInputs(binding: Readonly<VaultSecretBinding>, workflowDeleting: boolean): string {
  const { workflowRef, vaultId, secretName, parameterName } = binding.spec;
  return JSON.stringify([
    workflowRef.name,
    vaultId,
    secretName,
    parameterName ?? '',
    binding.metadata.deletionTimestamp ?? '',
    // While the workflow is being deleted, whether the binding's status still reports a grant:
    // only a wake-up hint (deletion itself decides from the operator's grant records).
    workflowDeleting && binding.status?.grant !== undefined,
  ]);
}

function isDeleting(workflow: Readonly<LogicAppWorkflow> | undefined): boolean {
  return Boolean(workflow?.metadata.deletionTimestamp);
}

export function workflowKeyOf(binding: Readonly<VaultSecretBinding>): string {
  return objectKey({ namespace: binding.metadata.namespace, name: binding.spec.workflowRef.name });
}

export function workflowsUsingConfigMap(
  workflows: readonly Readonly<LogicAppWorkflow>[],
  configMap: Readonly<KubernetesObject>,
): string[] {
  return workflows
    .filter(
      (workflow) =>
        workflow.metadata.namespace === configMap.metadata?.namespace &&
        workflow.spec.definitionFrom?.configMapKeyRef.name === configMap.metadata?.name,
    )
    .map((workflow) =>
      objectKey({ namespace: workflow.metadata.namespace, name: workflow.metadata.name ?? '' }),
    );
}

export function workflowsUsingConnection(
  workflows: readonly Readonly<LogicAppWorkflow>[],
  connection: Readonly<LogicAppConnection>,
): string[] {
  return workflows
    .filter(
      (workflow) =>
        workflow.metadata.namespace === connection.metadata.namespace &&
        (workflow.spec.connections ?? []).some((c) => c.connectionRef.name === connection.metadata.name),
    )
    .map((workflow) =>
      objectKey({ namespace: workflow.metadata.namespace, name: workflow.metadata.name ?? '' }),
    );
}

/** What `$connections` reads of a connection: its spec (generation), readiness for it, its deletion. */
export function changesWhatWorkflowsReadOfConnection(
  previous: Readonly<LogicAppConnection>,
  current: Readonly<LogicAppConnection>,
): boolean {
  return connectionInputs(previous) !== connectionInputs(current);
}

function connectionInputs(connection: Readonly<LogicAppConnection>): string {
  const ready = connection.status?.conditions?.find((c) => c.type === 'Ready');
  return JSON.stringify([
    connection.metadata.generation ?? 0,
    connection.status?.observedGeneration ?? -1,
    ready?.status ?? '',
    connection.metadata.deletionTimestamp ?? '',
  ]);
}

/**
 * A terminally failed workflow is looked at again when its spec, its deletion, its definition's
 * ConfigMap, the bindings that inject its parameters, or its reconcile-request annotation change
 * — an invalid definition is fixed in the ConfigMap, a connection's region in the connection, and a parameter Azure refused for want of a
 * value is filled by a binding, neither of which bumps the workflow's generation.
 */
export function terminalFingerprint(
  workflow: Readonly<LogicAppWorkflow>,
  deps: Pick<LogicAppWorkflowControllerDeps, 'configMaps' | 'bindings' | 'connections'>,
): string {
  const ref = workflow.spec.definitionFrom?.configMapKeyRef;
  const configMap = ref
    ? deps.configMaps.get(objectKey({ namespace: workflow.metadata.namespace, name: ref.name }))
    : undefined;
  const injecting = bindingsOfWorkflow(deps.bindings, {
    namespace: workflow.metadata.namespace ?? '',
    name: workflow.metadata.name ?? '',
  })
    .filter((binding) => Boolean(binding.spec.parameterName))
    .map((binding) => `${binding.metadata.name}:${bindingInputs(binding, false)}`)
    .sort();
  return [
    workflow.metadata.generation ?? '',
    workflow.metadata.deletionTimestamp ?? '',
    configMap?.metadata?.resourceVersion ?? '',
    workflow.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION] ?? '',
    ...injecting,
    // A connection in the wrong region is fixed in the connection, not the workflow.
    ...(workflow.spec.connections ?? []).map((entry) => {
      const connection = deps.connections.get(
        objectKey({ namespace: workflow.metadata.namespace, name: entry.connectionRef.name }),
      );
      return `${entry.connectionRef.name}:${connection?.metadata.generation ?? ''}`;
    }),
  ].join('/');
}
