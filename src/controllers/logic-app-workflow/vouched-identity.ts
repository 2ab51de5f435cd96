// The workflow controller vouches for a workflow's principal by writing it as an operator record
// (shared/records/): the only source bindings grant from. It is written after the namespace
// policy and ownership checks, from what Azure reported (the workflow's own response, or the
// user-assigned identity's), and withdrawn the moment logicops stops managing the workflow —
// policy denied, ownership lost, identity None, workflow deleted — so its bindings revoke.
// `principalObservedAt` counts Entra ID replication; it is kept while the principal stays.
import type { WorkflowIdentityStatus } from '../../crds/index.ts';
import type { IdentityRecord } from '../shared/records/record-configmap.ts';
import type { WorkflowRun } from './context.ts';

/** Records `identity` as vouched for (written only when it changed); returns what status reports. */
export async function vouchFor(
  run: WorkflowRun,
  identity: Omit<IdentityRecord, 'principalObservedAt'>,
): Promise<IdentityRecord> {
  const records = run.deps.records;
  const before = records.read('identity', run.namespace, run.name);
  const samePrincipal = before?.principalId.toLowerCase() === identity.principalId.toLowerCase();
  const record: IdentityRecord = {
    ...definedOnly(identity),
    principalObservedAt:
      (samePrincipal ? before?.principalObservedAt : undefined) ??
      observedAtBeforeRecords(run.object.status?.identity, identity.principalId) ??
      new Date(run.context.clock.now()).toISOString(),
  };
  if (!before || !sameIdentity(before, record)) {
    const { uid } = run.object.metadata;
    await records.write(
      'identity',
      { namespace: run.namespace, name: run.name, ...(uid ? { uid } : {}) },
      record,
    );
  }
  return record;
}

/** logicops no longer vouches for this workflow's principal: its bindings revoke. */
export async function withdrawIdentity(run: WorkflowRun): Promise<void> {
  const records = run.deps.records;
  if (records.read('identity', run.namespace, run.name) === undefined) return;
  await records.remove('identity', run.namespace, run.name);
  run.logger.info({ workflow: run.ref }, 'Withdrew the recorded identity of the workflow');
}

/**
 * Upgrade path: a principal first recorded in status by a version before the operator records.
 * Only a timing hint (how long the propagation hold still runs), and only for the principal
 * Azure reports now; a status from before `principalObservedAt` existed means an old principal.
 */
function observedAtBeforeRecords(
  status: WorkflowIdentityStatus | undefined,
  principalId: string,
): string | undefined {
  if (status?.principalId?.toLowerCase() !== principalId.toLowerCase()) return undefined;
  return status.principalObservedAt ?? new Date(0).toISOString();
}

const IDENTITY_FIELDS = [
  'type',
  'principalId',
  'tenantId',
  'userAssignedIdentityId',
  'principalObservedAt',
] as const satisfies readonly (keyof IdentityRecord)[];

function sameIdentity(a: IdentityRecord, b: IdentityRecord): boolean {
  return IDENTITY_FIELDS.every((field) => (a[field] ?? '') === (b[field] ?? ''));
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
