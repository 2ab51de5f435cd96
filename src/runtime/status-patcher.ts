// Writes an object's status: a merge patch on the /status subresource, under field manager
// `logicops`, carrying only what changed, and no request at all when nothing did.
//
// The patch carries the resourceVersion the change was computed from (optimistic lock, like
// controller-runtime's MergeFromWithOptimisticLock): merge patches replace arrays whole, so
// without it a stale `conditions` list could silently overwrite a newer one. On 409 Conflict the
// object is read again and `mutate` is re-run on the fresh status; that is why the change is a
// function and not a finished status (and why `setCondition` keeps transition times right).
//
// Leadership: the operator hands this patcher a FencedKubeClient (the fence story:
// leadership/fence.ts), so each attempt asks the fence right before its request. A refusal (NotLeaderError) is not a conflict:
// it is neither retried nor re-read, and a deposed leader's reconcile leaves status alone.
import type { KubernetesObject } from '@kubernetes/client-node';
import { type KubeClient, PatchStrategy, type ResourceKind } from './kube-client.ts';
import { isConflict } from './kube-errors.ts';
import { mergePatchBetween } from './merge-patch.ts';

export type StatusMutation<S> = (status: S) => void;

export interface StatusPatchResult<K> {
  outcome: 'unchanged' | 'patched';
  /** The object as the server returned it (or as given, when unchanged). */
  object: K;
  /** Requests that failed with 409 before the one that counted. */
  conflicts: number;
}

export class StatusPatcher {
  constructor(
    private readonly client: KubeClient,
    private readonly maxAttempts = 5,
  ) {}

  async patch<S extends object, K extends KubernetesObject & { status?: S }>(
    kind: ResourceKind,
    object: Readonly<K>,
    mutate: StatusMutation<S>,
  ): Promise<StatusPatchResult<K>> {
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name ?? '';
    let current = object as K;
    for (let attempt = 1; ; attempt++) {
      const before = (current.status ?? {}) as S;
      const after = structuredClone(before);
      mutate(after);
      const change = mergePatchBetween(before, after);
      if (change === undefined) return { outcome: 'unchanged', object: current, conflicts: attempt - 1 };
      try {
        const patched = await this.client.patch<K>(
          kind,
          { namespace, name, subresource: 'status' },
          PatchStrategy.MergePatch,
          { metadata: { resourceVersion: current.metadata?.resourceVersion }, status: change },
        );
        return { outcome: 'patched', object: patched, conflicts: attempt - 1 };
      } catch (error) {
        if (!isConflict(error) || attempt >= this.maxAttempts) throw error;
        // Read from the server, not the cache: the cache may not have seen the newer version yet.
        current = await this.client.get<K>(kind, namespace, name);
      }
    }
  }
}
