// The LogicAppWorkflow the grant controllers' (bindings', role assignments') unit worlds put in
// their workflow cache: a name, a namespace, whether it is being deleted, and no spec. Each
// world seeds the workflow's identity record (records/) next to it, which is where the principal comes from.
import type { LogicAppWorkflow } from '../../../../../src/crds/index.ts';

export function cachedWorkflow(name: string, namespace: string, deleting: boolean): LogicAppWorkflow {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: {
      name,
      namespace,
      ...(deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
    },
    spec: {} as LogicAppWorkflow['spec'],
  };
}
