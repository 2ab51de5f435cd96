// The workflow side of the grant controllers' (bindings', role assignments') unit worlds: the
// LogicAppWorkflow they put in their workflow cache (a name, a namespace, whether it is being deleted,
// no spec), and the identity record (records/) the principal is read from.
import type { LogicAppWorkflow } from '../../../../../src/crds/index.ts';
import type { MemoryRecords } from './memory-records.ts';

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

/** What the workflow controller vouches for: the system-assigned principal, in the identity record grants read. */
export function seedIdentityRecord(
  records: MemoryRecords,
  workflow: { namespace: string; name: string },
  identity: { principalId: string; tenantId: string; principalObservedAt: string },
): void {
  records.seed('identity', workflow, { type: 'SystemAssigned', ...identity });
}
