// logicops_objects and logicops_quota_* from the informer caches, recomputed at each scrape:
// both replicas have warm caches, so either answers, and nothing needs to remember series
// between passes. They read status, which a team with `*/status` rights can forge; these
// series only inform alerts (no Azure decision rests on them), and every label value is taken
// from a fixed list, so a forged status can move a figure but never add a series.
import { type Condition, ConditionType, type QuotaUsage, Reason } from '../crds/index.ts';
import type { OperatorMetrics, QuotaFigure } from './metrics.ts';

/** The limits the controllers report in `status.quota` (logic-app-workflow/quota.ts, the binding's grant steps). */
export const QUOTA_LIMIT_NAMES: ReadonlySet<string> = new Set([
  'WorkflowsPerRegion',
  'ManagedIdentityWorkflowsPerSubscriptionRegion',
  'AccessPoliciesPerVault',
  'RoleAssignmentsPerSubscription',
]);

const KNOWN_REASONS: ReadonlySet<string> = new Set(Object.values(Reason));
const READY_STATUSES: ReadonlySet<string> = new Set(['True', 'False', 'Unknown']);

interface ObservedObject {
  status?: { conditions?: readonly Condition[]; quota?: readonly QuotaUsage[] };
}

export interface ObjectSource {
  /** `LogicAppWorkflow` or `VaultSecretBinding`: the `kind` label. */
  kind: string;
  list(): readonly Readonly<ObservedObject>[];
}

/** Objects per Ready status and reason; a reason outside the shared vocabulary counts as `Unrecognized`. */
export function countByReadyReason(
  objects: readonly Readonly<ObservedObject>[],
): Array<{ ready: string; reason: string; count: number }> {
  const counts = new Map<string, { ready: string; reason: string; count: number }>();
  for (const object of objects) {
    const ready = object.status?.conditions?.find((c) => c.type === ConditionType.Ready);
    // Not reconciled yet: no Ready condition, no reason.
    const status = ready && READY_STATUSES.has(ready.status) ? ready.status : 'Unknown';
    const reason = !ready ? '' : KNOWN_REASONS.has(ready.reason) ? ready.reason : 'Unrecognized';
    const key = `${status}/${reason}`;
    const entry = counts.get(key) ?? { ready: status, reason, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** Each object's first figure per known limit, when its numbers make sense. */
export function quotaFigures(objects: readonly Readonly<ObservedObject>[]): QuotaFigure[] {
  const figures: QuotaFigure[] = [];
  for (const object of objects) {
    const seen = new Set<string>();
    for (const usage of object.status?.quota ?? []) {
      if (!QUOTA_LIMIT_NAMES.has(usage.name) || seen.has(usage.name)) continue;
      if (
        !(Number.isFinite(usage.used) && usage.used >= 0 && Number.isFinite(usage.limit) && usage.limit > 0)
      )
        continue;
      seen.add(usage.name);
      figures.push({ limit: usage.name, scope: String(usage.scope), used: usage.used, max: usage.limit });
    }
  }
  return figures;
}

/** Refreshes logicops_objects and logicops_quota_* from `sources` before every scrape. */
export function collectObjectMetrics(metrics: OperatorMetrics, sources: readonly ObjectSource[]): void {
  metrics.onCollect(() => {
    const figures: QuotaFigure[] = [];
    for (const source of sources) {
      const objects = source.list();
      metrics.objects(source.kind, countByReadyReason(objects));
      figures.push(...quotaFigures(objects));
    }
    metrics.quota(figures);
  });
}
