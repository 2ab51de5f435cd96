// What ARM does in front of every resource provider: authenticate the bearer token, check
// the api-version, answer for a missing subscription or resource group itself, and stamp
// the response headers real ARM returns.
import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors, isArmError } from '../errors.ts';
import { armKey, newGuid, resourceGroupId } from '../ids.ts';
import type { EmulatorResponse, Middleware, RequestContext } from '../pipeline.ts';
import type { ThrottledKind } from '../rate-limits.ts';

/** Turns thrown ArmErrors (and bugs) into ARM error bodies, so every layer can just throw. */
export function errorBoundary(): Middleware {
  return async (_ctx, next) => {
    try {
      return await next();
    } catch (error) {
      if (isArmError(error)) return { status: error.status, headers: error.headers, body: error.toBody() };
      if (error instanceof SyntaxError)
        return { status: 400, body: armErrors.invalidRequestContent(error.message).toBody() };
      return {
        status: 500,
        body: {
          error: { code: 'InternalServerError', message: `Emulator bug: ${(error as Error).message}` },
        },
      };
    }
  };
}

const THROTTLE_BUCKET: Partial<Record<string, ThrottledKind>> = {
  read: 'reads',
  write: 'writes',
  action: 'writes',
  delete: 'deletes',
};

export function armResponseHeaders(): Middleware {
  return async (ctx, next) => {
    if (ctx.match.route.plane !== 'arm') return next();
    const response = await next();
    const headers: Record<string, string> = {
      'x-ms-request-id': ctx.requestId,
      'x-ms-correlation-request-id': ctx.correlationId,
      'x-ms-routing-request-id': `LOCAL:${new Date(ctx.receivedAt).toISOString().replace(/[-:.]/g, '')}:${ctx.requestId}`,
      ...(response.headers ?? {}),
    };
    if (ctx.rateLimit) {
      headers[`x-ms-ratelimit-remaining-subscription-${ctx.rateLimit.bucket}`] = String(
        ctx.rateLimit.remaining,
      );
    }
    return { ...response, headers };
  };
}

/**
 * The subscription a request acts on: the path's, or — for role-assignment routes, addressed by
 * scope — the subscription the scope lies in. Undefined for a scope above any subscription
 * (`/`, a management group).
 */
export function subscriptionOfRequest(params: Readonly<Record<string, string>>): string | undefined {
  if (params.subscriptionId) return params.subscriptionId;
  return params.scope ? /^\/+subscriptions\/([^/]+)/i.exec(params.scope)?.[1] : undefined;
}

/**
 * The bucket a request is metered against: its subscription's (ARM's buckets are per subscription;
 * learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling). A
 * request above every subscription falls back to the default subscription's bucket: the emulator
 * does not model ARM's tenant-level buckets.
 */
export function meteredSubscriptionOf(core: EmulatorCore, ctx: RequestContext): string | undefined {
  return subscriptionOfRequest(ctx.match.params) ?? core.state.subscriptionIds[0];
}

/**
 * Takes one token from the subscription's bucket for this kind of request and records the
 * outcome on the context (reported in the response headers). Refusing is the
 * throttling fault's job (faults/throttling.ts): 429 + Retry-After when `ctx.rateLimit.allowed` is false.
 */
export function meterArmRequests(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const bucket = THROTTLE_BUCKET[ctx.match.route.kind];
    const subscriptionId = meteredSubscriptionOf(core, ctx);
    if (ctx.match.route.plane === 'arm' && bucket && subscriptionId) {
      ctx.rateLimit = { bucket, ...core.rateLimits.take(subscriptionId, bucket) };
    }
    return next();
  };
}

/** Management-plane audiences ARM accepts, besides the emulator's own endpoint (any scope is issued). */
const MANAGEMENT_AUDIENCES = new Set([
  'https://management.azure.com',
  'https://management.azure.com/',
  'https://management.core.windows.net',
  'https://management.core.windows.net/',
]);

