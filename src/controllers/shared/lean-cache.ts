// What the informer caches keep of each object (issue 12: caches lean enough for thousands of
// objects). Besides managedFields (the informer's default), `kubectl apply` leaves the whole
// previous manifest in an annotation — for a workflow that is its definition a second time —
// and nothing in logicops reads it. ConfigMaps are watched for their metadata only (issue 20:
// every ConfigMap in the watched namespaces is watched, and any team can make them 1 MiB); the
// one a workflow references is read with a GET (logic-app-workflow/config-map-definitions.ts).
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

/**
 * What a metadata-only cache keeps of an object: which one it is and its resourceVersion (a
 * change wakes the objects that use it). A few hundred bytes, whatever the object's size;
 * labels and annotations (kubectl's last-applied copy among them) are dropped.
 */
export function metadataStub(object: KubernetesObject): KubernetesObject {
  const { name, namespace, uid, resourceVersion } = object.metadata ?? {};
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadata',
    metadata: { name, namespace, uid, resourceVersion },
  };
}
