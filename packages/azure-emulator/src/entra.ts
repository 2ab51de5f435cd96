// Entra ID as @azure/identity (MSAL) sees it: OpenID configuration, JWKS, instance discovery,
// the v2.0 token endpoint (client secret, or client assertion as workload identity sends it),
// and an IMDS-style managed-identity token endpoint. Errors use OAuth's shape
// ({error, error_description, error_codes}), never ARM's.
import { timingSafeEqual } from 'node:crypto';
import { clientAssertionProblem } from './client-assertions.ts';
import type { EmulatorCore } from './core.ts';
import { isGuid, newGuid } from './ids.ts';
import { type EmulatorResponse, json, param, type RequestContext, type Route } from './pipeline.ts';
import { pathPattern } from './router.ts';
import type { ApplicationRecord, PrincipalRecord } from './state.ts';
import type { TokenClaims } from './tokens.ts';

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function oauthError(status: number, error: string, aadsts: number, description: string): EmulatorResponse {
  return json(status, {
    error,
    error_description: `AADSTS${aadsts}: ${description}`,
    error_codes: [aadsts],
    timestamp: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    trace_id: newGuid(),
    correlation_id: newGuid(),
  });
}

function knownTenant(core: EmulatorCore, tenant: string): boolean {
  return core.hasTenant(tenant);
}

/** `common` and `organizations` answer for the default tenant (the emulator has no home realm discovery). */
function tenantForDiscovery(core: EmulatorCore, tenant: string): string | undefined {
  if (['common', 'organizations'].includes(tenant.toLowerCase())) return core.state.tenantId;
  return knownTenant(core, tenant) ? tenant.toLowerCase() : undefined;
}

