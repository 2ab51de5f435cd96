// A world of two Entra tenants and three subscriptions for the multi-tenant and authorization
// tests: tenant A (the default tenant) trusts subscriptions S1 (the demo one) and S2, tenant B
// trusts S3. App registrations are made per test through the admin API, as the operator's own
// tests will make them.
import { ClientSecretCredential } from '@azure/identity';
import { demoSeed, type EmulatorSeed } from '../../src/index.ts';
import { admin, type Harness, startHarness } from './harness.ts';

export const TENANT_B = 'b0b0b0b0-0000-4000-8000-00000000000b';
export const SUBSCRIPTION_2 = '5ab1e0c5-0000-4000-8000-000000000002';
export const SUBSCRIPTION_3 = '5ab1e0c5-0000-4000-8000-000000000003';
export const LOCATION = 'westeurope';

/** Groups: rg-a and rg-b in S1, rg-s2 in S2, rg-c in S3 (tenant B). */
export function tenancySeed(): EmulatorSeed {
  return {
    ...demoSeed(),
    tenants: [{ tenantId: TENANT_B, displayName: 'Tenant B' }],
    subscriptions: [
      { subscriptionId: SUBSCRIPTION_2, displayName: 'S2 (tenant A)' },
      { subscriptionId: SUBSCRIPTION_3, tenantId: TENANT_B, displayName: 'S3 (tenant B)' },
    ],
    resourceGroups: [
      ...(demoSeed().resourceGroups ?? []),
      { name: 'rg-a', location: LOCATION },
      { name: 'rg-b', location: LOCATION },
      { subscriptionId: SUBSCRIPTION_2, name: 'rg-s2', location: LOCATION },
      { subscriptionId: SUBSCRIPTION_3, name: 'rg-c', location: LOCATION },
    ],
    vaults: [
      ...(demoSeed().vaults ?? []),
      { resourceGroup: 'rg-a', name: 'kv-team-a', enableRbacAuthorization: false },
    ],
  };
}

export function startTenancyHarness(): Promise<Harness> {
  return startHarness({ seed: tenancySeed() });
}

export interface RegisteredApp {
  clientId: string;
  objectId: string;
  tenantId: string;
  secret: string;
  credential: ClientSecretCredential;
}

/** An app registration with a client secret in `tenantId`, and its ClientSecretCredential. */
export async function registerSecretApp(h: Harness, tenantId: string, name: string): Promise<RegisteredApp> {
  const secret = `${name}-secret-value`;
  const registered = await admin(h.emu, 'POST', '/applications', {
    tenantId,
    displayName: name,
    clientSecret: secret,
  });
  if (registered.status !== 201) throw new Error(`register ${name}: ${JSON.stringify(registered.body)}`);
  const app = registered.body as { clientId: string; objectId: string; tenantId: string };
  return {
    ...app,
    secret,
    credential: new ClientSecretCredential(tenantId, app.clientId, secret, {
      authorityHost: h.emu.authorityHost,
      disableInstanceDiscovery: true,
    }),
  };
}

export async function assignRole(
  h: Harness,
  principalId: string,
  role: string,
  scope: string,
): Promise<string> {
  const created = await admin(h.emu, 'POST', '/role-assignments', { scope, role, principalId });
  if (created.status !== 201) throw new Error(`assign ${role}: ${JSON.stringify(created.body)}`);
  return (created.body as { name: string }).name;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

export const groupScope = (subscriptionId: string, group: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}`;