export function authenticate(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    if (ctx.match.route.plane !== 'arm') return next();
    const authorization = headerValue(ctx, 'authorization');
    if (!authorization) {
      throw unauthorized(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
      );
    }
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    if (!token) {
      throw unauthorized(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      );
    }
    const verified = core.signer.verify(token, Math.floor(core.now() / 1000));
    if ('problem' in verified) {
      if (verified.problem === 'expired') {
        throw unauthorized(
          'ExpiredAuthenticationToken',
          'The access token expiry UTC time is earlier than current UTC time.',
        );
      }
      throw unauthorized('InvalidAuthenticationToken', 'The access token is invalid.');
    }
    const { claims } = verified;
    if (!isManagementAudience(claims.aud, ctx.baseUrl)) {
      throw unauthorized(
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.`,
      );
    }
    ctx.caller = claims;
    // A token of a tenant the emulator no longer knows (reset since): no subscription trusts it.
    if (!core.hasTenant(claims.tid)) throw wrongTenant(claims, core.state.tenantId);
    return next();
  };
}

/**
 * ARM's answer to a token from another tenant than the subscription's: 401
 * InvalidAuthenticationTokenTenant, "The access token is from the wrong issuer '<iss>'. It must
 * match the tenant '<issuer of the subscription's tenant>' associated with this subscription.
 * Please use the authority (URL) '<authority>' to get the token. …" — as ARM sent it in
 * Azure/azure-sdk-for-net#49391 and Azure/pcs-cli#357 (v1 issuers `https://sts.windows.net/{tenant}/`
 * there; the emulator's tokens carry its own v2.0 issuer, so its message names that).
 */
function wrongTenant(claims: { iss: string }, subscriptionTenant: string): ArmError {
  const expectedIssuer = claims.iss.replace(/\/[^/]+\/v2\.0$/, `/${subscriptionTenant}/v2.0`);
  const authority = claims.iss.replace(/\/[^/]+\/v2\.0$/, `/${subscriptionTenant}`);
  return unauthorized(
    'InvalidAuthenticationTokenTenant',
    `The access token is from the wrong issuer '${claims.iss}'. It must match the tenant '${expectedIssuer}' associated with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
  );
}

function isManagementAudience(audience: string, baseUrl: string): boolean {
  if (MANAGEMENT_AUDIENCES.has(audience)) return true;
  // The SDK asks for `${endpoint}/.default`; accept the emulator's own origin under any host alias.
  try {
    const aud = new URL(audience);
    const self = new URL(baseUrl);
    return (
      aud.protocol === 'https:' && aud.port === self.port && (aud.pathname === '/' || aud.pathname === '')
    );
  } catch {
    return false;
  }
}

function unauthorized(code: string, message: string): ArmError {
  return new ArmError(401, code, message, {
    'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

export function checkApiVersion(): Middleware {
  return async (ctx, next) => {
    const { route } = ctx.match;
    if (route.plane !== 'arm' || !route.apiVersions) return next();
    const apiVersion = ctx.query.get('api-version');
    if (!apiVersion) throw armErrors.missingApiVersion();
    if (!route.apiVersions.includes(apiVersion)) {
      throw armErrors.unsupportedApiVersion(
        apiVersion,
        route.resourceType ?? route.operation,
        route.apiVersions,
      );
    }
    return next();
  };
}

/**
 * A missing subscription (404, answered by ARM itself), or a token from another tenant than the
 * one the subscription trusts (401). The subscription is the path's, or a role-assignment scope's.
 */
export function subscriptionGate(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const { route, params } = ctx.match;
    if (route.plane !== 'arm') return next();
    const subscriptionId = subscriptionOfRequest(params);
    if (!subscriptionId) return next();
    const subscription = core.subscription(subscriptionId);
    if (!subscription) {
      // Role-assignment routes answer a missing subscription in their own words (role-assignments.ts).
      if (params.subscriptionId) throw armErrors.subscriptionNotFound(params.subscriptionId);
      return next();
    }
    if (ctx.caller && ctx.caller.tid.toLowerCase() !== subscription.tenantId.toLowerCase()) {
      throw wrongTenant(ctx.caller, subscription.tenantId);
    }
    return next();
  };
}

/** Missing resource group: answered by ARM itself, never by the RP. */
export function resourceGroupGate(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const { route, params } = ctx.match;
    if (route.plane !== 'arm') return next();
    if (route.requiresResourceGroup && params.subscriptionId && params.resourceGroup) {
      const key = armKey(resourceGroupId(params.subscriptionId, params.resourceGroup));
      if (!core.state.resourceGroups[key]) throw armErrors.resourceGroupNotFound(params.resourceGroup);
    }
    return next();
  };
}

export function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function correlationIdFor(ctx: Pick<RequestContext, 'headers'>): string {
  const value = ctx.headers['x-ms-correlation-request-id'];
  return (Array.isArray(value) ? value[0] : value) ?? newGuid();
}

export type { EmulatorResponse };
