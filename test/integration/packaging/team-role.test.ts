// The optional team role: what a platform team grants application teams. It must never reach
// the kinds' /status (status is the operator's report) and never use a wildcard, which would.
import { describe, expect, it } from 'vitest';
import { named, ofKind, renderChart } from './support/rendered-chart.ts';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const TIMEOUT = 600_000;
const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
const EDIT_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

describe('chart team role', () => {
  it(
    'is not rendered unless asked for',
    async () => {
      const roles = ofKind(await renderChart(), 'ClusterRole').map((role) => role.metadata.name);
      expect(roles).not.toContain('logicops-team');
    },
    TIMEOUT,
  );

  it(
    "grants logicops' kinds and ConfigMaps to edit, Events to read, and nothing else: no /status, no wildcard",
    async () => {
      const role = named(await renderChart({ 'teamRole.enabled': 'true' }), 'ClusterRole', 'logicops-team');
      const rules = role.rules as PolicyRule[];
      expect(rules).toEqual([
        {
          apiGroups: ['logicops.io'],
          resources: [
            'logicappworkflows',
            'vaultsecretbindings',
            'workflowroleassignments',
            'logicappconnections',
          ],
          verbs: EDIT_VERBS,
        },
        { apiGroups: [''], resources: ['configmaps'], verbs: EDIT_VERBS },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      ]);
      const everything = rules.flatMap((rule) => [...rule.apiGroups, ...rule.resources, ...rule.verbs]);
      expect(everything.filter((value) => value.includes('*'))).toEqual([]);
      expect(rules.flatMap((rule) => rule.resources).filter((resource) => resource.includes('/'))).toEqual(
        [],
      );
      expect(role.metadata.labels?.[AGGREGATE_TO_EDIT]).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    'carries the aggregate-to-edit label when asked to',
    async () => {
      const role = named(
        await renderChart({ 'teamRole.enabled': 'true', 'teamRole.aggregateToEdit': 'true' }),
        'ClusterRole',
        'logicops-team',
      );
      expect(role.metadata.labels?.[AGGREGATE_TO_EDIT]).toBe('true');
    },
    TIMEOUT,
  );
});
