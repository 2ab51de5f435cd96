// Guarantee 9: a namespace may only bind vaults its `logicops.io/allowed-vaults` annotation
// allows. Only cluster admins edit Namespaces, so a denial waits for a human (Stalled); the
// namespace watch re-reconciles when the annotation changes.
import { Reason } from '../../../crds/index.ts';
import type { Step } from './step.ts';

export const checkNamespacePolicy: Step = async (run) => {
  const namespace = run.shared.namespaces.get(run.current.metadata.namespace ?? '');
  const verdict = run.shared.settings.namespacePolicy.check(
    namespace?.metadata?.annotations,
    'vault',
    run.spec.vaultId,
  );
  if (verdict.allowed) return undefined;
  return { kind: 'stalled', reason: Reason.NamespacePolicyDenied, message: verdict.message };
};
