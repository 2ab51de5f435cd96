// Issue 23: one cluster, several teams, each with its own Azure identity, in two Entra tenants
// and three subscriptions. The end-to-end story — a workflow and a binding, Ready, and the
// workflow's identity reading its one secret through Key Vault's data plane — runs in every
// namespace, and the emulator's request log shows every ARM call of each namespace made by that
// namespace's own principal, and none by another's.
//   team-b:  its own client-secret app in tenant B, Owner of subscription S2 (tenant B)
//   team-wi: workload identity — its ServiceAccount's token exchanged for its app in tenant A —,
//            Owner of subscription S3 (tenant A)
//   shared:  no credential of its own, acts as the operator's identity in the demo subscription (tenant A)
import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_RESOURCE_GROUP,
} from '@logicops/azure-emulator';
import { managedIdentityCredential, secretClient } from '@logicops/azure-emulator/test-support/data-plane';
import { admin } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureClients } from '../../../src/azure/index.ts';
import { eventually } from '../../support/eventually.ts';
import {
  condition,
  createBinding,
  createWorkflow,
  emulatedWorkflow,
  keyVaultDefinition,
  type MustShowWorld,
  readBinding,
  readWorkflow,
  startMustShowWorld,
} from '../controllers/must-show-support.ts';
import { adminKubeConfig, kubectl } from '../support/cluster.ts';
import { type InProcessOperator, startInProcessOperator } from '../support/operator-env.ts';

const TENANT_B = randomUUID();
const S2 = randomUUID();
const S3 = randomUUID();
const RG_B = 'team-b-rg';
const RG_WI = 'team-wi-rg';
const VAULT_WI = `kv-team-wi-${S3.slice(0, 6)}`;
const VAULT_B = `kv-team-b-${S2.slice(0, 6)}`;
const SECRET_NAME = 'partner-api-key';
const TEAM_B_SECRET = 'team-b-client-secret-0123456789abcdef';
const SETUP_SECRET = 'platform-setup-secret-0123456789abcdef';

interface Team {
  namespace: string;
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
  /** Who must have made every ARM call of this namespace. */
  principal: string;
}

