import { BUILT_IN_ROLES, DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import { minimumWrites } from '../../../bench/lower-bound.ts';
import { BENCH_RESOURCE_GROUP, buildScenario, vaultName } from '../../../bench/scenario.ts';
import {
  BENCH_CREDENTIAL_SECRET,
  benchApplicationIds,
  benchSubscriptionId,
  buildSubscriptionsWorld,
  builtInRole,
  interleavedManifests,
  namespaceCredentialsFlag,
  teamRoles,
} from '../../../bench/subscriptions.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION } from '../../../src/vocabulary.ts';

const size = { workflows: 4, vaults: 2, bindingsPerWorkflow: 1, model: 'access-policy' as const };
const secrets = ['secret-one-not-real', 'secret-two-not-real', 'secret-three-not-real'];
const world = buildSubscriptionsWorld(size, {
  count: 3,
  namespacePrefix: 'bench-x',
  tenantId: DEMO_TENANT_ID,
  clientSecrets: secrets,
});

describe('buildSubscriptionsWorld', () => {
  it('makes one subscription, namespace and app registration per share, all distinct', () => {
    expect(world.shares.map((share) => share.namespace)).toEqual(['bench-x-s1', 'bench-x-s2', 'bench-x-s3']);
    const subscriptions = world.shares.map((share) => share.subscriptionId);
    expect(subscriptions).toEqual([1, 2, 3].map(benchSubscriptionId));
    expect(new Set(subscriptions).size).toBe(3);
    expect(subscriptions).not.toContain(DEMO_SUBSCRIPTION_ID);
    expect(world.seed.subscriptions?.map((s) => s.subscriptionId)).toEqual(subscriptions);
    expect(world.seed.applications?.map((a) => a.clientId)).toEqual(
      [1, 2, 3].map((n) => benchApplicationIds(n).clientId),
    );
    // Each app's secret is the one its namespace's Secret will hold.
    world.shares.forEach((share, k) => {
      expect(share.identity).toEqual({
        tenantId: DEMO_TENANT_ID,
        ...benchApplicationIds(k + 1),
        clientSecret: secrets[k],
        secretName: BENCH_CREDENTIAL_SECRET,
      });
      expect(world.seed.applications?.[k]).toMatchObject({
        clientSecret: secrets[k],
        objectId: share.identity?.objectId,
      });
    });
    // Still the demo world besides (the operator's own identity and subscription).
    expect(world.seed.vaults?.map((v) => v.name)).toContain('logicops-demo-kv');
  });

  it('gives every subscription the same share, in its own subscription, with vaults of its own', () => {
    const single = buildScenario(size, DEMO_SUBSCRIPTION_ID, 'ns');
    for (const [k, share] of world.shares.entries()) {
      const number = k + 1;
      expect(share.workflows).toHaveLength(single.workflows.length);
      expect(share.bindings).toHaveLength(single.bindings.length);
      expect(share.vaultNames).toEqual([vaultName(0, number), vaultName(1, number)]);
      for (const workflow of share.workflows) {
        expect(workflow.metadata.namespace).toBe(share.namespace);
        expect(workflow.spec.subscriptionId).toBe(share.subscriptionId);
      }
      for (const binding of share.bindings) {
        expect(binding.metadata.namespace).toBe(share.namespace);
        expect(binding.spec.vaultId).toMatch(
          new RegExp(
            `^/subscriptions/${share.subscriptionId}/resourceGroups/${BENCH_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/bench-s${number}-kv-000[01]$`,
          ),
        );
      }
      expect(share.namespaceAnnotations[ALLOWED_RESOURCE_GROUPS_ANNOTATION]).toBe(
        `/subscriptions/${share.subscriptionId}/resourceGroups/*`,
      );
      const seededVaults = world.seed.vaults?.filter((v) => v.subscriptionId === share.subscriptionId) ?? [];
      expect(seededVaults.map((v) => v.name)).toEqual(share.vaultNames);
      expect(world.seed.resourceGroups).toContainEqual(
        expect.objectContaining({ subscriptionId: share.subscriptionId, name: BENCH_RESOURCE_GROUP }),
      );
      // The floor arithmetic sees the same W in each subscription as in a one-subscription run.
      const writes = (s: typeof share) =>
        minimumWrites({ model: size.model, workflows: s.workflows.length, bindingVaults: s.bindingVaults });
      expect(writes(share)).toBe(writes(single));
    }
    // Key Vault names are global: no two subscriptions share one.
    const allVaults = world.shares.flatMap((share) => share.vaultNames);
    expect(new Set(allVaults).size).toBe(allVaults.length);
  });

  it("gives each team's service principal the least roles, on its own subscription only", () => {
    for (const share of world.shares) {
      const principal = share.identity?.objectId;
      const assigned = (world.seed.roleAssignments ?? [])
        .filter((ra) => ra.principalId === principal)
        .map((ra) => ({ scope: ra.scope, role: BUILT_IN_ROLES[ra.roleDefinitionId] }));
      const subscription = `/subscriptions/${share.subscriptionId}`;
      const group = `${subscription}/resourceGroups/${BENCH_RESOURCE_GROUP}`;
      expect(assigned).toEqual([
        { scope: subscription, role: 'Reader' },
        { scope: group, role: 'Logic App Contributor' },
        { scope: group, role: 'Key Vault Contributor' },
      ]);
    }
  });

  it('refuses a client secret count that does not match the subscriptions', () => {
    expect(() =>
      buildSubscriptionsWorld(size, {
        count: 2,
        namespacePrefix: 'p',
        tenantId: DEMO_TENANT_ID,
        clientSecrets: ['one'],
      }),
    ).toThrow(/need 2 client secrets, got 1/);
  });
});

describe('teamRoles', () => {
  it('grants role assignments instead of access policies in RBAC mode', () => {
    const roles = teamRoles('rbac', benchSubscriptionId(1)).map((r) => BUILT_IN_ROLES[r.roleDefinitionId]);
    expect(roles).toEqual(['Reader', 'Logic App Contributor', 'Role Based Access Control Administrator']);
  });

  it('refuses a role the emulator does not know', () => {
    expect(builtInRole('Reader')).toBe('acdd72a7-3385-48ef-bd42-f606fba81ae7');
    expect(() => builtInRole('Logic Apps Contributor')).toThrow(
      /knows no built-in role 'Logic Apps Contributor'/,
    );
  });
});

describe('namespaceCredentialsFlag', () => {
  it('lists NAMESPACE=SECRET for every share with its own identity, and nothing for the operator', () => {
    expect(namespaceCredentialsFlag(world.shares)).toBe(
      'bench-x-s1=logicops-azure,bench-x-s2=logicops-azure,bench-x-s3=logicops-azure',
    );
    expect(namespaceCredentialsFlag(buildScenario(size, DEMO_SUBSCRIPTION_ID, 'ns').shares)).toBe('');
  });
});

describe('interleavedManifests', () => {
  it('takes the subscriptions in turn, each workflow followed by its bindings', () => {
    const manifests = interleavedManifests(world.shares, size.bindingsPerWorkflow);
    expect(manifests).toHaveLength(3 * (4 + 4));
    expect(manifests.slice(0, 6).map((m) => `${m.metadata.namespace}/${m.kind}/${m.metadata.name}`)).toEqual([
      'bench-x-s1/LogicAppWorkflow/bench-wf-0',
      'bench-x-s1/VaultSecretBinding/bench-wf-0-s0',
      'bench-x-s2/LogicAppWorkflow/bench-wf-0',
      'bench-x-s2/VaultSecretBinding/bench-wf-0-s0',
      'bench-x-s3/LogicAppWorkflow/bench-wf-0',
      'bench-x-s3/VaultSecretBinding/bench-wf-0-s0',
    ]);
  });

  it('is the original order for one subscription', () => {
    const single = buildScenario({ ...size, bindingsPerWorkflow: 2 }, DEMO_SUBSCRIPTION_ID, 'ns');
    expect(interleavedManifests(single.shares, 2).map((m) => m.metadata.name)).toEqual(
      single.workflows.flatMap((w, i) => [
        w.metadata.name,
        ...single.bindings.slice(2 * i, 2 * i + 2).map((b) => b.metadata.name),
      ]),
    );
  });
});
