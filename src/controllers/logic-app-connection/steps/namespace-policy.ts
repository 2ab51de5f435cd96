// Step: the connection's resource group must be allowed for the namespace, exactly as a
// workflow's is (logicops.io/allowed-resource-groups; docs/design.md guarantee 9). No Azure
// call is made for a denied connection, deletion included: what the policy puts out of reach
// is left alone.
import { Reason } from '../../../crds/index.ts';
import { type PolicyVerdict, resourceGroupIdOf } from '../../shared/namespace-policy.ts';
import type { ConnectionRun, Step } from '../context.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const denied = policyDenial(run);
  if (!denied) return undefined;
  return { kind: 'stalled', reason: Reason.NamespacePolicyDenied, message: denied.message };
};

export function policyDenial(run: ConnectionRun): Extract<PolicyVerdict, { allowed: false }> | undefined {
  const scope = resourceGroupIdOf(run.spec.subscriptionId, run.spec.resourceGroup);
  const verdict = run.shared.settings.namespacePolicy.check(
    run.namespaceAnnotations,
    'resource group',
    scope,
  );
  return verdict.allowed ? undefined : verdict;
}
