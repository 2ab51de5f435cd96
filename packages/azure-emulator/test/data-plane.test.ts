// The story logicops exists for: a workflow's system-assigned identity reads a Key Vault
// secret through the data plane with its own token, and loses access when the grant goes
// (access policy, or RBAC at secret scope). Driven by the real SecretClient; the vault keeps
// its real URI (`https://{name}.vault.azure.net/`) and only the transport is redirected.
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { managedIdentityCredential, readSecretRaw, secretClient } from './support/data-plane.ts';
import { DEFINITION, type Harness, KEY_VAULT_SECRETS_USER, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
let clock = Date.now();
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(async () => {
  await h?.emu.close();
});
beforeEach(() => {
  h.emu.setFaults({});
});

/** A workflow with a system-assigned identity; returns its principal id. */
async function workflowPrincipal(): Promise<string> {
  const workflow = await h.logic.workflows.createOrUpdate(RG, `wf-${randomUUID().slice(0, 8)}`, {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    definition: DEFINITION,
  });
  return workflow.identity!.principalId!;
}

async function vaultUriOf(vault: string): Promise<string> {
  return (await h.keyVault.vaults.get(RG, vault)).properties.vaultUri!;
}

async function setAccessPolicy(kind: 'add' | 'remove', vault: string, objectId: string, secrets: string[]) {
  await h.keyVault.vaults.updateAccessPolicy(RG, vault, kind, {
    properties: { accessPolicies: [{ tenantId: h.emu.tenantId, objectId, permissions: { secrets } }] },
  });
}

function secretScope(vault: string, secret: string): string {
  return `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${vault}/secrets/${secret}`;
}

async function grantRole(scope: string, principalId: string): Promise<string> {
  const name = randomUUID();
  await h.authorization.roleAssignments.create(scope, name, {
    roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
    principalId,
    principalType: 'ServicePrincipal',
  });
  return name;
}

describe('data plane: addressing and the challenge', () => {
  it('ARM reports the vault URI the data plane serves; the first request gets 401 + challenge', async () => {
    const vaultUri = await vaultUriOf(DEMO_ACCESS_POLICY_VAULT);
    expect(vaultUri).toBe(`https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/`);
    // Exactly what SecretClient sends first: no token, trailing slash, encoded query key.
    const response = await new Promise<{ status: number; challenge: string | undefined }>(
      (resolve, reject) => {
        https
          .get(
            `${vaultUri}secrets/partner-api-key/?api%2Dversion=2025-07-01`,
            { agent: h.emu.dataPlaneAgent },
            (res) => {
              res.resume();
              resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] });
            },
          )
          .on('error', reject);
      },
    );
    expect(response.status).toBe(401);
    expect(response.challenge).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${h.emu.tenantId}", resource="https://vault.azure.net"`,
    );
  });
});

