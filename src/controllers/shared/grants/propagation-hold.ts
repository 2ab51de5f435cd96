// A principal younger than the propagation hold keeps a grant at Ready=False WaitingForPrincipal
// even though the grant is in place. Azure gives logicops no signal for replication:
// accessPolicies/add does no directory lookup, and RBAC assignments skip it with principalType
// ServicePrincipal, so the grant succeeds while the workflow's identity still cannot get a token.
// Ready would say "the workflow can use it" too early; so the grant waits out the configured
// hold, counted from when the workflow controller first recorded the principal (the identity
// record's principalObservedAt: survives restarts), and comes back when it ends. Every kind that
// grants a workflow's principal ends its apply steps with this hold.
//
// The default is 60 s: a new managed identity's service principal is not visible everywhere at
// once (role assignments made right after its creation fail with PrincipalNotFound unless they
// skip the lookup; deployments that retry see it succeed within a minute or two), and nothing in
// Azure's answers tells when its first token will work. 60 s covers the usual lag without making
// every new workflow wait minutes. Dev mode and the test harnesses set 0 and say so; a real
// cluster should not.
import { Reason } from '../../../crds/index.ts';
import type { Outcome } from '../frame/outcome.ts';

export const DEFAULT_PRINCIPAL_PROPAGATION_MS = 60_000;

/** The wait of a grant whose principal is younger than `holdMs`; undefined once it is old enough (or unknown). */
export function propagationHold(
  holdMs: number,
  ageMs: number | undefined,
  principalId: string | undefined,
): Outcome | undefined {
  if (holdMs <= 0 || ageMs === undefined || ageMs >= holdMs) return undefined;
  const leftMs = holdMs - ageMs;
  return {
    kind: 'waiting',
    reason: Reason.WaitingForPrincipal,
    message: `The grant is in place; principal ${principalId} was first seen ${Math.floor(ageMs / 1000)} s ago and Entra ID may still be replicating it (--principal-propagation-hold ${Math.round(holdMs / 1000)} s): Ready in ${Math.ceil(leftMs / 1000)} s`,
    afterMs: leftMs,
  };
}
