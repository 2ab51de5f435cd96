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
 * Takes one token from the subscription's bucket for this kind of request and records the
 * outcome on the context (reported in the response headers). Refusing is the
 * throttling fault's job (faults/throttling.ts): 429 + Retry-After when `ctx.rateLimit.allowed` is false.
 */
export function meterArmRequests(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const bucket = THROTTLE_BUCKET[ctx.match.route.kind];
    const subscriptionId = ctx.match.params.subscriptionId ?? core.state.subscriptionIds[0];
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
    if (claims.tid.toLowerCase() !== core.state.tenantId.toLowerCase()) {
      throw unauthorized(
        'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${claims.iss}'.`,
      );
    }
    ctx.caller = claims;
    return next();
  };
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

/** Missing subscription or resource group: answered by ARM itself, never by the RP. */
export function resourceGroupGate(core: EmulatorCore): Middleware {
  return async (ctx, next) => {
    const { route, params } = ctx.match;
    if (route.plane !== 'arm') return next();
    if (params.subscriptionId && !core.hasSubscription(params.subscriptionId)) {
      throw armErrors.subscriptionNotFound(params.subscriptionId);
    }
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
