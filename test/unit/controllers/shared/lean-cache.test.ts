import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  LAST_APPLIED_ANNOTATION,
  leanObject,
  metadataStub,
} from '../../../../src/controllers/shared/lean-cache.ts';

describe('lean informer caches', () => {
  it("drops managedFields and kubectl's last-applied copy, keeps the annotations logicops reads", () => {
    const object = {
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: {
        name: 'wf',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { [LAST_APPLIED_ANNOTATION]: '{"big":"copy"}', 'logicops.io/paused': 'true' },
      },
      spec: { definition: { actions: {} } },
    };
    const lean = leanObject(object);
    expect(lean.metadata).toEqual({ name: 'wf', annotations: { 'logicops.io/paused': 'true' } });
    expect(lean.spec).toBe(object.spec);
    // The object the watch delivered is left as it was.
    expect(object.metadata.annotations[LAST_APPLIED_ANNOTATION]).toBe('{"big":"copy"}');
    expect(object.metadata.managedFields).toHaveLength(1);
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
