// The Key Vault data plane for secrets, as @azure/keyvault-secrets uses it: the first request
// carries no token and gets 401 + a WWW-Authenticate challenge; the retry's bearer token must
// be ours, for the vault audience, and its `oid` must hold a grant (access-check.ts).
// Paths arrive as `/secrets/{name}/?api%2Dversion=…` (trailing slash and encoded key are
// normalised by the router). Secret values never reach the request log (no bodies are logged).

import { headerValue } from '../arm/gateway.ts';
import { addSecretVersion, findVaultByName } from '../arm/vaults.ts';
import type { EmulatorCore } from '../core.ts';
import { type EmulatorResponse, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { SecretRecord, SecretVersionRecord, VaultRecord } from '../state.ts';
import type { TokenClaims } from '../tokens.ts';
import { denySecretAccess, SECRET_DATA_ACTIONS, type SecretPermission } from './access-check.ts';
import { challengeResourceFor, vaultNameFromHost } from './addressing.ts';
import type { GrantClock } from './grant-clock.ts';

const VAULT_AUDIENCES = new Set(['https://vault.azure.net', 'https://vault.azure.net/']);

function keyVaultError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return { status, headers, body: { error: { code, message } } };
}

function host(ctx: RequestContext): string {
  return headerValue(ctx, 'host') ?? '';
}

/** The tenant a vault trusts: its `properties.tenantId` (the default tenant for an unknown vault). */
function vaultTenant(core: EmulatorCore, ctx: RequestContext): string {
  const vault = findVaultByName(core, vaultNameFromHost(host(ctx)) ?? '');
  const tenantId = vault?.properties.tenantId;
  return typeof tenantId === 'string' ? tenantId : core.state.tenantId;
}

function challenge(core: EmulatorCore, ctx: RequestContext, error?: string): Record<string, string> {
  const params = [
    `authorization="https://login.microsoftonline.com/${vaultTenant(core, ctx)}"`,
    `resource="${challengeResourceFor(host(ctx))}"`,
    ...(error ? [`error="${error}"`] : []),
  ];
  return { 'www-authenticate': `Bearer ${params.join(', ')}` };
}

/** The caller's verified claims, or the 401 (with the challenge) Key Vault answers. */
function authenticateCaller(core: EmulatorCore, ctx: RequestContext): TokenClaims | EmulatorResponse {
  const authorization = headerValue(ctx, 'authorization');
  const token = authorization ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1] : undefined;
  if (!token) {
    return keyVaultError(
      401,
      'Unauthorized',
      'AKV10000: Request is missing a Bearer or PoP token.',
      challenge(core, ctx),
    );
  }
  const verified = core.signer.verify(token, Math.floor(core.now() / 1000));
  if ('problem' in verified) {
    const message =
      verified.problem === 'expired'
        ? 'AKV10022: Token expired.'
        : 'AKV10032: Invalid token signature or format.';
    return keyVaultError(401, 'Unauthorized', message, challenge(core, ctx, 'invalid_token'));
  }
  const { claims } = verified;
  const ownResource = challengeResourceFor(host(ctx));
  if (!VAULT_AUDIENCES.has(claims.aud) && claims.aud !== ownResource && claims.aud !== `${ownResource}/`) {
    return keyVaultError(
      401,
      'Unauthorized',
      `AKV10022: Invalid audience. Expected ${ownResource}, found: ${claims.aud}.`,
      challenge(core, ctx, 'invalid_token'),
    );
  }
  const tenantId = vaultTenant(core, ctx);
  if (claims.tid.toLowerCase() !== tenantId.toLowerCase()) {
    return keyVaultError(
      401,
      'Unauthorized',
      `AKV10032: Invalid issuer. Expected one of tenant ${tenantId}.`,
    );
  }
  return claims;
}

