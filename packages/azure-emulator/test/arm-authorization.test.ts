// ARM authorization through the real SDK clients: a call is allowed only when the caller (its
// token's oid) holds a role assignment at the request's scope or above it whose role grants the
// operation's action; otherwise ARM answers 403 AuthorizationFailed, "The client '<oid>' with
// object id '<oid>' does not have authorization to perform action '<action>' over scope
// '<scope>' or the scope is invalid. If access was recently granted, please refresh your
// credentials." (learn.microsoft.com/azure/role-based-access-control/troubleshooting; the body
// as ARM sent it: Azure/ARO-RP#66). Inheritance down the scopes:
// learn.microsoft.com/azure/role-based-access-control/scope-overview. Role permissions (actions,
// notActions, wildcards): learn.microsoft.com/azure/role-based-access-control/built-in-roles and
// .../role-definitions. A token from another tenant than the subscription's: 401
// InvalidAuthenticationTokenTenant (as ARM answered in Azure/azure-sdk-for-net#49391).
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LogicManagementClient } from '@azure/arm-logic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR_OBJECT_ID, DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../src/index.ts';
import { admin, DEFINITION, type Harness } from './support/harness.ts';
import {
  assignRole,
  groupScope,
  LOCATION,
  type RegisteredApp,
  registerSecretApp,
  SUBSCRIPTION_2,
  SUBSCRIPTION_3,
  startTenancyHarness,
  TENANT_B,
} from './support/tenancy.ts';

let h: Harness;
beforeAll(async () => {
  h = await startTenancyHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

const workflow = { location: LOCATION, definition: DEFINITION };

function logic(app: RegisteredApp, subscriptionId: string) {
  return new LogicManagementClient(app.credential, subscriptionId, { endpoint: h.emu.armEndpoint });
}

function refusal(principalId: string, action: string, scope: string) {
  return {
    statusCode: 403,
    code: 'AuthorizationFailed',
    message: `The client '${principalId}' with object id '${principalId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  };
}

describe('ARM authorization: a Contributor of one resource group', () => {
  let teamA: RegisteredApp;
  beforeAll(async () => {
    teamA = await registerSecretApp(h, DEMO_TENANT_ID, 'team-a');
    await assignRole(h, teamA.objectId, 'Contributor', groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a'));
  });

  it('writes, reads, lists and deletes workflows in its group', async () => {
    const client = logic(teamA, DEMO_SUBSCRIPTION_ID);
    const created = await client.workflows.createOrUpdate('rg-a', 'wf-a', workflow);
    expect(created.name).toBe('wf-a');
    expect((await client.workflows.get('rg-a', 'wf-a')).id).toBe(created.id);
    const listed = [];
    for await (const item of client.workflows.listByResourceGroup('rg-a')) listed.push(item.name);
    expect(listed).toEqual(['wf-a']);
    await client.workflows.delete('rg-a', 'wf-a');
  });

  it('is refused in the neighbouring group with AuthorizationFailed, and nothing is written', async () => {
    const client = logic(teamA, DEMO_SUBSCRIPTION_ID);
    const scope = `${groupScope(DEMO_SUBSCRIPTION_ID, 'rg-b')}/providers/Microsoft.Logic/workflows/wf-b`;
    await expect(client.workflows.createOrUpdate('rg-b', 'wf-b', workflow)).rejects.toMatchObject(
      refusal(teamA.objectId, 'Microsoft.Logic/workflows/write', scope),
    );
    await expect(client.workflows.get('rg-b', 'wf-b')).rejects.toMatchObject(
      refusal(teamA.objectId, 'Microsoft.Logic/workflows/read', scope),
    );
    expect(Object.keys(h.emu.state.workflows).some((key) => key.includes('/rg-b/'))).toBe(false);
  });

  it('is refused for a group that does not exist as for one it cannot see ("or the scope is invalid")', async () => {
    const client = logic(teamA, DEMO_SUBSCRIPTION_ID);
    await expect(client.workflows.get('rg-nowhere', 'wf')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
  });

  it('cannot write role assignments, even in its group: Contributor excludes Microsoft.Authorization/*/Write', async () => {
    const authorization = new AuthorizationManagementClient(teamA.credential, DEMO_SUBSCRIPTION_ID, {
      endpoint: h.emu.armEndpoint,
    });
    const name = '2b6e6f04-5a8b-4b8e-9a51-6c2b0e1f0a01';
    const scope = groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a');
    await expect(
      authorization.roleAssignments.create(scope, name, {
        roleDefinitionId: `/subscriptions/${DEMO_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        principalId: teamA.objectId,
        principalType: 'ServicePrincipal',
      }),
    ).rejects.toMatchObject(
      refusal(
        teamA.objectId,
        'Microsoft.Authorization/roleAssignments/write',
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      ),
    );
    // Reads are not excluded: Contributor's actions are `*`.
    const listed = [];
    for await (const item of authorization.roleAssignments.listForScope(scope, { filter: 'atScope()' }))
      listed.push(item.principalId);
    expect(listed).toContain(teamA.objectId);
  });

  it("is answered 401 InvalidAuthenticationTokenTenant in tenant B's subscription", async () => {
    const client = logic(teamA, SUBSCRIPTION_3);
    const refused = client.workflows.createOrUpdate('rg-c', 'wf-c', workflow);
    await expect(refused).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationTokenTenant',
    });
    await expect(refused).rejects.toThrow(
      `It must match the tenant '${h.emu.authorityHost}/${TENANT_B}/v2.0' associated with this subscription.`,
    );
  });
});