export function openIdConfiguration(baseUrl: string, tenantId: string) {
  const authority = `${baseUrl}/${tenantId}`;
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${baseUrl}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // MSAL requires the issuer's scheme, host and port to equal the authority's.
    issuer: `${authority}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'ver'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'logicops.emulator',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The audience of a token asked for with `scope` (`https://x/.default` → `https://x`). */
export function audienceOf(scope: string): string {
  const first = scope.split(/\s+/).find((s) => s.endsWith('/.default')) ?? scope.split(/\s+/)[0] ?? '';
  return first.replace(/\/\.default$/, '');
}

export function issueToken(
  core: EmulatorCore,
  baseUrl: string,
  subject: { objectId: string; clientId: string; tenantId: string; resourceId?: string },
  audience: string,
): { token: string; claims: TokenClaims } {
  const now = Math.floor(core.now() / 1000);
  const claims: TokenClaims = {
    aud: audience,
    iss: `${baseUrl}/${subject.tenantId}/v2.0`,
    iat: now,
    nbf: now - 60,
    exp: now + core.tokenLifetimeSeconds,
    oid: subject.objectId,
    sub: subject.objectId,
    tid: subject.tenantId,
    appid: subject.clientId,
    azp: subject.clientId,
    idtyp: 'app',
    ver: '1.0',
    ...(subject.resourceId ? { xms_mirid: subject.resourceId } : {}),
  };
  return { token: core.signer.sign(claims), claims };
}

function secretMatches(app: ApplicationRecord, presented: string): boolean {
  const given = Buffer.from(presented);
  return app.clientSecrets.some((secret) => {
    const expected = Buffer.from(secret);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function tokenEndpoint(core: EmulatorCore, ctx: RequestContext): EmulatorResponse {
  const tenant = param(ctx, 'tenant');
  if (!knownTenant(core, tenant)) {
    return oauthError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`,
    );
  }
  const form = new URLSearchParams(ctx.rawBody.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${form.get('grant_type')}'.`,
    );
  }
  const clientId = form.get('client_id') ?? '';
  const scope = form.get('scope') ?? '';
  if (!scope)
    return oauthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  // An app answers only at its own tenant's endpoint (multi-tenant apps are not modelled).
  const registered = core.state.applications[clientId.toLowerCase()];
  const app = registered?.tenantId.toLowerCase() === tenant.toLowerCase() ? registered : undefined;
  const replicating = app !== undefined && core.hiddenByReplicationLag(app.objectId);
  if (replicating) core.telemetry.recordFault({ fault: 'replicationLag', refused: 'tokenRefused' });
  if (!app || replicating) {
    return oauthError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    if (!secretMatches(app, secret)) {
      return oauthError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
  } else if (assertion !== null) {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return oauthError(
        400,
        'invalid_request',
        50027,
        `client_assertion_type must be '${CLIENT_ASSERTION_TYPE}'.`,
      );
    }
    const problem = clientAssertionProblem(core, app, assertion);
    if (problem) return oauthError(problem.status, problem.error, problem.aadsts, problem.description);
  } else {
    return oauthError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const { token, claims } = issueToken(
    core,
    ctx.baseUrl,
    { objectId: app.objectId, clientId: app.clientId, tenantId: app.tenantId },
    audienceOf(scope),
  );
  ctx.caller = claims;
  return json(200, {
    token_type: 'Bearer',
    expires_in: core.tokenLifetimeSeconds,
    ext_expires_in: core.tokenLifetimeSeconds,
    access_token: token,
  });
}

/** IMDS: the principal is chosen by query (client_id / object_id / msi_res_id) or by the route's host principal. */
function managedIdentityToken(core: EmulatorCore, ctx: RequestContext): EmulatorResponse {
  const imdsError = (status: number, error: string, description: string) =>
    json(status, { error, error_description: description });
  const metadata = ctx.headers.metadata;
  const appServiceHeader = ctx.headers['x-identity-header'];
  if (metadata !== 'true' && !appServiceHeader) {
    return imdsError(400, 'invalid_request', 'Required metadata header not specified');
  }
  const resource = ctx.query.get('resource');
  if (!resource) return imdsError(400, 'invalid_request', "Required query variable 'resource' is missing");
  const clientId = ctx.query.get('client_id');
  const objectId = ctx.query.get('object_id') ?? ctx.query.get('principal_id');
  const resourceId = ctx.query.get('msi_res_id') ?? ctx.query.get('mi_res_id');
  const host = ctx.match.params.principal;
  // Looked up without the replication-lag filter first, so a refusal caused by lag is counted.
  const all = Object.values(core.state.principals);
  let principal: PrincipalRecord | undefined;
  if (clientId) principal = all.find((p) => p.clientId?.toLowerCase() === clientId.toLowerCase());
  else if (objectId) principal = core.state.principals[objectId.toLowerCase()];
  else if (resourceId) principal = all.find((p) => p.resourceId?.toLowerCase() === resourceId.toLowerCase());
  else if (host && isGuid(host)) principal = core.state.principals[host.toLowerCase()];
  if (!principal || (principal.kind !== 'SystemAssigned' && principal.kind !== 'UserAssigned')) {
    return imdsError(400, 'invalid_request', 'Identity not found');
  }
  if (core.isReplicating(principal)) {
    core.telemetry.recordFault({ fault: 'replicationLag', refused: 'tokenRefused' });
    return imdsError(400, 'invalid_request', 'Identity not found');
  }
  const audience = resource.replace(/\/\.default$/, '');
  const { token, claims } = issueToken(
    core,
    ctx.baseUrl,
    {
      objectId: principal.objectId,
      clientId: principal.clientId!,
      tenantId: core.tenantOfPrincipal(principal),
      ...(principal.resourceId ? { resourceId: principal.resourceId } : {}),
    },
    audience,
  );
  ctx.caller = claims;
  return json(200, {
    access_token: token,
    client_id: principal.clientId,
    expires_in: String(core.tokenLifetimeSeconds),
    // msal-node reads expires_on (epoch seconds) and ignores expires_in on this path.
    expires_on: String(claims.exp),
    ext_expires_in: String(core.tokenLifetimeSeconds),
    not_before: String(claims.nbf),
    resource: audience,
    token_type: 'Bearer',
  });
}

export function entraRoutes(core: EmulatorCore): Route[] {
  const entra = { plane: 'entra' as const };
  const mi = {
    plane: 'managed-identity' as const,
    operation: 'ManagedIdentity/token',
    kind: 'token' as const,
  };
  const handleMi = (ctx: RequestContext) => managedIdentityToken(core, ctx);
  return [
    ...['/{tenant}/v2.0/.well-known/openid-configuration', '/{tenant}/.well-known/openid-configuration'].map(
      (template): Route => ({
        ...entra,
        method: 'GET',
        pattern: pathPattern(template),
        operation: 'Entra/openid-configuration',
        kind: 'read',
        handler: (ctx) => {
          const tenant = tenantForDiscovery(core, param(ctx, 'tenant'));
          if (!tenant) {
            return oauthError(400, 'invalid_tenant', 90002, `Tenant '${param(ctx, 'tenant')}' not found.`);
          }
          return json(200, openIdConfiguration(ctx.baseUrl, tenant));
        },
      }),
    ),
    {
      ...entra,
      method: 'GET',
      pattern: pathPattern('/{tenant}/discovery/v2.0/keys'),
      operation: 'Entra/keys',
      kind: 'read',
      // One signing key for every tenant, as Entra ID's keys are shared by its tenants.
      handler: (ctx) =>
        tenantForDiscovery(core, param(ctx, 'tenant'))
          ? json(200, { keys: [core.signer.jwk()] })
          : oauthError(400, 'invalid_tenant', 90002, `Tenant '${param(ctx, 'tenant')}' not found.`),
    },
    {
      // MSAL's instance discovery. Note: MSAL sends it to login.microsoftonline.com, not to the
      // configured authority host, so clients still need `disableInstanceDiscovery: true`.
      ...entra,
      method: 'GET',
      pattern: pathPattern('/common/discovery/instance'),
      operation: 'Entra/instance-discovery',
      kind: 'read',
      handler: (ctx) => {
        const host = new URL(ctx.baseUrl).host;
        return json(200, {
          tenant_discovery_endpoint: `${ctx.baseUrl}/${core.state.tenantId}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        });
      },
    },
    {
      ...entra,
      method: 'POST',
      pattern: pathPattern('/{tenant}/oauth2/v2.0/token'),
      operation: 'Entra/token',
      kind: 'token',
      handler: (ctx) => tokenEndpoint(core, ctx),
    },
    // IMDS-style routes; trailing slash allowed (AZURE_POD_IDENTITY_AUTHORITY_HOST adds one).
    { ...mi, method: 'GET', pattern: /^\/metadata\/identity\/oauth2\/token\/?$/i, handler: handleMi },
    {
      ...mi,
      method: 'GET',
      pattern: /^\/_mi\/(?<principal>[^/]+)\/metadata\/identity\/oauth2\/token\/?$/i,
      handler: handleMi,
    },
    {
      // identity's availability probe: GET without query or Metadata header; any answer but 403 means "available".
      ...mi,
      operation: 'ManagedIdentity/probe',
      kind: 'read',
      method: 'GET',
      pattern: /^(?:\/_mi\/[^/]+)?\/metadata\/identity\/?$/i,
      handler: () =>
        json(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' }),
    },
  ];
}
