// Keys are what flows through the queue: `namespace/name` (or `name` for cluster-scoped
// objects), never the object or the event, so reconciles are level-based.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ObjectRef {
  namespace?: string;
  name: string;
}

export function objectKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function keyOf(object: KubernetesObject): string {
  return objectKey({ namespace: object.metadata?.namespace, name: object.metadata?.name ?? '' });
}

export function parseKey(key: string): ObjectRef {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
