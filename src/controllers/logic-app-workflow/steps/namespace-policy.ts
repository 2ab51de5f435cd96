// Step: the namespace may only use the Azure scopes its annotations allow (docs/design.md guarantee
// 9): the workflow's resource group, and the resource group of a user-assigned identity. No
// Azure call is made for a denied workflow, deletion included; a policy narrowed after the fact
// stops every write and withdraws the workflow's vouched identity, so its bindings revoke.
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { type PolicyVerdict, resourceGroupIdOf } from '../../shared/namespace-policy.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { withdrawIdentity } from '../vouched-identity.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const denied = policyDenial(run, true);
  if (!denied) return undefined;
  await withdrawIdentity(run);
  throw new StalledError(Reason.NamespacePolicyDenied, denied.message);
};

/**
 * The first scope of the workflow the policy denies: its resource group and, when
 * `withIdentity`, the resource group of its user-assigned identity.
 */
export function policyDenial(
  run: WorkflowRun,
  withIdentity: boolean,
): Extract<PolicyVerdict, { allowed: false }> | undefined {
  const annotations = run.deps.namespaces.get(run.namespace)?.metadata?.annotations;
  const policy = run.deps.settings.namespacePolicy;
  const scopes = [resourceGroupIdOf(run.spec.subscriptionId, run.spec.resourceGroup)];
  const identityId = run.spec.identity?.userAssignedIdentityId;
  if (withIdentity && run.spec.identity?.type === 'UserAssigned' && identityId) scopes.push(identityId);
  for (const scope of scopes) {
    const verdict = policy.check(annotations, 'resource group', scope);
    if (!verdict.allowed) return verdict;
  }
  return undefined;
}
