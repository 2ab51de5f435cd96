// How many more bindings of a vault are about to hand the access-policy batch an addition
// (access-policy-batches.ts holds the vault's write for them, up to its backlog limit). Read
// from the informer caches only: a binding on its way to its first grant whose workflow is
// being created now, or already has its principal, will plan an add within moments. Anything
// waiting on a human — a missing workflow, vault or secret, a stalled object — is not counted,
// so it never holds the other bindings' write back.
import {
  AccessModel,
  ConditionType,
  type LogicAppWorkflow,
  Reason,
  type VaultSecretBinding,
} from '../../../crds/index.ts';
import { keyOf, objectKey, type WatchedSource } from '../../../runtime/index.ts';
import { bindingsOnVault } from '../../shared/binding-indexes.ts';

/** Ready reasons of an object that is getting there by itself. */
const ON_ITS_WAY: ReadonlySet<string> = new Set([Reason.Progressing, Reason.Throttled]);

export interface ExpectedAdditionsSources {
  bindings: WatchedSource<VaultSecretBinding>;
  workflows: WatchedSource<LogicAppWorkflow>;
  /** Whether the binding (by batch uid) already has an addition queued, in flight or just settled. */
  alreadyHandedOver(uid: string): boolean;
}

export function expectedAdditions(sources: ExpectedAdditionsSources, vaultId: string): number {
  return bindingsOnVault(sources.bindings, vaultId).filter((binding) => {
    if (!onItsWayToAFirstGrant(binding)) return false;
    if (sources.alreadyHandedOver(binding.metadata.uid || keyOf(binding))) return false;
    const workflow = sources.workflows.get(
      objectKey({ namespace: binding.metadata.namespace, name: binding.spec.workflowRef.name }),
    );
    return workflow !== undefined && principalOnItsWay(workflow);
  }).length;
}

function onItsWayToAFirstGrant(binding: Readonly<VaultSecretBinding>): boolean {
  if (binding.metadata.deletionTimestamp || binding.spec.accessModel === AccessModel.RBAC) return false;
  const ready = binding.status?.conditions?.find((c) => c.type === ConditionType.Ready);
  return !ready || ready.reason === Reason.WaitingForPrincipal || ON_ITS_WAY.has(ready.reason);
}

function principalOnItsWay(workflow: Readonly<LogicAppWorkflow>): boolean {
  if (workflow.metadata.deletionTimestamp) return false;
  if (workflow.status?.identity?.principalId) return true;
  const ready = workflow.status?.conditions?.find((c) => c.type === ConditionType.Ready);
  return !ready || ON_ITS_WAY.has(ready.reason);
}
