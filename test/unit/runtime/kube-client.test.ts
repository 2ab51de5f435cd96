import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiVersionOf, type ResourceKind, resourcePath } from '../../../src/runtime/kube-client.ts';
import { httpStatusOf, isGone, isNotFound } from '../../../src/runtime/kube-errors.ts';

const CONFIG_MAP: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const WORKFLOW: ResourceKind = {
  group: 'logicops.io',
  version: 'v1alpha1',
  kind: 'LogicAppWorkflow',
  plural: 'logicappworkflows',
  namespaced: true,
};

describe('resourcePath', () => {
  it.each([
    [CONFIG_MAP, {}, '/api/v1/configmaps'],
    [CONFIG_MAP, { namespace: 'ns' }, '/api/v1/namespaces/ns/configmaps'],
    [
      WORKFLOW,
      { namespace: 'ns', name: 'wf' },
      '/apis/logicops.io/v1alpha1/namespaces/ns/logicappworkflows/wf',
    ],
    [
      WORKFLOW,
      { namespace: 'ns', name: 'wf', subresource: 'status' },
      '/apis/logicops.io/v1alpha1/namespaces/ns/logicappworkflows/wf/status',
    ],
  ] as const)('%o %o → %s', (kind, at, expected) => {
    expect(resourcePath(kind, at)).toBe(expected);
  });

  it('builds apiVersion for core and named groups', () => {
    expect(apiVersionOf(CONFIG_MAP)).toBe('v1');
    expect(apiVersionOf(WORKFLOW)).toBe('logicops.io/v1alpha1');
  });
});

describe('API error helpers', () => {
  it('read the status from ApiException.code and from a watch error’s statusCode', () => {
    expect(isNotFound(new ApiException(404, 'not found', {}, {}))).toBe(true);
    expect(isGone(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(true);
    // The 0.x shape is not what client-node >= 1 produces, and must not be mistaken for one.
    expect(httpStatusOf({ response: { statusCode: 404 } })).toBeUndefined();
  });
});
