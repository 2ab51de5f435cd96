// What the informer caches keep of each object (issue 12: caches lean enough for thousands of
// objects; issue 20: nothing a team writes is cached beyond what logicops reads). Of the
// metadata: not managedFields (the informer's default), not the labels (selection is the API
// server's), and of the annotations only logicops' own — `kubectl apply` alone leaves the whole
// previous manifest in one (for a workflow, its definition a second time), and a team may add up
// to Kubernetes' 256 KiB of others. ConfigMaps are watched for their metadata only (any team can
// make them 1 MiB); the one a workflow references is read with a GET
// (logic-app-workflow/config-map-definitions.ts).
import type { KubernetesObject } from '@kubernetes/client-node';
import { OWN_ANNOTATION_PREFIX } from '../../vocabulary.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops managedFields, labels and every annotation but logicops' own (shallow copies, input
 * untouched).
 */
export function leanObject<K extends KubernetesObject>(object: K): K {
  const { managedFields: _managed, labels: _labels, annotations, ...metadata } = object.metadata ?? {};
  const own = Object.entries(annotations ?? {}).filter(([name]) => name.startsWith(OWN_ANNOTATION_PREFIX));
  return {
    ...object,
    metadata: own.length > 0 ? { ...metadata, annotations: Object.fromEntries(own) } : metadata,
  };
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
