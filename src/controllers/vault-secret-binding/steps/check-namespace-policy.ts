// Guarantee 9: a namespace may only bind vaults its `logicops.io/allowed-vaults` annotation
// allows. Only cluster admins edit Namespaces, so a denial waits for a human (Stalled); the
// namespace watch re-reconciles when the annotation changes. A policy narrowed after the grant
// was made revokes it (what the ledger records, nothing else) before the binding stalls.
import { Reason } from '../../../crds/index.ts';
import { revokeGrant } from '../revoke/revoke.ts';
import type { Step } from './step.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const namespace = run.shared.namespaces.get(run.object.metadata.namespace ?? '');
  const verdict = run.shared.settings.namespacePolicy.check(
    namespace?.metadata?.annotations,
    'vault',
    run.spec.vaultId,
  );
  if (verdict.allowed) return undefined;
  await run.shared.accessPolicyBatches.whenSettled(run.batchOwner.uid);
  const record = run.record;
  const heldBack = record
    ? await run.shared.locks.withVault(record.vaultId, () => revokeGrant(run, record))
    : undefined;
  if (heldBack) return heldBack;
  return {
    kind: 'stalled',
    reason: Reason.NamespacePolicyDenied,
    message: record ? `${verdict.message}; the grant made before was revoked` : verdict.message,
  };
};
