// What the informer caches keep of each object (issue 12: caches lean enough for thousands of
// objects). Besides managedFields (the informer's default), `kubectl apply` leaves the whole
// previous manifest in an annotation — for a workflow that is its definition a second time —
// and nothing in logicops reads it. ConfigMaps are cached for the definitions they hold (data);
// their binaryData is never read.
import type { KubernetesObject } from '@kubernetes/client-node';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops managedFields and kubectl's last-applied annotation (shallow copies, input untouched). */
export function leanObject<K extends KubernetesObject>(object: K): K {
  const { managedFields: _managed, ...metadata } = object.metadata ?? {};
  if (metadata.annotations && LAST_APPLIED_ANNOTATION in metadata.annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _applied, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  return { ...object, metadata };
}

/** A ConfigMap as the workflow controller needs it: its metadata and `data`. */
export function leanConfigMap<K extends KubernetesObject & { binaryData?: unknown }>(configMap: K): K {
  const { binaryData: _binary, ...rest } = leanObject(configMap);
  return rest as K;
}
