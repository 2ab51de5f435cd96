// `logicops.io/reconcile-request: <new value>` means "look at Azure now": a pass that handles a
// new value must not answer from a shared or cached read (vault reads, the quota listing).
import type { KubernetesObject } from '@kubernetes/client-node';
import { RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';

/** A reconcile-request value this object's status has not echoed yet. */
export function hasUnhandledReconcileRequest(
  object: Readonly<KubernetesObject & { status?: { lastHandledReconcileRequest?: string } }>,
): boolean {
  const requested = object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  return requested !== undefined && requested !== object.status?.lastHandledReconcileRequest;
}
