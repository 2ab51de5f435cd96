import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  LAST_APPLIED_ANNOTATION,
  leanObject,
  metadataStub,
} from '../../../../src/controllers/shared/lean-cache.ts';

describe('lean informer caches', () => {
  it.each([
    [
      "kubectl's last-applied copy and managedFields",
      { [LAST_APPLIED_ANNOTATION]: '{"big":"copy"}', 'logicops.io/paused': 'true' },
      { 'logicops.io/paused': 'true' },
    ],
    [
      'annotations logicops does not read, however large',
      { 'team.example/notes': 'n'.repeat(200 * 1024), 'logicops.io/reconcile-request': 'r1' },
      { 'logicops.io/reconcile-request': 'r1' },
    ],
    ['every annotation when none is logicops’ own', { 'team.example/a': 'x' }, undefined],
    ['nothing when there are none', undefined, undefined],
  ])('drops %s, keeps the annotations logicops reads', (_name, annotations, kept) => {
    const object = {
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: {
        name: 'wf',
        namespace: 'ns',
        labels: { team: 'a', 'app.kubernetes.io/name': 'x' },
        managedFields: [{ manager: 'kubectl' }],
        ...(annotations ? { annotations } : {}),
      },
      spec: { definition: { actions: {} } },
    };
    const lean = leanObject(object);
    expect(lean.metadata).toEqual({ name: 'wf', namespace: 'ns', ...(kept ? { annotations: kept } : {}) });
    expect(lean.spec).toBe(object.spec);
    // The object the watch delivered is left as it was.
    expect(object.metadata.labels).toEqual({ team: 'a', 'app.kubernetes.io/name': 'x' });
    expect(object.metadata.managedFields).toHaveLength(1);
    if (annotations) expect(object.metadata.annotations).toEqual(annotations);
  });

  it('keeps of a ConfigMap only which one it is and its resourceVersion, whatever its size', () => {
    const configMap: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cm',
        namespace: 'ns',
        uid: 'u1',
        resourceVersion: '42',
        labels: { team: 'a' },
        annotations: { [LAST_APPLIED_ANNOTATION]: 'x'.repeat(1000) },
        managedFields: [{ manager: 'kubectl' }],
      },
      data: { 'wf.json': 'y'.repeat(1024 * 1024) },
      binaryData: { blob: 'AAAA' },
    };
    const stub = metadataStub(configMap);
    expect(stub).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: { name: 'cm', namespace: 'ns', uid: 'u1', resourceVersion: '42' },
    });
    expect(JSON.stringify(stub).length).toBeLessThan(200);
  });
});
