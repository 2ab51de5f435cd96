// What a workflow says when the operator's RBAC refuses it a Secret of its namespace, for both
// features that use one (spec.parametersFrom, spec.callbackUrl). The chart grants Secrets only per
// listed namespace, never cluster-wide, so a refusal usually means the namespace is not listed:
// the message names the chart value a cluster admin sets.
import { WORKFLOW_SECRETS_VALUE } from '../../rbac-needs.ts';

/** The second half of an AuthorizationFailed message: who fixes it, and how. */
export function secretRightsRemedy(namespace: string): string {
  return `a cluster admin lists namespace ${namespace} in the chart's ${WORKFLOW_SECRETS_VALUE} (default: watchNamespaces; with every namespace watched, Secrets are granted nowhere, never cluster-wide), docs/security.md "Workflow Secrets". Looked at again at the next resync.`;
}
