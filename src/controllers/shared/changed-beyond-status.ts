// An update filter for a controller's own kind: our status, ledger and finalizer writes change
// neither generation, annotations nor deletion, so they do not need a pass of their own (each
// would cost a no-op reconcile right after every productive one). Resync still looks at every
// object, and every path that must run again asks for it (requeue, or an explicit enqueue).
import type { KubernetesObject } from '@kubernetes/client-node';

export function changedBeyondStatus(
  previous: Readonly<KubernetesObject>,
  current: Readonly<KubernetesObject>,
): boolean {
  const a = previous.metadata ?? {};
  const b = current.metadata ?? {};
  return (
    a.generation !== b.generation ||
    String(a.deletionTimestamp ?? '') !== String(b.deletionTimestamp ?? '') ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {})
  );
}
