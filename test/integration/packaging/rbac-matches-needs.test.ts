// The chart's RBAC must grant exactly what src/rbac-needs.ts declares, in the declared
// scope: nothing more (least privilege), nothing less (the operator would be refused).
import { describe, expect, it } from 'vitest';
import { needsIn, type PinnedName, type RbacScope } from '../../../src/rbac-needs.ts';
import { named, ofKind, type RenderedObject, renderChart } from './support/rendered-chart.ts';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** `verb group/resource`, with ` named <name>` for a rule pinned by resourceNames. */
function pairsOf(role: RenderedObject): string[] {
  const rules = (role.rules ?? []) as PolicyRule[];
  return rules
    .flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.flatMap((resource) =>
          rule.verbs.map(
            (verb) =>
              `${verb} ${group || 'core'}/${resource}${rule.resourceNames ? ` named ${rule.resourceNames.join(',')}` : ''}`,
          ),
        ),
      ),
    )
    .sort();
}

const DEFAULT_NAMES: Record<PinnedName, string> = {
  lease: 'logicops-leader',
  credentialSecret: '',
  credentialServiceAccount: '',
};

/**
 * The needs of a scope as pairsOf writes them, pinned needs with the name the chart configures;
 * the workload-identity needs only when a ServiceAccount is named.
 */
function declared(scope: RbacScope, names: Partial<Record<PinnedName, string>> = {}): string[] {
  const pinned = { ...DEFAULT_NAMES, ...names };
  return needsIn(scope)
    .filter((need) => !need.workloadIdentityOnly || names.credentialServiceAccount !== undefined)
    .flatMap((need) =>
      need.verbs.map(
        (verb) =>
          `${verb} ${need.apiGroup || 'core'}/${need.resource}${need.pinnedTo ? ` named ${pinned[need.pinnedTo]}` : ''}`,
      ),
    )
    .sort();
}

// The chart builds these; keep in step with templates/rbac.yaml.
const TIMEOUT = 600_000;

describe('chart RBAC equals the declared needs', () => {
  it(
    'watching all namespaces: one ClusterRole per scope, cluster-wide bindings, Roles for the lease and the records',
    async () => {
      const objects = await renderChart();
      expect(pairsOf(named(objects, 'ClusterRole', 'logicops-manager'))).toEqual(declared('watched'));
      expect(pairsOf(named(objects, 'ClusterRole', 'logicops-namespaces'))).toEqual(declared('cluster'));
      const leases = named(objects, 'Role', 'logicops-leader-election');
      const records = named(objects, 'Role', 'logicops-records');
      expect(leases.metadata.namespace).toBe('logicops-system');
      expect(records.metadata.namespace).toBe('logicops-system');
      expect([...pairsOf(leases), ...pairsOf(records)].sort()).toEqual(declared('release'));
      expect(pairsOf(records).every((pair) => pair.endsWith(' core/configmaps'))).toBe(true);
      expect(
        ofKind(objects, 'ClusterRoleBinding')
          .map((b) => b.metadata.name)
          .sort(),
      ).toEqual(['logicops-manager', 'logicops-namespaces']);
      // No credentials configured: the only Secret permission is get, for spec.parametersFrom
      // (bound like the watched kinds); never list or watch.
      const everyRole = [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')];
      expect(everyRole.flatMap(pairsOf).filter((pair) => pair.includes('secrets'))).toEqual([
        'get core/secrets',
      ]);
      expect(pairsOf(named(objects, 'ClusterRole', 'logicops-manager'))).toContain('get core/secrets');
    },
    TIMEOUT,
  );

  it(
    'the Lease is pinned to the configured name for get and update; only create (which RBAC cannot pin) is open',
    async () => {
      const objects = await renderChart({ 'leaderElection.leaseName': 'blue-shard-leader' });
      const role = named(objects, 'Role', 'logicops-leader-election');
      const records = named(objects, 'Role', 'logicops-records');
      expect([...pairsOf(role), ...pairsOf(records)].sort()).toEqual(
        declared('release', { lease: 'blue-shard-leader' }),
      );
      expect(pairsOf(role)).toEqual([
        'create coordination.k8s.io/leases',
        'get coordination.k8s.io/leases named blue-shard-leader',
        'update coordination.k8s.io/leases named blue-shard-leader',
      ]);
      const deployment = named(objects, 'Deployment', 'logicops') as unknown as {
        spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
      };
      const env = deployment.spec.template.spec.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === 'LOGICOPS_LEASE_NAME')?.value).toBe('blue-shard-leader');
    },
    TIMEOUT,
  );

  it(
    'watching a list of namespaces: the watched kinds are bound per namespace, never cluster-wide',
    async () => {
      const objects = await renderChart({ watchNamespaces: '{team-a,team-b}' });
      const bindings = ofKind(objects, 'RoleBinding').filter((b) => b.metadata.name === 'logicops-manager');
      expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
      expect(ofKind(objects, 'ClusterRoleBinding').map((b) => b.metadata.name)).toEqual([
        'logicops-namespaces',
      ]);
    },
    TIMEOUT,
  );

  it(
    'per-namespace credentials: a Role per Secret, get by name only',
    async () => {
      const objects = await renderChart({
        'azure.namespaceCredentials[0].namespace': 'team-a',
        'azure.namespaceCredentials[0].secretName': 'azure-cred',
      });
      const role = named(objects, 'Role', 'logicops-credential-azure-cred');
      expect(role.metadata.namespace).toBe('team-a');
      expect(pairsOf(role)).toEqual(declared('credential', { credentialSecret: 'azure-cred' }));
      expect((role.rules as PolicyRule[])[0]?.resourceNames).toEqual(['azure-cred']);
      const binding = named(objects, 'RoleBinding', 'logicops-credential-azure-cred');
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'logicops', namespace: 'logicops-system' },
      ]);
      // Beyond the credential Role: only the watched get of spec.parametersFrom, never pinned, listed or watched.
      expect(
        ofKind(objects, 'ClusterRole')
          .flatMap(pairsOf)
          .filter((p) => p.includes('secrets')),
      ).toEqual(['get core/secrets']);
    },
    TIMEOUT,
  );

  it(
    'per-namespace workload identity: the same Role also allows a TokenRequest for exactly the named ServiceAccount',
    async () => {
      const objects = await renderChart({
        'azure.namespaceCredentials[0].namespace': 'team-a',
        'azure.namespaceCredentials[0].secretName': 'azure-cred',
        'azure.namespaceCredentials[1].namespace': 'team-b',
        'azure.namespaceCredentials[1].secretName': 'azure-wi',
        'azure.namespaceCredentials[1].serviceAccount': 'logicops-azure',
      });
      const clientSecretRole = named(objects, 'Role', 'logicops-credential-azure-cred');
      expect(pairsOf(clientSecretRole)).toEqual(declared('credential', { credentialSecret: 'azure-cred' }));
      const role = named(objects, 'Role', 'logicops-credential-azure-wi');
      expect(role.metadata.namespace).toBe('team-b');
      expect(pairsOf(role)).toEqual(
        declared('credential', { credentialSecret: 'azure-wi', credentialServiceAccount: 'logicops-azure' }),
      );
      expect(pairsOf(role)).toContain('create core/serviceaccounts/token named logicops-azure');
      expect(
        [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')]
          .filter((r) => r !== role)
          .flatMap(pairsOf)
          .filter((p) => p.includes('serviceaccounts')),
      ).toEqual([]);
    },
    TIMEOUT,
  );
});
