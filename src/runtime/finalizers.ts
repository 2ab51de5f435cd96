// Finalizers, with kube-rs's contract (kube-runtime/src/finalizer.rs), written down:
//
// Flow: no finalizer → add it (persisted) → apply. Deletion requested → cleanup → only when
// cleanup reports done, remove the finalizer; Kubernetes then deletes the object.
// Guarantee: if apply ever started (so an external write may have happened), cleanup succeeds
// before the object disappears. A cleanup that throws or asks to be requeued keeps the finalizer.
// Assumptions: apply and cleanup are idempotent; cleanup tolerates apply never having run.
// Caveat: deletion hangs while the operator is down or cleanup keeps failing; docs explain how an
// admin removes the finalizer by hand.
//
// Writes are JSON Patches guarded by a `test` on the finalizer list (add) or the exact index
// (remove), so another controller's finalizer is never clobbered; a failed test re-reads and retries.
// Through the operator's FencedKubeClient each patch first asks the leadership fence (the
// story: leadership/fence.ts); a refusal (NotLeaderError) is passed up unretried, so a deposed leader never
// adds or removes a finalizer.
import type { KubernetesObject } from '@kubernetes/client-node';
import { type KubeClient, PatchStrategy, type ResourceKind } from './kube-client.ts';
import { httpStatusOf, isNotFound } from './kube-errors.ts';
import type { ReconcileResult } from './reconcile-result.ts';

const MAX_ATTEMPTS = 5;

export function hasFinalizer(object: Readonly<KubernetesObject>, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(object: Readonly<KubernetesObject>): boolean {
  return Boolean(object.metadata?.deletionTimestamp);
}

/** A failed JSON Patch `test` (the list changed under us) or a write conflict: read again and retry. */
function isStale(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 409 || status === 422;
}

/** Adds `finalizer` (no request when present) and returns the object as stored. */
export async function addFinalizer<K extends KubernetesObject>(
  client: KubeClient,
  kind: ResourceKind,
  object: Readonly<K>,
  finalizer: string,
): Promise<K> {
  let current = object as K;
  for (let attempt = 1; ; attempt++) {
    if (hasFinalizer(current, finalizer)) return current;
    const existing = current.metadata?.finalizers;
    const operations = existing
      ? [
          { op: 'test', path: '/metadata/finalizers', value: existing },
          { op: 'add', path: '/metadata/finalizers/-', value: finalizer },
        ]
      : [
          // An absent list tests as null; a list someone else just created fails the test.
          { op: 'test', path: '/metadata/finalizers', value: null },
          { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
        ];
    try {
      return await client.patch<K>(kind, refOf(current), PatchStrategy.JsonPatch, operations);
    } catch (error) {
      if (!isStale(error) || attempt >= MAX_ATTEMPTS) throw error;
      current = await client.get<K>(kind, current.metadata?.namespace, current.metadata?.name ?? '');
    }
  }
}

/**
 * Removes `finalizer` (no request when absent). Returns the object as stored, or undefined when
 * it is gone (removing the last finalizer of a deleted object lets Kubernetes delete it).
 */
export async function removeFinalizer<K extends KubernetesObject>(
  client: KubeClient,
  kind: ResourceKind,
  object: Readonly<K>,
  finalizer: string,
): Promise<K | undefined> {
  let current = object as K;
  for (let attempt = 1; ; attempt++) {
    const index = current.metadata?.finalizers?.indexOf(finalizer) ?? -1;
    if (index < 0) return current;
    const path = `/metadata/finalizers/${index}`;
    try {
      return await client.patch<K>(kind, refOf(current), PatchStrategy.JsonPatch, [
        { op: 'test', path, value: finalizer },
        { op: 'remove', path },
      ]);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (!isStale(error) || attempt >= MAX_ATTEMPTS) throw error;
      try {
        current = await client.get<K>(kind, current.metadata?.namespace, current.metadata?.name ?? '');
      } catch (readError) {
        if (isNotFound(readError)) return undefined;
        throw readError;
      }
    }
  }
}

export interface FinalizerHandlers<K> {
  /** Make the world match the object. Runs only once the finalizer is persisted. */
  apply(object: K): Promise<ReconcileResult>;
  /** Undo what apply did. `done()` means cleanup succeeded and the finalizer may go. */
  cleanup(object: K): Promise<ReconcileResult>;
}

/** The whole finalizer dance around a reconcile (see the contract at the top of this file). */
export async function withFinalizer<K extends KubernetesObject>(
  client: KubeClient,
  kind: ResourceKind,
  object: K,
  finalizer: string,
  handlers: FinalizerHandlers<K>,
): Promise<ReconcileResult> {
  if (isBeingDeleted(object)) {
    // Without our finalizer there is nothing of ours left to clean up.
    if (!hasFinalizer(object, finalizer)) return { type: 'done' };
    const result = await handlers.cleanup(object);
    if (result.type === 'done') await removeFinalizer(client, kind, object, finalizer);
    return result;
  }
  const guarded = await addFinalizer<K>(client, kind, object, finalizer);
  return handlers.apply(guarded);
}

function refOf(object: KubernetesObject): { namespace?: string; name: string } {
  return { namespace: object.metadata?.namespace, name: object.metadata?.name ?? '' };
}
