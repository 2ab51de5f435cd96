// The two questions both kinds ask of the bindings cache, answered from indexes
// (runtime/cache-index.ts) instead of a filter over every binding: which bindings name this
// workflow, and which bindings grant on this vault. The first is asked of WorkflowRoleAssignments
// too (objectsOfWorkflow).
import type { KubernetesObject } from '@kubernetes/client-node';
import { normalizeResourceId } from '../../azure/index.ts';
import type { VaultSecretBinding } from '../../crds/index.ts';
import { indexOf, objectKey, type WatchedSource } from '../../runtime/index.ts';

/** An object that names a workflow of its namespace (a binding, a role assignment). */
export interface RefersToWorkflow extends KubernetesObject {
  spec: { workflowRef: { name: string } };
}

/** Objects whose workflowRef names the workflow `namespace/name` (deleting ones included). */
export function objectsOfWorkflow<T extends RefersToWorkflow>(
  source: WatchedSource<T>,
  workflow: { namespace: string; name: string },
): Readonly<T>[] {
  return indexOf(source, 'workflow', (object) => [
    objectKey({ namespace: object.metadata?.namespace, name: object.spec?.workflowRef?.name ?? '' }),
  ]).get(objectKey(workflow));
}

/** Bindings whose workflowRef names the workflow `namespace/name` (deleting ones included). */
export function bindingsOfWorkflow(
  bindings: WatchedSource<VaultSecretBinding>,
  workflow: { namespace: string; name: string },
): Readonly<VaultSecretBinding>[] {
  return objectsOfWorkflow(bindings, workflow);
}

/** Bindings on the vault `vaultId` (any casing or trailing slash; deleting ones included). */
export function bindingsOnVault(
  bindings: WatchedSource<VaultSecretBinding>,
  vaultId: string,
): Readonly<VaultSecretBinding>[] {
  return indexOf(bindings, 'vault', (binding) => [normalizeResourceId(binding.spec?.vaultId ?? '')]).get(
    normalizeResourceId(vaultId),
  );
}
