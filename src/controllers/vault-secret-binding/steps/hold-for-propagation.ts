// The last step: a principal younger than the propagation hold keeps the binding at Ready=False
// WaitingForPrincipal even though its grant is in place. Azure gives logicops no signal for
// replication: accessPolicies/add does no directory lookup, and RBAC assignments skip it with
// principalType ServicePrincipal, so the grant succeeds while the workflow's identity still
// cannot get a token. Ready would say "the workflow can read the secret" too early; so it waits
// out the configured hold, counted from when the workflow status first recorded the principal
// (status.identity.principalObservedAt: survives restarts), and comes back when it ends.
import { Reason } from '../../../crds/index.ts';
import type { Step } from './step.ts';

export const holdForPropagation: Step = async (run) => {
  const holdMs = run.shared.settings.principalPropagationMs;
  const ageMs = run.principalAgeMs;
  if (holdMs <= 0 || ageMs === undefined || ageMs >= holdMs) return undefined;
  const leftMs = holdMs - ageMs;
  return {
    kind: 'waiting',
    reason: Reason.WaitingForPrincipal,
    message: `The grant is in place; principal ${run.principal?.principalId} was first seen ${Math.floor(ageMs / 1000)} s ago and Entra ID may still be replicating it (hold ${Math.round(holdMs / 1000)} s): Ready in ${Math.ceil(leftMs / 1000)} s`,
    afterMs: leftMs,
  };
};
