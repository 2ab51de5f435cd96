// Step: the namespace may only use the Azure scopes its annotations allow (DESIGN.md guarantee
// 9): the workflow's resource group, and the resource group of a user-assigned identity.

import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { resourceGroupIdOf } from '../../shared/namespace-policy.ts';
import type { Step } from '../context.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const annotations = run.deps.namespaces.get(run.namespace)?.metadata?.annotations;
  const policy = run.deps.settings.namespacePolicy;
  const scopes = [resourceGroupIdOf(run.spec.subscriptionId, run.spec.resourceGroup)];
  const identityId = run.spec.identity?.userAssignedIdentityId;
  if (run.spec.identity?.type === 'UserAssigned' && identityId) scopes.push(identityId);
  for (const scope of scopes) {
    const verdict = policy.check(annotations, 'resource group', scope);
    if (!verdict.allowed) throw new StalledError(Reason.NamespacePolicyDenied, verdict.message);
  }
  return undefined;
};
