// kstatus's Compute for custom resources (anchors-features.md §4.1), so tests can assert what
// Flux, Argo CD's kstatus users and `kubectl wait` will conclude from a status we wrote.
import { type Condition, ConditionType } from './conditions.ts';

export type KstatusResult = 'InProgress' | 'Failed' | 'Current' | 'Terminating';

interface ObjectWithStatus {
  metadata?: { generation?: number; deletionTimestamp?: unknown };
  status?: { observedGeneration?: number; conditions?: readonly Condition[] };
}

export function computeKstatus(object: ObjectWithStatus): KstatusResult {
  if (object.metadata?.deletionTimestamp) return 'Terminating';
  const generation = object.metadata?.generation;
  const observed = object.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && generation !== observed) return 'InProgress';
  for (const condition of object.status?.conditions ?? []) {
    if (condition.type === ConditionType.Reconciling && condition.status === 'True') return 'InProgress';
    if (condition.type === ConditionType.Stalled && condition.status === 'True') return 'Failed';
  }
  const ready = object.status?.conditions?.find((condition) => condition.type === ConditionType.Ready);
  if (ready && ready.status !== 'True') return 'InProgress';
  return 'Current';
}
