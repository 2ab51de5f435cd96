// The principal to grant is the one the workflow controller vouches for
// (shared/grants/vouched-principal.ts). A grant whose principal is no longer vouched for — the
// workflow is going away or gone, left the namespace policy, lost its ownership or its
// identity — is revoked here first.
import { GrantPhase } from '../../../crds/index.ts';
import { lookUpPrincipal } from '../../shared/grants/vouched-principal.ts';
import { revokeRecorded } from '../revoke.ts';
import type { Step } from './step.ts';

export const resolvePrincipal: Step = async (run) => {
  const namespace = run.object.metadata.namespace ?? '';
  const lookup = lookUpPrincipal(run.shared, namespace, run.spec.workflowRef.name);
  if (lookup.kind === 'unavailable') {
    const revoke = await revokeRecorded(run);
    if (revoke.heldBack) return revoke.heldBack;
    return lookup.waiting(revoke.revoked);
  }
  const { identity } = lookup;
  run.principal = {
    principalId: identity.principalId,
    ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
  };
  run.observed.principalId = identity.principalId;
  const record = run.record;
  const grantedBefore =
    record?.phase === GrantPhase.Granted &&
    record.principalId.toLowerCase() === identity.principalId.toLowerCase();
  const ageMs = run.shared.principals.ageMs(identity.principalId, identity.principalObservedAt);
  run.principalIsNew = ageMs < run.shared.principals.windowMs && !grantedBefore;
  run.principalAgeMs = ageMs;
  return undefined;
};
