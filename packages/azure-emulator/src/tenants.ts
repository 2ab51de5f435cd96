// Several Entra ID tenants and several subscriptions in one emulator: each subscription trusts
// one tenant (ARM refuses another tenant's tokens for it), each app registration lives in one
// tenant (its token endpoint is that tenant's), and external OIDC issuers whose keys the token
// endpoint checks federated client assertions against.
import type { JsonWebKey } from 'node:crypto';
import type { EmulatorCore } from './core.ts';
import { armErrors } from './errors.ts';
import { isGuid, newGuid } from './ids.ts';
import {
  type OidcIssuerRecord,
  type SubscriptionRecord,
  subscriptionDisplayName,
  type TenantRecord,
} from './state.ts';

export function createTenant(
  core: EmulatorCore,
  request: { tenantId?: string; displayName?: string },
): TenantRecord {
  const tenantId = (request.tenantId ?? newGuid()).toLowerCase();
  if (!isGuid(tenantId)) throw armErrors.badRequest('BadRequest', `tenantId '${tenantId}' must be a GUID.`);
  const existing = core.state.tenants[tenantId];
  if (existing) {
    if (request.displayName) existing.displayName = request.displayName;
    return existing;
  }
  const tenant = { tenantId, displayName: request.displayName ?? `tenant ${tenantId.slice(0, 8)}` };
  core.state.tenants[tenantId] = tenant;
  return tenant;
}

export function createSubscription(
  core: EmulatorCore,
  request: { subscriptionId?: string; tenantId?: string; displayName?: string; standingOwners?: string[] },
): SubscriptionRecord {
  const subscriptionId = (request.subscriptionId ?? newGuid()).toLowerCase();
  if (!isGuid(subscriptionId)) {
    throw armErrors.badRequest('BadRequest', `subscriptionId '${subscriptionId}' must be a GUID.`);
  }
  const tenantId = (request.tenantId ?? core.state.tenantId).toLowerCase();
  if (!core.hasTenant(tenantId)) {
    throw armErrors.badRequest(
      'TenantNotFound',
      `Tenant '${tenantId}' does not exist in the emulator: create it first (POST /_emulator/tenants).`,
    );
  }
  const owners = (request.standingOwners ?? []).map((owner) => {
    if (!isGuid(owner))
      throw armErrors.badRequest('BadRequest', `standingOwners: '${owner}' must be a GUID.`);
    return owner.toLowerCase();
  });
  const existing = core.subscription(subscriptionId);
  if (existing) {
    if (existing.tenantId.toLowerCase() !== tenantId) {
      throw armErrors.badRequest(
        'SubscriptionTenantMismatch',
        `Subscription '${subscriptionId}' already belongs to tenant '${existing.tenantId}'.`,
      );
    }
    if (request.displayName) existing.displayName = request.displayName;
    if (request.standingOwners) existing.standingOwners = owners;
    return existing;
  }
  const subscription: SubscriptionRecord = {
    subscriptionId,
    tenantId,
    displayName: request.displayName ?? subscriptionDisplayName(subscriptionId),
    standingOwners: owners,
  };
  core.state.subscriptions[subscriptionId] = subscription;
  core.state.subscriptionIds.push(subscriptionId);
  return subscription;
}

/**
 * Registers (or replaces) the signing keys of an OIDC issuer. Entra ID fetches them through the
 * issuer's discovery document; the emulator cannot reach every cluster's issuer, so a test hands
 * them over (the JWKS a cluster serves at `/openid/v1/jwks`).
 */
export function registerOidcIssuer(
  core: EmulatorCore,
  request: { issuer: string; keys: JsonWebKey[] },
): OidcIssuerRecord {
  let url: URL;
  try {
    url = new URL(request.issuer);
  } catch {
    throw armErrors.badRequest('BadRequest', `issuer '${request.issuer}' must be a URL.`);
  }
  if (url.protocol !== 'https:') {
    throw armErrors.badRequest('BadRequest', `issuer '${request.issuer}' must be an https URL.`);
  }
  if (!Array.isArray(request.keys) || request.keys.some((key) => key?.kty !== 'RSA')) {
    throw armErrors.badRequest(
      'BadRequest',
      'keys must be a JWKS key list of RSA keys ({kty: "RSA", n, e, kid}).',
    );
  }
  const record = { issuer: request.issuer, keys: request.keys };
  core.state.oidcIssuers[request.issuer] = record;
  return record;
}
