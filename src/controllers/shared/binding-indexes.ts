// The two questions both kinds ask of the bindings cache, answered from indexes
// (runtime/cache-index.ts) instead of a filter over every binding: which bindings name this
// workflow, and which bindings grant on this vault.
import { normalizeResourceId } from '../../azure/index.ts';
import type { VaultSecretBinding } from '../../crds/index.ts';
import { indexOf, objectKey, type WatchedSource } from '../../runtime/index.ts';

/** Bindings whose workflowRef names the workflow `namespace/name` (deleting ones included). */
export function bindingsOfWorkflow(
  bindings: WatchedSource<VaultSecretBinding>,
  workflow: { namespace: string; name: string },
): Readonly<VaultSecretBinding>[] {
  return indexOf(bindings, 'workflow', (binding) => [
    objectKey({ namespace: binding.metadata.namespace, name: binding.spec?.workflowRef?.name ?? '' }),
  ]).get(objectKey(workflow));
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
