// Quota headroom: the usage the controllers last reported in status.quota against the limits
// this configuration sets (--quota-* flags). At the limit a create is refused (QuotaExceeded);
// at 90 % (the chart alert's default) it is a warning.
import type { OperatorConfig } from '../config.ts';
import type { QuotaUsage } from '../crds/index.ts';
import { QUOTA_LIMIT_NAMES } from '../observability/object-metrics.ts';
import type { CheckRow } from './report.ts';

export const NEAR_LIMIT_RATIO = 0.9;

const FLAG_OF: Record<string, { flag: string; limit: (quota: OperatorConfig['quota']) => number }> = {
  WorkflowsPerRegion: { flag: '--quota-workflows-per-region', limit: (q) => q.workflowsPerRegion },
  ManagedIdentityWorkflowsPerSubscriptionRegion: {
    flag: '--quota-identity-workflows-per-region',
    limit: (q) => q.managedIdentityWorkflowsPerSubscriptionRegion,
  },
  AccessPoliciesPerVault: {
    flag: '--quota-access-policies-per-vault',
    limit: (q) => q.accessPoliciesPerVault,
  },
  RoleAssignmentsPerSubscription: {
    flag: '--quota-role-assignments-per-subscription',
    limit: (q) => q.roleAssignmentsPerSubscription,
  },
};

export function quotaRows(
  quota: OperatorConfig['quota'],
  objects: readonly { status?: { quota?: readonly QuotaUsage[] } }[],
): CheckRow[] {
  // The highest usage any object reported per (limit, scope): objects counted at different times.
  const used = new Map<string, { name: string; scope: string; used: number }>();
  for (const object of objects) {
    for (const usage of object.status?.quota ?? []) {
      if (!QUOTA_LIMIT_NAMES.has(usage.name) || !Number.isFinite(usage.used)) continue;
      const key = `${usage.name}\n${String(usage.scope).toLowerCase()}`;
      const known = used.get(key);
      if (!known || usage.used > known.used)
        used.set(key, { name: usage.name, scope: usage.scope, used: usage.used });
    }
  }
  const rows: CheckRow[] = [];
  for (const { name, scope, used: count } of [...used.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.scope.localeCompare(b.scope),
  )) {
    const known = FLAG_OF[name];
    if (!known) continue;
    const limit = known.limit(quota);
    const detail = `${name}: ${count} of ${limit} used`;
    if (count >= limit) {
      rows.push({
        check: 'quota',
        target: scope,
        status: 'fail',
        detail: `${detail}: new objects here are refused (QuotaExceeded); free some, or raise ${known.flag} if Azure's own limit allows`,
      });
    } else if (count >= limit * NEAR_LIMIT_RATIO) {
      rows.push({
        check: 'quota',
        target: scope,
        status: 'warn',
        detail: `${detail} (at least ${NEAR_LIMIT_RATIO * 100} %): plan for it before creates are refused`,
      });
    }
  }
  if (rows.length === 0) {
    rows.push({
      check: 'quota',
      target: '',
      status: 'ok',
      detail:
        used.size === 0
          ? 'no usage reported yet (no reconciled objects)'
          : `${used.size} scope${used.size === 1 ? '' : 's'} below ${NEAR_LIMIT_RATIO * 100} % of their limits`,
    });
  }
  return rows;
}