describe('ARM authorization: inheritance from the subscription scope', () => {
  it('a Logic App Contributor at the subscription writes workflows in every group of it, and nothing else', async () => {
    const app = await registerSecretApp(h, DEMO_TENANT_ID, 'subscription-logic');
    await assignRole(h, app.objectId, 'Logic App Contributor', `/subscriptions/${SUBSCRIPTION_2}`);
    const client = logic(app, SUBSCRIPTION_2);
    expect((await client.workflows.createOrUpdate('rg-s2', 'inherited', workflow)).name).toBe('inherited');
    // Its action list has Microsoft.Logic/* but nothing of Key Vault.
    const keyVault = new KeyVaultManagementClient(app.credential, SUBSCRIPTION_2, {
      endpoint: h.emu.armEndpoint,
    });
    await expect(keyVault.vaults.get('rg-s2', 'kv-none')).rejects.toMatchObject(
      refusal(
        app.objectId,
        'Microsoft.KeyVault/vaults/read',
        `${groupScope(SUBSCRIPTION_2, 'rg-s2')}/providers/Microsoft.KeyVault/vaults/kv-none`,
      ),
    );
    // The same role in S2 does not reach S1.
    await expect(logic(app, DEMO_SUBSCRIPTION_ID).workflows.get('rg-a', 'x')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
  });

  it('a Reader at the subscription reads but cannot write; a removed assignment stops counting at once', async () => {
    const app = await registerSecretApp(h, DEMO_TENANT_ID, 'subscription-reader');
    const assignment = await assignRole(h, app.objectId, 'Reader', `/subscriptions/${SUBSCRIPTION_2}`);
    const client = logic(app, SUBSCRIPTION_2);
    expect((await client.workflows.get('rg-s2', 'inherited')).name).toBe('inherited');
    await expect(client.workflows.createOrUpdate('rg-s2', 'by-reader', workflow)).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    expect((await admin(h.emu, 'DELETE', `/role-assignments/${assignment}`)).status).toBe(204);
    await expect(client.workflows.get('rg-s2', 'inherited')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
  });
});

describe('ARM authorization: Key Vault access policies', () => {
  const policy = (objectId: string) => ({
    properties: {
      accessPolicies: [{ tenantId: DEMO_TENANT_ID, objectId, permissions: { secrets: ['get' as const] } }],
    },
  });

  it('a Key Vault Contributor on the group adds an access policy; a Logic App Contributor is refused', async () => {
    const vaultAdmin = await registerSecretApp(h, DEMO_TENANT_ID, 'vault-admin');
    await assignRole(
      h,
      vaultAdmin.objectId,
      'Key Vault Contributor',
      groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a'),
    );
    const allowed = new KeyVaultManagementClient(vaultAdmin.credential, DEMO_SUBSCRIPTION_ID, {
      endpoint: h.emu.armEndpoint,
    });
    const grantee = '7d5a3c1e-0000-4000-8000-00000000aaaa';
    await allowed.vaults.updateAccessPolicy('rg-a', 'kv-team-a', 'add', policy(grantee));
    const vault = await allowed.vaults.get('rg-a', 'kv-team-a');
    expect(vault.properties.accessPolicies?.map((entry) => entry.objectId)).toContain(grantee);

    const logicOnly = await registerSecretApp(h, DEMO_TENANT_ID, 'logic-only');
    await assignRole(
      h,
      logicOnly.objectId,
      'Logic App Contributor',
      groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a'),
    );
    const refused = new KeyVaultManagementClient(logicOnly.credential, DEMO_SUBSCRIPTION_ID, {
      endpoint: h.emu.armEndpoint,
    });
    await expect(
      refused.vaults.updateAccessPolicy('rg-a', 'kv-team-a', 'remove', policy(grantee)),
    ).rejects.toMatchObject(
      refusal(
        logicOnly.objectId,
        'Microsoft.KeyVault/vaults/accessPolicies/write',
        `${groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a')}/providers/Microsoft.KeyVault/vaults/kv-team-a/accessPolicies/remove`,
      ),
    );
    const after = await allowed.vaults.get('rg-a', 'kv-team-a');
    expect(after.properties.accessPolicies?.map((entry) => entry.objectId)).toContain(grantee);
  });
});

describe('ARM authorization: the default world', () => {
  it("keeps the operator's app an Owner of the demo subscription without a role assignment record", async () => {
    expect(
      Object.values(h.emu.state.roleAssignments).some((ra) => ra.principalId === DEMO_OPERATOR_OBJECT_ID),
    ).toBe(false);
    const created = await h.logic.workflows.createOrUpdate('rg-b', 'by-operator', workflow);
    expect(created.name).toBe('by-operator');
    // Owner includes Microsoft.Authorization/*: the operator may grant roles, as an Owner may.
    const name = '2b6e6f04-5a8b-4b8e-9a51-6c2b0e1f0a02';
    await h.authorization.roleAssignments.create(groupScope(DEMO_SUBSCRIPTION_ID, 'rg-b'), name, {
      roleDefinitionId: `/subscriptions/${DEMO_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      principalId: '7d5a3c1e-0000-4000-8000-00000000bbbb',
      principalType: 'ServicePrincipal',
    });
    // …but only there: S2 has no standing owner.
    const elsewhere = new LogicManagementClient(h.credential, SUBSCRIPTION_2, {
      endpoint: h.emu.armEndpoint,
    });
    await expect(elsewhere.workflows.get('rg-s2', 'inherited')).rejects.toMatchObject(
      refusal(
        DEMO_OPERATOR_OBJECT_ID,
        'Microsoft.Logic/workflows/read',
        `${groupScope(SUBSCRIPTION_2, 'rg-s2')}/providers/Microsoft.Logic/workflows/inherited`,
      ),
    );
  });
});
