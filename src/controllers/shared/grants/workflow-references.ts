// The watches of a kind that grants a workflow's principal (VaultSecretBinding,
// WorkflowRoleAssignment): which of its objects a change of a workflow, a Namespace or an
// identity record wakes. Handlers only map to keys.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { LogicAppWorkflow } from '../../../crds/index.ts';
import { keyOf, type WatchedSource } from '../../../runtime/index.ts';
import { objectsOfWorkflow, type RefersToWorkflow } from '../binding-indexes.ts';
import type { RecordConfigMap } from '../records/record-configmap.ts';

/** Every object in `namespace` whose workflowRef names `workflowName` (from the cache's index). */
export function referencingWorkflow<T extends RefersToWorkflow>(
  source: WatchedSource<T>,
  namespace: string | undefined,
  workflowName: string | undefined,
): string[] {
  return objectsOfWorkflow(source, { namespace: namespace ?? '', name: workflowName ?? '' }).map((object) =>
    keyOf(object),
  );
}

/** Every object in `namespace` (its policy annotations changed). */
export function inNamespace<T extends KubernetesObject>(
  source: WatchedSource<T>,
  namespace: string,
): string[] {
  return source
    .list()
    .filter((object) => object.metadata?.namespace === namespace)
    .map((object) => keyOf(object));
}

/** The objects of the workflow an identity record belongs to (none for other records). */
export function ofIdentityRecord<T extends RefersToWorkflow>(
  source: WatchedSource<T>,
  configMap: Readonly<RecordConfigMap>,
): string[] {
  const record = configMap.record;
  if (record?.kind !== 'identity') return [];
  return referencingWorkflow(source, record.object.namespace, record.object.name);
}

/**
 * What a grant reads of the workflow object: whether it is going away (its principal comes from
 * the workflow's identity record, watched on its own). The workflow's other writes (finalizer,
 * conditions, observed state) would each wake every grant of it for a pass that changes nothing.
 */
export function workflowDeletionChanged(
  previous: Readonly<LogicAppWorkflow>,
  current: Readonly<LogicAppWorkflow>,
): boolean {
  return (previous.metadata.deletionTimestamp ?? '') !== (current.metadata.deletionTimestamp ?? '');
}