describe('teams with their own Azure identities, in two tenants', () => {
  let world: MustShowWorld;
  let operator: InProcessOperator | undefined;
  let operatorStartedAt = 0;
  const teams: Record<'teamB' | 'teamWI' | 'shared', Team> = {} as never;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  beforeAll(async () => {
    world = await startMustShowWorld({
      prefixes: ['tenants-b', 'tenants-shared', 'tenants-wi'],
      // Every scope is allowed by the namespace policy: only Azure RBAC keeps the teams apart here.
      policy: () => ({
        resourceGroups: '/subscriptions/*/resourceGroups/*',
        vaults: '/subscriptions/*/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*',
      }),
    });
    const [teamBNamespace = '', sharedNamespace = '', wiNamespace = ''] = world.namespaces;
    const { emulator } = world;
    await admin(emulator, 'POST', '/tenants', { tenantId: TENANT_B, displayName: 'tenant B' });
    await admin(emulator, 'POST', '/subscriptions', { subscriptionId: S2, tenantId: TENANT_B });
    const app = (
      await admin(emulator, 'POST', '/applications', {
        tenantId: TENANT_B,
        displayName: 'team-b',
        clientSecret: TEAM_B_SECRET,
      })
    ).body as { clientId: string; objectId: string };
    await admin(emulator, 'POST', '/role-assignments', {
      scope: `/subscriptions/${S2}`,
      role: 'Owner',
      principalId: app.objectId,
    });
    await admin(emulator, 'POST', '/resource-groups', {
      subscriptionId: S2,
      name: RG_B,
      location: 'westeurope',
    });
    // Team B creates its vault itself, as its own identity, and stores its secret.
    const teamCredential = new ClientSecretCredential(TENANT_B, app.clientId, TEAM_B_SECRET, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
    });
    const teamClients = createAzureClients({
      armEndpoint: emulator.armEndpoint,
      subscriptionId: S2,
      credential: teamCredential,
    });
    await teamClients.keyVault.vaults.beginCreateOrUpdateAndWait(RG_B, VAULT_B, {
      location: 'westeurope',
      properties: { tenantId: TENANT_B, sku: { family: 'A', name: 'standard' }, accessPolicies: [] },
    });
    await admin(emulator, 'PUT', `/vaults/${VAULT_B}/secrets/${SECRET_NAME}`, {
      value: 'team-b-partner-key',
    });
    await core.createNamespacedSecret({
      namespace: teamBNamespace,
      body: {
        metadata: { name: 'azure' },
        stringData: { tenantId: TENANT_B, clientId: app.clientId, clientSecret: TEAM_B_SECRET },
      },
    });
    // Team WI: no secret anywhere. Its Entra app trusts the cluster's service-account issuer for
    // its ServiceAccount (the emulator is told the issuer's keys, as Entra ID would discover them).
    const discovery = JSON.parse(
      (await kubectl(['get', '--raw', '/.well-known/openid-configuration'])).stdout,
    );
    const jwks = JSON.parse((await kubectl(['get', '--raw', '/openid/v1/jwks'])).stdout);
    await admin(emulator, 'POST', '/oidc-issuers', { issuer: discovery.issuer, jwks });
    await admin(emulator, 'POST', '/subscriptions', { subscriptionId: S3 });
    const wiApp = (
      await admin(emulator, 'POST', '/applications', {
        displayName: 'team-wi',
        federatedCredentials: [
          { issuer: discovery.issuer, subject: `system:serviceaccount:${wiNamespace}:azure` },
        ],
      })
    ).body as { clientId: string; objectId: string };
    await admin(emulator, 'POST', '/role-assignments', {
      scope: `/subscriptions/${S3}`,
      role: 'Owner',
      principalId: wiApp.objectId,
    });
    await admin(emulator, 'POST', '/resource-groups', {
      subscriptionId: S3,
      name: RG_WI,
      location: 'westeurope',
    });
    // Its vault is made by a setup app of the platform team (the operator's calls are judged
    // from `operatorStartedAt` on).
    const setup = (
      await admin(emulator, 'POST', '/applications', {
        displayName: 'platform-setup',
        clientSecret: SETUP_SECRET,
      })
    ).body as { clientId: string; objectId: string };
    await admin(emulator, 'POST', '/role-assignments', {
      scope: `/subscriptions/${S3}`,
      role: 'Key Vault Contributor',
      principalId: setup.objectId,
    });
    await createAzureClients({
      armEndpoint: emulator.armEndpoint,
      subscriptionId: S3,
      credential: new ClientSecretCredential(emulator.tenantId, setup.clientId, SETUP_SECRET, {
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
      }),
    }).keyVault.vaults.beginCreateOrUpdateAndWait(RG_WI, VAULT_WI, {
      location: 'westeurope',
      properties: { tenantId: emulator.tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies: [] },
    });
    await admin(emulator, 'PUT', `/vaults/${VAULT_WI}/secrets/${SECRET_NAME}`, {
      value: 'team-wi-partner-key',
    });
    await core.createNamespacedServiceAccount({
      namespace: wiNamespace,
      body: { metadata: { name: 'azure' } },
    });
    await core.createNamespacedSecret({
      namespace: wiNamespace,
      body: {
        metadata: { name: 'azure' },
        stringData: { tenantId: emulator.tenantId, clientId: wiApp.clientId, serviceAccount: 'azure' },
      },
    });
    teams.teamWI = {
      namespace: wiNamespace,
      subscriptionId: S3,
      resourceGroup: RG_WI,
      vault: VAULT_WI,
      principal: wiApp.objectId,
    };
    teams.teamB = {
      namespace: teamBNamespace,
      subscriptionId: S2,
      resourceGroup: RG_B,
      vault: VAULT_B,
      principal: app.objectId,
    };
    teams.shared = {
      namespace: sharedNamespace,
      subscriptionId: emulator.subscriptionId,
      resourceGroup: DEMO_RESOURCE_GROUP,
      vault: DEMO_ACCESS_POLICY_VAULT,
      principal: DEMO_OPERATOR_OBJECT_ID,
    };
    operatorStartedAt = world.emulator.requests().at(-1)?.seq ?? 0;
    operator = await startInProcessOperator(emulator, world.namespaces, {
      instance: teamBNamespace,
      flags: ['--namespace-credentials', `${teamBNamespace}=azure,${wiNamespace}=azure`],
    });
  }, 120_000);
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
  });

  const armCallsUnder = (subscriptionId: string) =>
    world.emulator
      .requests(operatorStartedAt)
      .filter(
        (entry) =>
          entry.plane === 'arm' && entry.path.toLowerCase().includes(`/subscriptions/${subscriptionId}/`),
      );

  it.each(['teamB', 'teamWI', 'shared'] as const)(
    'runs the story in %s: Ready, and the identity reads its one secret',
    async (key) => {
      const team = teams[key];
      const vaultId = `/subscriptions/${team.subscriptionId}/resourceGroups/${team.resourceGroup}/providers/Microsoft.KeyVault/vaults/${team.vault}`;
      const workflow = `story-${key.toLowerCase()}`;
      await createWorkflow(world, team.namespace, workflow, {
        subscriptionId: team.subscriptionId,
        resourceGroup: team.resourceGroup,
        definition: keyVaultDefinition('keyUri'),
      });
      await createBinding(world, team.namespace, `${workflow}-key`, {
        workflowRef: { name: workflow },
        vaultId,
        secretName: SECRET_NAME,
        parameterName: 'keyUri',
      });
      await eventually(async () => {
        expect(condition(await readWorkflow(world, team.namespace, workflow), 'Ready')).toMatchObject({
          status: 'True',
        });
        expect(condition(await readBinding(world, team.namespace, `${workflow}-key`), 'Ready')).toMatchObject(
          {
            status: 'True',
          },
        );
      }, 90_000);
      const deployed = emulatedWorkflow(world.emulator, workflow);
      const principalId = deployed?.identity?.type === 'SystemAssigned' ? deployed.identity.principalId : '';
      expect(principalId).not.toBe('');
      const secret = await secretClient(
        world.emulator,
        `https://${team.vault}.vault.azure.net/`,
        managedIdentityCredential(world.emulator, principalId),
      ).getSecret(SECRET_NAME);
      expect(secret.value).toBeTruthy();
    },
  );

  it("shows every ARM call of each namespace made by that namespace's own principal, and none by another's", () => {
    const teamB = armCallsUnder(S2).filter((entry) => entry.callerObjectId !== undefined);
    const teamWI = armCallsUnder(S3).filter((entry) => entry.callerObjectId !== undefined);
    const shared = armCallsUnder(world.emulator.subscriptionId).filter(
      (entry) =>
        /\/workflows\/story-shared|\/vaults\//i.test(entry.path) && entry.callerObjectId !== undefined,
    );
    expect(teamB.length).toBeGreaterThan(0);
    expect(teamWI.some((entry) => /\/workflows\/story-teamwi$/i.test(entry.path))).toBe(true);
    expect(shared.length).toBeGreaterThan(0);
    // Tenant B's subscription: the team's own app, nobody else.
    expect(new Set(teamB.map((entry) => entry.callerObjectId))).toEqual(new Set([teams.teamB.principal]));
    // Subscription S3: the app the workload identity's token was exchanged for, nobody else.
    expect(new Set(teamWI.map((entry) => entry.callerObjectId))).toEqual(new Set([teams.teamWI.principal]));
    // The operator's identity acted for the namespace without a credential, and never in S2.
    expect(new Set(shared.map((entry) => entry.callerObjectId))).toEqual(new Set([teams.shared.principal]));
  });
});
