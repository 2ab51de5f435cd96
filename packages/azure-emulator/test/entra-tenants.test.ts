// Entra ID with several tenants, through @azure/identity: each tenant has its own authority
// (discovery, keys, token endpoint); an app registration gets tokens only at its own tenant's
// endpoint, with `tid`, `oid` and `appid` of that tenant and app; client secrets and federated
// identity credentials (workload identity federation) with Entra ID's refusals. Codes: Entra ID
// error codes, https://learn.microsoft.com/entra/identity-platform/reference-error-codes
// (AADSTS7000215 invalid client secret, AADSTS700016 application not found in the directory,
// AADSTS70021 no matching federated identity record, AADSTS700024 client assertion not within its
// valid time range, AADSTS700027 client assertion contains an invalid signature); the federated
// credential match (issuer, subject, audience; default audience api://AzureADTokenExchange):
// https://learn.microsoft.com/entra/workload-id/workload-identity-federation. Wording as Entra ID
// sent it: packages/azure-emulator/src/client-assertions.ts.
import { createSign, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { LogicManagementClient } from '@azure/arm-logic';
import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../src/index.ts';
import { admin, DEFINITION, type Harness } from './support/harness.ts';
import {
  assignRole,
  claimsOf,
  groupScope,
  LOCATION,
  registerSecretApp,
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

const armScope = () => `${h.emu.armEndpoint}/.default`;
const options = () => ({ authorityHost: h.emu.authorityHost, disableInstanceDiscovery: true });

describe('Entra ID tenants: discovery', () => {
  it("serves each tenant's OpenID configuration and keys, and refuses an unknown tenant", async () => {
    for (const tenant of [DEMO_TENANT_ID, TENANT_B]) {
      const config = await fetch(`${h.emu.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(config.status).toBe(200);
      const body = (await config.json()) as Record<string, string>;
      expect(body.issuer).toBe(`${h.emu.authorityHost}/${tenant}/v2.0`);
      expect(body.token_endpoint).toBe(`${h.emu.authorityHost}/${tenant}/oauth2/v2.0/token`);
      const keys = await fetch(`${h.emu.authorityHost}/${tenant}/discovery/v2.0/keys`);
      expect(((await keys.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    }
    const unknown = await fetch(
      `${h.emu.authorityHost}/0000aaaa-0000-4000-8000-000000000000/discovery/v2.0/keys`,
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });
});

describe('Entra ID tenants: client secrets', () => {
  it("issues tokens with the app's tenant, object id and client id; ARM takes them in that tenant's subscription", async () => {
    const appB = await registerSecretApp(h, TENANT_B, 'team-b');
    const token = await appB.credential.getToken(armScope());
    expect(claimsOf(token.token)).toMatchObject({
      tid: TENANT_B,
      oid: appB.objectId,
      appid: appB.clientId,
      iss: `${h.emu.authorityHost}/${TENANT_B}/v2.0`,
    });
    await assignRole(h, appB.objectId, 'Owner', `/subscriptions/${SUBSCRIPTION_3}`);
    const inB = new LogicManagementClient(appB.credential, SUBSCRIPTION_3, { endpoint: h.emu.armEndpoint });
    expect(
      (await inB.workflows.createOrUpdate('rg-c', 'wf-b', { location: LOCATION, definition: DEFINITION }))
        .name,
    ).toBe('wf-b');
    // Tenant A's subscription does not trust tenant B's tokens, whatever roles they hold there.
    await assignRole(h, appB.objectId, 'Owner', `/subscriptions/${DEMO_SUBSCRIPTION_ID}`);
    const inA = new LogicManagementClient(appB.credential, DEMO_SUBSCRIPTION_ID, {
      endpoint: h.emu.armEndpoint,
    });
    await expect(inA.workflows.get('rg-a', 'x')).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationTokenTenant',
    });
    // The subscription list answers with the token's tenant's subscriptions only.
    const listed = await fetch(`${h.emu.armEndpoint}/subscriptions?api-version=2022-12-01`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    const subscriptions = (await listed.json()) as { value: { subscriptionId: string; tenantId: string }[] };
    expect(subscriptions.value).toEqual([
      expect.objectContaining({ subscriptionId: SUBSCRIPTION_3, tenantId: TENANT_B }),
    ]);
  });

  it('refuses a wrong secret (AADSTS7000215), an unknown client and an app of another tenant (AADSTS700016)', async () => {
    const appA = await registerSecretApp(h, DEMO_TENANT_ID, 'secret-errors');
    await expect(
      new ClientSecretCredential(DEMO_TENANT_ID, appA.clientId, 'not-the-secret', options()).getToken(
        armScope(),
      ),
    ).rejects.toThrow(/AADSTS7000215: Invalid client secret provided/);
    await expect(
      new ClientSecretCredential(
        DEMO_TENANT_ID,
        '0000cccc-0000-4000-8000-000000000000',
        'x',
        options(),
      ).getToken(armScope()),
    ).rejects.toThrow(
      /AADSTS700016: Application with identifier '0000cccc-0000-4000-8000-000000000000' was not found in the directory/,
    );
    // Registered in tenant A, asked at tenant B's endpoint: not found in that directory.
    await expect(
      new ClientSecretCredential(TENANT_B, appA.clientId, appA.secret, options()).getToken(armScope()),
    ).rejects.toThrow(
      new RegExp(
        `AADSTS700016: Application with identifier '${appA.clientId}' was not found in the directory '${TENANT_B}'`,
      ),
    );
  });
});

describe('Entra ID tenants: federated identity credentials (ClientAssertionCredential)', () => {
  const issuer = 'https://oidc.cluster.example/issuer';
  const subject = 'system:serviceaccount:team-w:logicops';
  let signingKey: KeyObject;
  let otherKey: KeyObject;
  let app: { clientId: string; objectId: string };
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function sign(key: KeyObject, claims: Record<string, unknown>, kid = 'cluster-key-1'): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
  }
  const serviceAccountToken = (overrides: Record<string, unknown> = {}, key = signingKey) =>
    sign(key, {
      iss: issuer,
      sub: subject,
      aud: ['api://AzureADTokenExchange'],
      iat: nowSeconds(),
      exp: nowSeconds() + 3600,
      ...overrides,
    });
  const credential = (assertion: () => string, tenant = TENANT_B, clientId = app.clientId) =>
    new ClientAssertionCredential(tenant, clientId, async () => assertion(), options());

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingKey = pair.privateKey;
    otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const jwk = {
      ...(pair.publicKey.export({ format: 'jwk' }) as JsonWebKey),
      kid: 'cluster-key-1',
      alg: 'RS256',
      use: 'sig',
    };
    expect((await admin(h.emu, 'POST', '/oidc-issuers', { issuer, keys: [jwk] })).status).toBe(201);
    const registered = await admin(h.emu, 'POST', '/applications', {
      tenantId: TENANT_B,
      displayName: 'team-w',
      federatedCredentials: [{ issuer, subject }],
    });
    expect(registered.status).toBe(201);
    app = registered.body as { clientId: string; objectId: string };
  });

  it('exchanges a service-account token signed by the registered issuer for a tenant B token', async () => {
    const token = await credential(() => serviceAccountToken()).getToken(armScope());
    expect(claimsOf(token.token)).toMatchObject({ tid: TENANT_B, oid: app.objectId, appid: app.clientId });
  });

  it('refuses another subject or another audience (AADSTS70021), naming what was presented', async () => {
    await expect(
      credential(() => serviceAccountToken({ sub: 'system:serviceaccount:team-x:logicops' })).getToken(
        armScope(),
      ),
    ).rejects.toThrow(
      /AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: 'https:\/\/oidc\.cluster\.example\/issuer'\. Assertion Subject: 'system:serviceaccount:team-x:logicops'/,
    );
    await expect(
      credential(() => serviceAccountToken({ aud: 'https://kubernetes.default.svc' })).getToken(armScope()),
    ).rejects.toThrow(/AADSTS70021: .*Assertion Audience: 'https:\/\/kubernetes\.default\.svc'/);
  });

  it('refuses a token signed by another key (AADSTS700027) and an expired one (AADSTS700024)', async () => {
    await expect(credential(() => serviceAccountToken({}, otherKey)).getToken(armScope())).rejects.toThrow(
      /AADSTS700027: Client assertion contains an invalid signature\. \[Reason - The provided signature value did not match/,
    );
    await expect(
      credential(() =>
        sign(
          signingKey,
          { iss: issuer, sub: subject, aud: 'api://AzureADTokenExchange', exp: nowSeconds() + 600 },
          'unknown-kid',
        ),
      ).getToken(armScope()),
    ).rejects.toThrow(/AADSTS700027: .*The key was not found/);
    await expect(
      credential(() => serviceAccountToken({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })).getToken(
        armScope(),
      ),
    ).rejects.toThrow(/AADSTS700024: Client assertion is not within its valid time range/);
  });

  it('accepts the audiences a federated credential lists instead of the default', async () => {
    const registered = await admin(h.emu, 'POST', '/applications', {
      tenantId: TENANT_B,
      federatedCredentials: [{ issuer, subject, audiences: ['api://custom-exchange'] }],
    });
    const { clientId } = registered.body as { clientId: string };
    const custom = credential(
      () => serviceAccountToken({ aud: 'api://custom-exchange' }),
      TENANT_B,
      clientId,
    );
    expect(claimsOf((await custom.getToken(armScope())).token).appid).toBe(clientId);
    const defaultAudience = credential(() => serviceAccountToken(), TENANT_B, clientId);
    await expect(defaultAudience.getToken(armScope())).rejects.toThrow(/AADSTS70021/);
  });
});

describe('the request log: every ARM call with its caller and tenant', () => {
  it('records allowed calls, 403 refusals and 401 wrong-tenant refusals with the caller object id and tenant', async () => {
    const appA = await registerSecretApp(h, DEMO_TENANT_ID, 'logged-a');
    await assignRole(h, appA.objectId, 'Contributor', groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a'));
    const since = h.emu.requests().at(-1)?.seq ?? 0;
    const inA = new LogicManagementClient(appA.credential, DEMO_SUBSCRIPTION_ID, {
      endpoint: h.emu.armEndpoint,
    });
    await inA.workflows.createOrUpdate('rg-a', 'logged', { location: LOCATION, definition: DEFINITION });
    await expect(inA.workflows.get('rg-b', 'logged')).rejects.toMatchObject({ statusCode: 403 });
    const inB = new LogicManagementClient(appA.credential, SUBSCRIPTION_3, { endpoint: h.emu.armEndpoint });
    await expect(inB.workflows.get('rg-c', 'logged')).rejects.toMatchObject({ statusCode: 401 });
    const arm = h.emu.requests(since).filter((entry) => entry.plane === 'arm');
    expect(arm.map((entry) => [entry.operation, entry.status, entry.errorCode ?? ''])).toEqual([
      ['Microsoft.Logic/workflows/write', 201, ''],
      ['Microsoft.Logic/workflows/read', 403, 'AuthorizationFailed'],
      ['Microsoft.Logic/workflows/read', 401, 'InvalidAuthenticationTokenTenant'],
    ]);
    for (const entry of arm) {
      expect(entry).toMatchObject({ callerObjectId: appA.objectId, callerTenantId: DEMO_TENANT_ID });
    }
  });
});
