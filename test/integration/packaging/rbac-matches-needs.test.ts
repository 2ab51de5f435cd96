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
      // No credentials configured and every namespace watched: no Secret permission at all, for
      // spec.parametersFrom and spec.callbackUrl neither (none is listed in workflowSecrets.namespaces).
      const everyRole = [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')];
      expect(everyRole.flatMap(pairsOf).filter((pair) => pair.includes('secrets'))).toEqual([]);
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
    'workflow Secrets: a Role per watched namespace by default, per listed namespace when given, never cluster-wide',
    async () => {
      const watched = await renderChart({ watchNamespaces: '{team-a,team-b}' });
      const roles = ofKind(watched, 'Role').filter((r) => r.metadata.name === 'logicops-workflow-secrets');
      expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
      for (const role of roles) expect(pairsOf(role)).toEqual(declared('workflowSecrets'));
      const bindings = ofKind(watched, 'RoleBinding').filter(
        (b) => b.metadata.name === 'logicops-workflow-secrets',
      );
      expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
      for (const binding of bindings) {
        expect(binding.roleRef).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'logicops-workflow-secrets',
        });
      }

      const listed = await renderChart({
        watchNamespaces: '{team-a,team-b}',
        'workflowSecrets.namespaces': '{team-b}',
      });
      expect(
        ofKind(listed, 'Role')
          .filter((r) => r.metadata.name === 'logicops-workflow-secrets')
          .map((r) => r.metadata.namespace),
      ).toEqual(['team-b']);

      // Every namespace watched and one listed: there only.
      const everywhere = await renderChart({ 'workflowSecrets.namespaces': '{team-c}' });
      expect(
        ofKind(everywhere, 'Role')
          .filter((r) => r.metadata.name === 'logicops-workflow-secrets')
          .map((r) => r.metadata.namespace),
      ).toEqual(['team-c']);

      // No ClusterRole mentions Secrets in any of these configurations (the first test: the defaults).
      expect(
        [
          ...ofKind(watched, 'ClusterRole'),
          ...ofKind(listed, 'ClusterRole'),
          ...ofKind(everywhere, 'ClusterRole'),
        ]
          .flatMap(pairsOf)
          .filter((p) => p.includes('secrets')),
      ).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'the unreleased callbackUrls.namespaces is refused by the schema, not silently ignored',
    async () => {
      const refused = await renderChart({ 'callbackUrls.namespaces': '{team-a}' }).then(
        () => 'rendered',
        (error: unknown) => String(error),
      );
      expect(refused).toContain("additional properties 'callbackUrls' not allowed");
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
      // Beyond the credential Role, by name: no Secret permission (every namespace is watched, none listed).
      expect(
        [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')]
          .filter((r) => r !== role)
          .flatMap(pairsOf)
          .filter((p) => p.includes('secrets')),
      ).toEqual([]);
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
