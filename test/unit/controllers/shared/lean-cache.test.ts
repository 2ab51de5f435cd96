import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  LAST_APPLIED_ANNOTATION,
  leanConfigMap,
  leanObject,
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

  it('keeps a ConfigMap’s data and drops its binaryData', () => {
    const configMap: V1ConfigMap = {
      metadata: { name: 'cm', namespace: 'ns' },
      data: { 'wf.json': '{}' },
      binaryData: { blob: 'AAAA' },
    };
    expect(leanConfigMap(configMap)).toEqual({
      metadata: { name: 'cm', namespace: 'ns' },
      data: { 'wf.json': '{}' },
    });
  });
});