describe('data plane: a workflow identity reads a secret (access policy)', () => {
  it('reads with `get` granted, and gets 403 once the grant is removed', async () => {
    const principalId = await workflowPrincipal();
    h.emu.seedSecret(DEMO_ACCESS_POLICY_VAULT, 'partner-api-key', 'value-for-policy-test');
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_ACCESS_POLICY_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );

    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
    });
    await setAccessPolicy('add', DEMO_ACCESS_POLICY_VAULT, principalId, ['get']);
    const secret = await client.getSecret('partner-api-key');
    expect(secret.value).toBe('value-for-policy-test');
    expect(secret.properties.vaultUrl).toBe(`https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net`);

    // remove names permissions as Key Vault stores them (`Get`): other casing is a no-op.
    await setAccessPolicy('remove', DEMO_ACCESS_POLICY_VAULT, principalId, ['Get']);
    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
    });
    // The access check read the token's oid: the log names the workflow's principal.
    expect(h.emu.requests().at(-1)).toMatchObject({
      plane: 'keyvault',
      status: 403,
      callerObjectId: principalId,
    });
  });

  // The inner error code tells the two access models apart. Access policies: 403 Forbidden,
  // "The user, group or application '…' does not have secrets get permission on key vault '…'",
  // InnerError={"code":"AccessDenied"} (as Key Vault answered in turbot/steampipe-plugin-azure#127);
  // RBAC: InnerError={"code":"ForbiddenByRbac"} (the RBAC test below).
  it('a refusal on an access-policy vault carries the inner code AccessDenied', async () => {
    const principalId = await workflowPrincipal();
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_ACCESS_POLICY_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );
    const refused = await client.getSecret('partner-api-key').catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(
      await readSecretRaw(h.emu, await vaultUriOf(DEMO_ACCESS_POLICY_VAULT), 'partner-api-key', principalId),
    ).toEqual({ status: 403, code: 'Forbidden', innerCode: 'AccessDenied' });
    expect((refused as Error).message).toMatch(/does not have secrets get permission on key vault/);
  });

  it('`get` does not allow `set`; `set` writes a new version the next read returns', async () => {
    const principalId = await workflowPrincipal();
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_ACCESS_POLICY_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );
    await setAccessPolicy('add', DEMO_ACCESS_POLICY_VAULT, principalId, ['get']);
    await expect(client.setSecret('written', 'v1')).rejects.toMatchObject({ statusCode: 403 });
    await setAccessPolicy('add', DEMO_ACCESS_POLICY_VAULT, principalId, ['set']);
    const written = await client.setSecret('written', 'value-written-by-sdk', { contentType: 'text/plain' });
    const read = await client.getSecret('written');
    expect(read).toMatchObject({
      value: 'value-written-by-sdk',
      properties: { version: written.properties.version, contentType: 'text/plain' },
    });
    // Neither the value nor a token ever reaches the request log.
    const log = JSON.stringify(h.emu.requests());
    expect(log).not.toContain('value-written-by-sdk');
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('a new grant takes effect after the propagation delay', async () => {
    h.emu.setFaults({ grantPropagationSeconds: 30 });
    const principalId = await workflowPrincipal();
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_ACCESS_POLICY_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );
    await setAccessPolicy('add', DEMO_ACCESS_POLICY_VAULT, principalId, ['get']);
    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({ statusCode: 403 });
    clock += 29_000;
    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({ statusCode: 403 });
    clock += 1_000;
    await expect(client.getSecret('partner-api-key')).resolves.toMatchObject({ name: 'partner-api-key' });
  });
});

describe('data plane: RBAC at secret scope', () => {
  it('reads the granted secret, not another one, and loses access when the assignment is deleted', async () => {
    const principalId = await workflowPrincipal();
    h.emu.seedSecret(DEMO_RBAC_VAULT, 'partner-api-key', 'value-for-rbac-test');
    h.emu.seedSecret(DEMO_RBAC_VAULT, 'other-secret', 'other-value');
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_RBAC_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );
    const scope = secretScope(DEMO_RBAC_VAULT, 'partner-api-key');
    const assignment = await grantRole(scope, principalId);

    await expect(client.getSecret('partner-api-key')).resolves.toMatchObject({
      value: 'value-for-rbac-test',
    });
    const refused = await client.getSecret('other-secret').catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(
      await readSecretRaw(h.emu, await vaultUriOf(DEMO_RBAC_VAULT), 'other-secret', principalId),
    ).toEqual({
      status: 403,
      code: 'Forbidden',
      innerCode: 'ForbiddenByRbac',
    });

    await h.authorization.roleAssignments.delete(scope, assignment);
    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
    });
  });

  it('a principal granted on another secret gets 403; a vault-scope grant covers every secret', async () => {
    const elsewhere = await workflowPrincipal();
    await grantRole(secretScope(DEMO_RBAC_VAULT, 'other-secret'), elsewhere);
    const denied = secretClient(
      h.emu,
      await vaultUriOf(DEMO_RBAC_VAULT),
      managedIdentityCredential(h.emu, elsewhere),
    );
    await expect(denied.getSecret('partner-api-key')).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
    });

    const vaultWide = await workflowPrincipal();
    await grantRole(
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`,
      vaultWide,
    );
    const allowed = secretClient(
      h.emu,
      await vaultUriOf(DEMO_RBAC_VAULT),
      managedIdentityCredential(h.emu, vaultWide),
    );
    await expect(allowed.getSecret('partner-api-key')).resolves.toMatchObject({ name: 'partner-api-key' });
  });

  it('an RBAC vault ignores access policies', async () => {
    const principalId = await workflowPrincipal();
    await setAccessPolicy('add', DEMO_RBAC_VAULT, principalId, ['get']);
    const client = secretClient(
      h.emu,
      await vaultUriOf(DEMO_RBAC_VAULT),
      managedIdentityCredential(h.emu, principalId),
    );
    await expect(client.getSecret('partner-api-key')).rejects.toMatchObject({ statusCode: 403 });
  });
});
