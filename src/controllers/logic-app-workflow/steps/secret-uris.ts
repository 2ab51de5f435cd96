// Step: the secret URIs of bindings that ask for injection (spec.parameterName), resolved
// before the first PUT so the workflow is written once. The URI is computed from the vault's
// own vaultUri — never read from binding status: the binding waits for this workflow's
// principal, so waiting for the binding here would deadlock.
import { parseResourceId } from '../../../azure/index.ts';
import { Reason, type VaultSecretBinding } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { bindingsOfWorkflow } from '../../shared/binding-indexes.ts';
import type { Step, WorkflowRun } from '../context.ts';

const VAULT_TYPE = 'Microsoft.KeyVault/vaults';

export const resolveSecretUris: Step = async (run) => {
  const uris: Record<string, string> = {};
  for (const binding of injectingBindings(run)) {
    const parameter = binding.spec.parameterName ?? '';
    if (parameter in uris) continue; // first binding by name wins; documented
    const vaultUri = await vaultUriOf(run, binding);
    if (vaultUri === undefined) {
      return {
        kind: 'waiting',
        reason: Reason.Progressing,
        message: `Waiting for vault ${binding.spec.vaultId} (VaultSecretBinding ${binding.metadata.name}) to exist: its secret URI goes into parameter '${parameter}'.`,
        afterMs: run.waitPollMs,
      };
    }
    uris[parameter] = `${vaultUri.replace(/\/*$/, '/')}secrets/${binding.spec.secretName}`;
  }
  run.secretUris = uris;
  return undefined;
};

/** Bindings of this workflow that inject a parameter, not being deleted, in name order. */
export function injectingBindings(run: WorkflowRun): VaultSecretBinding[] {
  return bindingsOfWorkflow(run.deps.bindings, run)
    .filter((binding) => Boolean(binding.spec.parameterName) && !binding.metadata.deletionTimestamp)
    .map((binding) => structuredClone(binding) as VaultSecretBinding)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function vaultUriOf(run: WorkflowRun, binding: VaultSecretBinding): Promise<string | undefined> {
  const annotations = run.deps.namespaces.get(run.namespace)?.metadata?.annotations;
  const verdict = run.deps.settings.namespacePolicy.check(annotations, 'vault', binding.spec.vaultId);
  if (!verdict.allowed) {
    throw new StalledError(
      Reason.NamespacePolicyDenied,
      `VaultSecretBinding ${binding.metadata.name} injects parameter '${binding.spec.parameterName}': ${verdict.message}`,
    );
  }
  const vault = vaultIdOf(binding);
  const known = run.vaultUris?.get(run.actorKey, binding.spec.vaultId);
  if (known) return known;
  const observed = await run
    .gatewaysIn(vault.subscriptionId)
    .vaults.get({ resourceGroup: vault.resourceGroup, name: vault.name }, { signal: run.signal });
  if (observed?.vaultUri) run.vaultUris?.remember(run.actorKey, binding.spec.vaultId, observed.vaultUri);
  return observed?.vaultUri;
}

function vaultIdOf(binding: VaultSecretBinding) {
  try {
    return parseResourceId(binding.spec.vaultId, VAULT_TYPE);
  } catch (error) {
    throw new StalledError(
      Reason.InvalidSpec,
      `VaultSecretBinding ${binding.metadata.name}: spec.vaultId: ${(error as Error).message}; fix the binding.`,
    );
  }
}
