// The leadership fence for Kubernetes writes: status patches, finalizer patches and Events are
// sent only while this instance is a fresh leader (Manager.mayWrite(): it leads and renewed its
// lease within the renew deadline), the same rule the Azure calls follow (src/azure/instrumentation.ts).
//
// Why: a leader frozen past its lease (SIGSTOP, a long GC pause, a VM stall) resumes with
// reconciles in flight. Their Azure calls are refused, and without this fence the reconcile
// frame would still write that failure as status — over the new leader's Ready — or touch a
// finalizer. The check sits right before the request, so a process that was frozen anywhere
// before it finds its lease stale when it resumes.
//
// A refused write is dropped, not retried: the client throws NotLeaderError (not a conflict, so
// the status patcher and finalizer helpers pass it straight up), the reconcile ends, and the
// manager is already stopping the controllers. Events are dropped silently (events.ts).
//
// Two checks, because one is not enough: `FencedKubeClient.patch` refuses early with a clear
// error, but a request can then wait — for a connection, a TLS handshake, an HTTP/2 flush — and
// a process frozen during that wait would send it on resume (the failover suite saw Events and
// status patches 3–112 ms after SIGCONT). connection-fence.ts therefore asks again at the moment
// the request is written onto its connection.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeClient, type PatchStrategy, type ResourceKind } from './kube-client.ts';

export interface WriteFence {
  /** True while this instance may write: leading with a fresh lease (or running without election). */
  mayWrite(): boolean;
}

/** No fence: every write goes out (tests, tools that are not the operator). */
export const OPEN_FENCE: WriteFence = { mayWrite: () => true };

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

export function isNotLeader(error: unknown): error is NotLeaderError {
  return error instanceof NotLeaderError;
}

/** Throws NotLeaderError when the fence refuses; `write` names the request for the message. */
export function checkFence(fence: WriteFence, write: string): void {
  if (!fence.mayWrite()) {
    throw new NotLeaderError(
      `dropped Kubernetes write ${write}: this instance is not the leader (or its lease is stale)`,
    );
  }
}

/**
 * A KubeClient whose writes ask the fence first; reads (list, watch, get) are not fenced, so a
 * standby keeps warm caches. Every Kubernetes write the controllers make goes through `patch`,
 * `apply` or `delete`.
 */
export class FencedKubeClient extends KubeClient {
  constructor(
    kubeConfig: KubeClient['kubeConfig'],
    private readonly fence: WriteFence,
  ) {
    super(kubeConfig);
  }

  override patch<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name: string; subresource?: 'status' },
    strategy: typeof PatchStrategy.MergePatch | typeof PatchStrategy.JsonPatch,
    body: unknown,
  ): Promise<K> {
    const what = `${kind.plural}${target.subresource ? `/${target.subresource}` : ''} ${target.namespace ?? ''}/${target.name}`;
    try {
      checkFence(this.fence, `PATCH ${what}`);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.patch<K>(kind, target, strategy, body);
  }

  override apply<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name: string },
    body: K,
  ): Promise<K> {
    try {
      checkFence(this.fence, `APPLY ${kind.plural} ${target.namespace ?? ''}/${target.name}`);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.apply<K>(kind, target, body);
  }

  override delete(kind: ResourceKind, target: { namespace?: string; name: string }): Promise<unknown> {
    try {
      checkFence(this.fence, `DELETE ${kind.plural} ${target.namespace ?? ''}/${target.name}`);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.delete(kind, target);
  }
}
