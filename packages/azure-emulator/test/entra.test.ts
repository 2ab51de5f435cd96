// Entra ID conformance: what @azure/identity asks for, and the tokens ARM accepts.
import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { admin, type Harness, operatorCredential, startHarness } from './support/harness.ts';

let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'logicops-entra-test-'));
});
afterAll(async () => {
  await h?.emu.close();
  rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** A JWT-shaped client assertion as a Kubernetes service-account token file would hold. */
function assertion(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not-checked').toString('base64url')}`;
}

describe('Entra ID: discovery', () => {
  it('serves an OpenID configuration whose issuer matches the authority host (MSAL checks it)', async () => {
    const response = await fetch(
      `${h.emu.authorityHost}/${h.emu.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    const config = (await response.json()) as Record<string, string>;
    expect(config.issuer).toBe(`${h.emu.authorityHost}/${h.emu.tenantId}/v2.0`);
    expect(config.token_endpoint).toBe(`${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`);
    expect(config.authorization_endpoint).toMatch(/^https:\/\//);
    expect(config.jwks_uri).toMatch(/^https:\/\//);
  });

  it('rejects an unknown tenant', async () => {
    const response = await fetch(
      `${h.emu.authorityHost}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it('serves instance discovery metadata for the emulator host', async () => {
    const response = await fetch(`${h.emu.authorityHost}/common/discovery/instance?api-version=1.1`);
    const body = (await response.json()) as {
      tenant_discovery_endpoint: string;
      metadata: { aliases: string[] }[];
    };
    expect(body.tenant_discovery_endpoint).toContain('/.well-known/openid-configuration');
    expect(body.metadata[0]?.aliases).toEqual([new URL(h.emu.authorityHost).host]);
  });
});

describe('Entra ID: client credentials', () => {
  it('issues a signed JWT with oid, tid, aud (the endpoint the SDK scoped), appid and exp', async () => {
    const scope = `${h.emu.armEndpoint}/.default`;
    const token = await operatorCredential(h.emu).getToken(scope);
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    const claims = claimsOf(token!.token);
    const app = h.emu.state.applications[h.emu.operatorClientId]!;
    expect(claims).toMatchObject({
      oid: app.objectId,
      tid: h.emu.tenantId,
      aud: h.emu.armEndpoint,
      appid: h.emu.operatorClientId,
    });
    expect(claims.exp).toBeTypeOf('number');

    // The signature verifies against the published JWKS.
    const jwksUri = `${h.emu.authorityHost}/${h.emu.tenantId}/discovery/v2.0/keys`;
    const { keys } = (await (await fetch(jwksUri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const [header, payload, signature] = token!.token.split('.') as [string, string, string];
    const kid = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
    const key = createPublicKey({ key: keys.find((k) => k.kid === kid)!, format: 'jwk' });
    expect(
      createVerify('RSA-SHA256')
        .update(`${header}.${payload}`)
        .verify(key, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });

  it('accepts any scope (the SDK scope follows the endpoint)', async () => {
    const token = await operatorCredential(h.emu).getToken('https://vault.azure.net/.default');
    expect(claimsOf(token!.token).aud).toBe('https://vault.azure.net');
  });

  it('refuses a wrong client secret with AADSTS7000215', async () => {
    const credential = new ClientSecretCredential(h.emu.tenantId, h.emu.operatorClientId, 'wrong-secret', {
      authorityHost: h.emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    await expect(credential.getToken(`${h.emu.armEndpoint}/.default`)).rejects.toThrow(/AADSTS7000215/);
  });

  it('refuses an unknown client id with AADSTS700016', async () => {
    const credential = new ClientSecretCredential(
      h.emu.tenantId,
      '11111111-2222-4333-8444-555555555555',
      'x',
      {
        authorityHost: h.emu.authorityHost,
        disableInstanceDiscovery: true,
      },
    );
    await expect(credential.getToken(`${h.emu.armEndpoint}/.default`)).rejects.toThrow(/AADSTS700016/);
  });
});

describe('Entra ID: client assertion (workload identity)', () => {
  it('issues a token for a federated service-account token that matches the app', async () => {
    const issuer = 'https://kubernetes.default.svc.cluster.local';
    const subject = 'system:serviceaccount:logicops-system:logicops';
    const registered = await admin(h.emu, 'POST', '/applications', {
      displayName: 'workload-app',
      federatedCredentials: [{ issuer, subject }],
    });
    expect(registered.status).toBe(201);
    const { clientId, objectId } = registered.body as { clientId: string; objectId: string };
    const tokenFile = path.join(tmp, 'sa-token');
    writeFileSync(
      tokenFile,
      assertion({
        iss: issuer,
        sub: subject,
        aud: 'api://AzureADTokenExchange',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    );
    const credential = new WorkloadIdentityCredential({
      tenantId: h.emu.tenantId,
      clientId,
      tokenFilePath: tokenFile,
      authorityHost: h.emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken(`${h.emu.armEndpoint}/.default`);
    expect(claimsOf(token!.token)).toMatchObject({ oid: objectId, appid: clientId });

    // And ARM accepts it (authorization is enforced: the new app needs a role to read the group).
    await admin(h.emu, 'POST', '/role-assignments', {
      scope: `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}`,
      role: 'Reader',
      principalId: objectId,
    });
    const response = await fetch(
      `${h.emu.armEndpoint}/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}?api-version=2021-04-01`,
      {
        headers: { authorization: `Bearer ${token!.token}` },
      },
    );
    expect(response.status).toBe(200);
  });

  it('refuses an assertion whose subject has no federated credential (AADSTS70021)', async () => {
    const registered = await admin(h.emu, 'POST', '/applications', {
      federatedCredentials: [{ issuer: 'https://issuer.example', subject: 'system:serviceaccount:a:b' }],
    });
    const { clientId } = registered.body as { clientId: string };
    const tokenFile = path.join(tmp, 'other-token');
    writeFileSync(
      tokenFile,
      assertion({ iss: 'https://issuer.example', sub: 'system:serviceaccount:a:intruder' }),
    );
    const credential = new WorkloadIdentityCredential({
      tenantId: h.emu.tenantId,
      clientId,
      tokenFilePath: tokenFile,
      authorityHost: h.emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    await expect(credential.getToken(`${h.emu.armEndpoint}/.default`)).rejects.toThrow(/AADSTS70021/);
  });
});

// An expired client assertion (a projected service-account token that was not renewed) is
// AADSTS700024, "Client assertion is not within its valid time range", 401 invalid_client — as
// Entra ID answered a workload identity in Azure/azure-sdk-for-rust#1739 (error codes:
// learn.microsoft.com/entra/identity-platform/reference-error-codes). Not AADSTS70021, which is
// "No matching federated identity record found".
describe('Entra ID: an expired client assertion', () => {
  it('is refused with AADSTS700024 (401 invalid_client), whatever the federated credentials say', async () => {
    const registered = await admin(h.emu, 'POST', '/applications', {
      federatedCredentials: [{ issuer: 'https://issuer.example', subject: 'system:serviceaccount:a:b' }],
    });
    const { clientId } = registered.body as { clientId: string };
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expired = assertion({
      iss: 'https://issuer.example',
      sub: 'system:serviceaccount:a:b',
      aud: 'api://AzureADTokenExchange',
      iat: nowSeconds - 7200,
      nbf: nowSeconds - 7200,
      exp: nowSeconds - 3600,
    });
    const response = await fetch(`${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        scope: `${h.emu.armEndpoint}/.default`,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: expired,
      }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as {
      error: string;
      error_codes: number[];
      error_description: string;
    };
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700024] });
    expect(body.error_description).toMatch(
      /^AADSTS700024: Client assertion is not within its valid time range/,
    );
  });
});

describe('Entra ID: managed identity (IMDS-style)', () => {
  it('issues a token for a user-assigned identity selected by client_id', async () => {
    const identity = await h.msi.userAssignedIdentities.createOrUpdate(
      DEMO_RESOURCE_GROUP,
      'mi-by-client-id',
      {
        location: 'westeurope',
      },
    );
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = h.emu.managedIdentityEndpoint;
    const credential = new ManagedIdentityCredential({ clientId: identity.clientId! });
    const token = await credential.getToken('https://vault.azure.net/.default');
    expect(claimsOf(token!.token)).toMatchObject({
      oid: identity.principalId,
      appid: identity.clientId,
      aud: 'https://vault.azure.net',
      xms_mirid: identity.id,
    });
  });

  it('answers "Identity not found" for a principal that does not exist', async () => {
    const response = await fetch(
      `${h.emu.managedIdentityEndpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&object_id=3f0c8f8e-0000-4000-8000-000000000000`,
      { headers: { Metadata: 'true' } },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'Identity not found',
    });
  });
});

describe('ARM authentication', () => {
  const rgUrl = () =>
    `${h.emu.armEndpoint}/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}?api-version=2021-04-01`;

  it('answers 401 AuthenticationFailed without a bearer token', async () => {
    const response = await fetch(rgUrl());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await response.json()).toMatchObject({ error: { code: 'AuthenticationFailed' } });
  });

  it('answers 401 InvalidAuthenticationTokenAudience for a Key Vault token', async () => {
    const token = await operatorCredential(h.emu).getToken('https://vault.azure.net/.default');
    const response = await fetch(rgUrl(), { headers: { authorization: `Bearer ${token!.token}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
  });

  it('answers 401 InvalidAuthenticationToken for a token it did not sign', async () => {
    const forged = assertion({ aud: h.emu.armEndpoint, exp: Math.floor(Date.now() / 1000) + 600 });
    const response = await fetch(rgUrl(), { headers: { authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});
