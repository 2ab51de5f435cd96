// The namespace policy (guarantee 9): the scope must match logicops.io/allowed-role-scopes and
// the role logicops.io/allowed-roles, both admin-set, default deny. A denial makes no Azure call
// beyond revoking what the record says was granted before (a policy narrowed since), and stalls
// with NamespacePolicyDenied; the namespace watch re-reconciles when an annotation changes.
import { Reason } from '../../../crds/index.ts';
import { revokeRecorded } from '../revoke.ts';
import type { Step } from './step.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const annotations = run.shared.namespaces.get(run.object.metadata.namespace ?? '')?.metadata?.annotations;
  const policy = run.shared.settings.namespacePolicy;
  const role = run.role;
  if (!role) throw new Error('checkNamespacePolicy runs after the spec check resolved the role');
  const scopeVerdict = policy.check(annotations, 'role scope', run.spec.scope);
  const verdict = scopeVerdict.allowed ? policy.checkRole(annotations, role) : scopeVerdict;
  if (verdict.allowed) return undefined;
  const revoke = await revokeRecorded(run);
  if (revoke.heldBack) return revoke.heldBack;
  return {
    kind: 'stalled',
    reason: Reason.NamespacePolicyDenied,
    message: revoke.revoked ? `${verdict.message}; the grant made before was revoked` : verdict.message,
  };
};
