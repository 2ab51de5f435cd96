// Turns two snapshots of the emulator's counters into the figures the issue asks for: ARM
// reads and writes per object, grant writes per binding, and 429s. Pure: a counter delta is
// `after − before` field by field, so each phase (convergence, steady state) is measured on
// its own even though the emulator counts from its start.
import type { Counters } from '@logicops/azure-emulator';

export const WORKFLOW_WRITE = 'Microsoft.Logic/workflows/write';
export const ACCESS_POLICY_WRITE = 'Microsoft.KeyVault/vaults/accessPolicies/write';
export const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/** The part of the emulator's counters the bench reads. */
export type CounterSnapshot = Pick<
  Counters,
  'reads' | 'writes' | 'deletes' | 'actions' | 'byOperation' | 'byBucket'
>;

export interface CounterDelta {
  /** ARM GETs/lists (the reads bucket). */
  reads: number;
  /** ARM PUT/PATCH requests plus actions such as accessPolicies/add: the writes bucket, 429s included. */
  writes: number;
  deletes: number;
  /** Requests answered 429, all buckets. */
  throttled: number;
  throttledWrites: number;
  byOperation: Record<string, number>;
}

export function counterDelta(before: CounterSnapshot, after: CounterSnapshot): CounterDelta {
  const byOperation: Record<string, number> = {};
  for (const [operation, { count }] of Object.entries(after.byOperation)) {
    const delta = count - (before.byOperation[operation]?.count ?? 0);
    if (delta !== 0) byOperation[operation] = delta;
  }
  const throttled = (snapshot: CounterSnapshot) =>
    snapshot.byBucket.reads.throttled +
    snapshot.byBucket.writes.throttled +
    snapshot.byBucket.deletes.throttled;
  return {
    reads: after.byBucket.reads.requests - before.byBucket.reads.requests,
    writes: after.byBucket.writes.requests - before.byBucket.writes.requests,
    deletes: after.byBucket.deletes.requests - before.byBucket.deletes.requests,
    throttled: throttled(after) - throttled(before),
    throttledWrites: after.byBucket.writes.throttled - before.byBucket.writes.throttled,
    byOperation,
  };
}

export interface ObjectCounts {
  workflows: number;
  bindings: number;
  /** WorkflowRoleAssignments (issue 24); default 0. */
  roleGrants?: number;
}

export interface PerObjectFigures {
  reads: number;
  writes: number;
  throttled: number;
  workflowWrites: number;
  grantWrites: number;
  /** Workflow PUTs per workflow (target ≤ 1.05). */
  writesPerWorkflow: number | undefined;
  /** Access-policy adds + role-assignment PUTs per binding (targets: ≤ 0.05 shared vaults, ≤ 1.05 RBAC). */
  grantWritesPerBinding: number | undefined;
  /** All ARM writes over all objects. */
  writesPerObject: number | undefined;
  readsPerObject: number | undefined;
}

/**
 * `roleGrantWrites`: the role-assignment PUTs of WorkflowRoleAssignments (told apart by scope,
 * role-grants.ts), which are not the bindings' grant writes.
 */
export function perObjectFigures(
  delta: CounterDelta,
  objects: ObjectCounts,
  roleGrantWrites = 0,
): PerObjectFigures {
  const ratio = (count: number, per: number) => (per > 0 ? count / per : undefined);
  const workflowWrites = delta.byOperation[WORKFLOW_WRITE] ?? 0;
  const grantWrites =
    (delta.byOperation[ACCESS_POLICY_WRITE] ?? 0) +
    (delta.byOperation[ROLE_ASSIGNMENT_WRITE] ?? 0) -
    roleGrantWrites;
  const total = objects.workflows + objects.bindings + (objects.roleGrants ?? 0);
  return {
    reads: delta.reads,
    writes: delta.writes,
    throttled: delta.throttled,
    workflowWrites,
    grantWrites,
    writesPerWorkflow: ratio(workflowWrites, objects.workflows),
    grantWritesPerBinding: ratio(grantWrites, objects.bindings),
    writesPerObject: ratio(delta.writes, total),
    readsPerObject: ratio(delta.reads, total),
  };
}

export interface SteadyStateFigures {
  windowMs: number;
  resyncPeriods: number;
  writes: number;
  reads: number;
  throttled: number;
  /** Reads per object per resync period (target ≤ 1). */
  readsPerObjectPerPeriod: number | undefined;
}

export function steadyStateFigures(
  delta: CounterDelta,
  objects: ObjectCounts,
  windowMs: number,
  resyncPeriodMs: number,
): SteadyStateFigures {
  const total = objects.workflows + objects.bindings + (objects.roleGrants ?? 0);
  const periods = windowMs / resyncPeriodMs;
  return {
    windowMs,
    resyncPeriods: periods,
    writes: delta.writes,
    reads: delta.reads,
    throttled: delta.throttled,
    readsPerObjectPerPeriod: total > 0 && periods > 0 ? delta.reads / total / periods : undefined,
  };
}
