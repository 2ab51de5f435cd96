// metav1.Condition helpers with apimachinery's exact semantics, and the three kstatus
// summaries every logicops object is in (anchors-features.md §4, docs/design.md guarantee 8):
//
//   markReady        Ready=True,          no Reconciling, no Stalled, observedGeneration = generation
//   markReconciling  Ready=False(reason), Reconciling=True(reason), no Stalled  (observedGeneration kept)
//   markStalled      Ready=False(reason), Stalled=True(reason), no Reconciling, observedGeneration = generation
//
// Reconciling and Stalled are "abnormal-true": absent means normal, so they are removed rather
// than set False, and never both True. Top-level observedGeneration moves only when the outcome
// for a generation is final (Ready or Stalled), so kstatus reports InProgress until then.
import type { Clock } from './clock.ts';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** CamelCase, from the shared vocabulary in docs/design.md. */
  reason: string;
  message: string;
  observedGeneration?: number;
  /** RFC 3339, seconds precision (as metav1.Time serialises). */
  lastTransitionTime: string;
}

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

/** The part of a status kstatus reads. Controllers' status types extend it. */
export interface KstatusFields {
  observedGeneration?: number;
  conditions?: Condition[];
}

export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;

export function formatConditionTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Sets a condition in place, like apimachinery's meta.SetStatusCondition: reason, message and
 * observedGeneration are updated; lastTransitionTime changes only when status changes.
 * Returns whether anything changed.
 */
export function setCondition(conditions: Condition[], input: ConditionInput, nowMs: number): boolean {
  const message = input.message ?? '';
  const existing = findCondition(conditions, input.type);
  if (!existing) {
    const added: Condition = {
      type: input.type,
      status: input.status,
      reason: input.reason,
      message,
      lastTransitionTime: formatConditionTime(nowMs),
    };
    if (input.observedGeneration !== undefined) added.observedGeneration = input.observedGeneration;
    conditions.push(added);
    return true;
  }
  let changed = false;
  if (existing.status !== input.status) {
    existing.status = input.status;
    existing.lastTransitionTime = formatConditionTime(nowMs);
    changed = true;
  }
  if (existing.reason !== input.reason) {
    existing.reason = input.reason;
    changed = true;
  }
  if (existing.message !== message) {
    existing.message = message;
    changed = true;
  }
  if (input.observedGeneration !== undefined && existing.observedGeneration !== input.observedGeneration) {
    existing.observedGeneration = input.observedGeneration;
    changed = true;
  }
  return changed;
}

/** Removes a condition in place; returns whether it was there. */
export function removeCondition(conditions: Condition[], type: string): boolean {
  const index = conditions.findIndex((condition) => condition.type === type);
  if (index < 0) return false;
  conditions.splice(index, 1);
  return true;
}

/** The status's conditions list, created when absent (so helpers can edit it in place). */
export function conditionsOf(status: KstatusFields): Condition[] {
  if (!status.conditions) status.conditions = [];
  return status.conditions;
}

export interface Outcome {
  /** metadata.generation of the object the outcome was computed from. */
  generation: number;
  reason: string;
  message?: string;
}

/** Everything is as declared. */
export function markReady(
  status: KstatusFields,
  outcome: Partial<Outcome> & { generation: number },
  clock: Clock,
) {
  const conditions = conditionsOf(status);
  const now = clock.now();
  setCondition(
    conditions,
    {
      type: ConditionType.Ready,
      status: 'True',
      reason: outcome.reason ?? 'Succeeded',
      message: outcome.message ?? '',
      observedGeneration: outcome.generation,
    },
    now,
  );
  removeCondition(conditions, ConditionType.Reconciling);
  removeCondition(conditions, ConditionType.Stalled);
  status.observedGeneration = outcome.generation;
}

/** Work is in flight, or waiting on something that clears by itself. */
export function markReconciling(status: KstatusFields, outcome: Outcome, clock: Clock) {
  const conditions = conditionsOf(status);
  const now = clock.now();
  const fields = {
    reason: outcome.reason,
    message: outcome.message ?? '',
    observedGeneration: outcome.generation,
  };
  setCondition(conditions, { type: ConditionType.Ready, status: 'False', ...fields }, now);
  setCondition(conditions, { type: ConditionType.Reconciling, status: 'True', ...fields }, now);
  removeCondition(conditions, ConditionType.Stalled);
}

/** A human must act: invalid spec, or an environment problem retried only at resync. */
export function markStalled(status: KstatusFields, outcome: Outcome, clock: Clock) {
  const conditions = conditionsOf(status);
  const now = clock.now();
  const fields = {
    reason: outcome.reason,
    message: outcome.message ?? '',
    observedGeneration: outcome.generation,
  };
  setCondition(conditions, { type: ConditionType.Ready, status: 'False', ...fields }, now);
  setCondition(conditions, { type: ConditionType.Stalled, status: 'True', ...fields }, now);
  removeCondition(conditions, ConditionType.Reconciling);
  status.observedGeneration = outcome.generation;
}