function secretBundle(vault: VaultRecord, secret: SecretRecord, version: SecretVersionRecord) {
  const base = String(vault.properties.vaultUri).replace(/\/$/, '');
  return {
    value: version.value,
    id: `${base}/secrets/${secret.name}/${version.version}`,
    ...(version.contentType ? { contentType: version.contentType } : {}),
    attributes: {
      enabled: version.enabled,
      created: version.created,
      updated: version.updated,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    },
    tags: version.tags,
  };
}

function secretNotFound(name: string, version?: string): EmulatorResponse {
  const what = version ? `(name/id) ${name}/${version}` : `(name/id) ${name}`;
  return keyVaultError(
    404,
    'SecretNotFound',
    `A secret with ${what} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

/** Runs the checks every data-plane call shares, then the operation itself. */
function secretOperation(
  core: EmulatorCore,
  grants: GrantClock,
  permission: SecretPermission,
  operation: (vault: VaultRecord, ctx: RequestContext) => EmulatorResponse,
) {
  return (ctx: RequestContext): EmulatorResponse => {
    const caller = authenticateCaller(core, ctx);
    if ('status' in caller) return caller;
    ctx.caller = caller;
    const vaultName = vaultNameFromHost(host(ctx)) ?? '';
    const vault = findVaultByName(core, vaultName);
    if (!vault) return keyVaultError(404, 'VaultNotFound', `The vault '${vaultName}' does not exist.`);
    if (!ctx.query.get('api-version')) {
      return keyVaultError(400, 'BadParameter', "The 'api-version' query parameter is missing.");
    }
    const denied = denySecretAccess(core, grants, vault, param(ctx, 'secret'), caller, permission);
    return denied ?? operation(vault, ctx);
  };
}

function getSecret(vault: VaultRecord, ctx: RequestContext): EmulatorResponse {
  const name = param(ctx, 'secret');
  const wanted = ctx.match.params.version;
  const secret = vault.secrets[name.toLowerCase()];
  const version = wanted ? secret?.versions.find((v) => v.version === wanted) : secret?.versions.at(-1);
  if (!secret || !version) return secretNotFound(name, wanted);
  if (!version.enabled) {
    return keyVaultError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.');
  }
  return { status: 200, body: secretBundle(vault, secret, version) };
}

function setSecret(core: EmulatorCore) {
  return (vault: VaultRecord, ctx: RequestContext): EmulatorResponse => {
    const body = jsonBody(ctx) as Record<string, unknown> | undefined;
    if (!body || typeof body.value !== 'string') {
      return keyVaultError(400, 'BadParameter', "Property 'value' is required and must be a string.");
    }
    const attributes = (body.attributes ?? {}) as { enabled?: unknown };
    const version = addSecretVersion(vault, param(ctx, 'secret'), body.value, {
      ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}),
      ...(body.tags && typeof body.tags === 'object' ? { tags: body.tags as Record<string, string> } : {}),
      ...(typeof attributes.enabled === 'boolean' ? { enabled: attributes.enabled } : {}),
      nowSeconds: Math.floor(core.now() / 1000),
    });
    const secret = vault.secrets[param(ctx, 'secret').toLowerCase()]!;
    return { status: 200, body: secretBundle(vault, secret, version) };
  };
}

/** Routes matched only for requests whose Host is a vault (`{name}.vault.<domain>`). */
export function dataPlaneRoutes(core: EmulatorCore, grants: GrantClock): Route[] {
  const base = { plane: 'keyvault' as const };
  const get = secretOperation(core, grants, 'get', getSecret);
  return [
    {
      ...base,
      method: 'GET',
      pattern: pathPattern('/secrets/{secret}'),
      operation: SECRET_DATA_ACTIONS.get,
      kind: 'read',
      handler: get,
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern('/secrets/{secret}/{version}'),
      operation: SECRET_DATA_ACTIONS.get,
      kind: 'read',
      handler: get,
    },
    {
      ...base,
      method: 'PUT',
      pattern: pathPattern('/secrets/{secret}'),
      operation: SECRET_DATA_ACTIONS.set,
      kind: 'write',
      handler: secretOperation(core, grants, 'set', setSecret(core)),
    },
  ];
}
