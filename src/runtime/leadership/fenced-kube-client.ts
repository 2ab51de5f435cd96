// The first fence layer for Kubernetes writes (the story: fence.ts): status patches, finalizer
// patches, applies, creates (a ServiceAccount's TokenRequest) and deletes ask the fence before the request is built, so a stale leader's
// reconcile fails at once with NotLeaderError naming the write it dropped.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeClient, type PatchStrategy, type ResourceKind } from '../kube-client.ts';
import { checkFence, type WriteFence } from './fence.ts';

/**
 * A KubeClient whose writes ask the fence first; reads (list, watch, get) are not fenced, so a
 * standby keeps warm caches. Every Kubernetes write the controllers make goes through `patch`,
 * `apply`, `create` or `delete`.
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

  // A TokenRequest changes nothing, but it is a POST like every create: fenced the same way here
  // and at the wire (isFencedRequest), so a deposed leader cannot mint a token either.
  override create<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name?: string; subresource?: string },
    body: KubernetesObject,
  ): Promise<K> {
    const what = `${kind.plural}${target.subresource ? `/${target.subresource}` : ''} ${target.namespace ?? ''}/${target.name ?? ''}`;
    try {
      checkFence(this.fence, `CREATE ${what}`);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.create<K>(kind, target, body);
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
