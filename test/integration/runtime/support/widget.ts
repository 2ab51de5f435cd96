// A tiny test CRD (Widget, with a status subresource) and the kinds the runtime tests use.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import type { KstatusFields } from '../../../../src/runtime/conditions.ts';
import type { ResourceKind } from '../../../../src/runtime/kube-client.ts';
import type { CrdManifest } from '../../support/cluster.ts';

export const WIDGET: ResourceKind = {
  group: 'runtime.test.logicops.io',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};

export const CONFIG_MAP: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

export interface Widget extends KubernetesObject {
  spec: { configMapName?: string; size?: number };
  status?: KstatusFields & { message?: string };
}

export type ConfigMap = V1ConfigMap & KubernetesObject;

// Plain JSON (not client-node's model), so the hyphenated schema extension keys survive.
export const WIDGET_CRD: CrdManifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${WIDGET.plural}.${WIDGET.group}` },
  spec: {
    group: WIDGET.group,
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

export function widgetManifest(namespace: string, name: string, spec: Widget['spec'] = {}): Widget {
  return {
    apiVersion: `${WIDGET.group}/${WIDGET.version}`,
    kind: 'Widget',
    metadata: { namespace, name },
    spec,
  };
}
