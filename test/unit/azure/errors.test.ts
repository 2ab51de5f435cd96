import { describe, expect, it } from 'vitest';
import { AzureError } from '../../../src/azure/azure-error.ts';
import {
  type AzureFailure,
  classifyAzureError,
  DEFAULT_THROTTLE_JITTER_MS,
  DEFAULT_THROTTLE_MS,
  isNotFoundError,
  isReplicationLagError,
} from '../../../src/azure/errors.ts';
import { namedError, networkError, restError } from './fake-errors.ts';

type Expected = Pick<AzureFailure, 'kind'> & { reason?: string; retryAfterMs?: number };

const cases: { name: string; error: unknown; expected: Expected }[] = [
  // 404s: the resource itself, or the environment around it
  { name: 'ResourceNotFound', error: restError(404, 'ResourceNotFound'), expected: { kind: 'notFound' } },
  {
    name: 'RoleAssignmentNotFound',
    error: restError(404, 'RoleAssignmentNotFound'),
    expected: { kind: 'notFound' },
  },
  {
    name: '404 without a known code',
    error: restError(404, 'SomethingElse'),
    expected: { kind: 'notFound' },
  },
  {
    name: 'ResourceGroupNotFound',
    error: restError(404, 'ResourceGroupNotFound'),
    expected: { kind: 'stalled', reason: 'ResourceGroupNotFound' },
  },
  {
    name: 'SubscriptionNotFound',
    error: restError(404, 'SubscriptionNotFound'),
    expected: { kind: 'stalled', reason: 'ResourceGroupNotFound' },
  },
  // authorization
  {
    name: 'AuthorizationFailed',
    error: restError(403, 'AuthorizationFailed'),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'LinkedAuthorizationFailed',
    error: restError(403, 'LinkedAuthorizationFailed'),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: '401 without a code',
    error: restError(401, undefined),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'MissingSubscriptionRegistration',
    error: restError(409, 'MissingSubscriptionRegistration'),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'CredentialUnavailableError',
    error: namedError('CredentialUnavailableError', 'ManagedIdentityCredential: no endpoint'),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'AuthenticationRequiredError (token refused inside an SDK pipeline)',
    error: namedError(
      'AuthenticationRequiredError',
      'invalid_client: AADSTS7000215: Invalid client secret provided.',
    ),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'AuthenticationError 401 (wrong secret)',
    error: namedError('AuthenticationError', 'invalid_client Status code: 401', {
      statusCode: 401,
      errorResponse: {
        error: 'invalid_client',
        errorDescription: 'AADSTS7000215: Invalid client secret provided.',
      },
    }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: "AuthenticationRequiredError from a throttled token request (MSAL's flattened message)",
    error: namedError(
      'AuthenticationRequiredError',
      '[object Object]: Error(s): Not Available - Timestamp: Not Available - Description: Not Available - Correlation ID: Not Available - Trace ID: Not Available',
    ),
    expected: { kind: 'retry', reason: 'unknown' },
  },
  {
    name: 'AuthenticationError 503 (token endpoint down)',
    error: namedError('AuthenticationError', 'unavailable', { statusCode: 503 }),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  // policy, quota, invalid spec
  {
    name: 'RequestDisallowedByPolicy',
    error: restError(403, 'RequestDisallowedByPolicy'),
    expected: { kind: 'stalled', reason: 'PolicyDenied' },
  },
  {
    name: 'QuotaExceeded',
    error: restError(409, 'QuotaExceeded'),
    expected: { kind: 'stalled', reason: 'QuotaExceeded' },
  },
  {
    name: 'RoleAssignmentLimitExceeded',
    error: restError(400, 'RoleAssignmentLimitExceeded'),
    expected: { kind: 'stalled', reason: 'QuotaExceeded' },
  },
  {
    name: 'InvalidParameter',
    error: restError(400, 'InvalidParameter'),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  {
    name: 'BadRequest',
    error: restError(400, 'BadRequest'),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  {
    name: 'InvalidTemplate',
    error: restError(400, 'InvalidTemplate'),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  {
    name: 'a Logic Apps definition code',
    error: restError(400, 'WorkflowDefinitionActionTypeNotSupported'),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  {
    name: 'InvalidWorkflowTriggerType (Invalid* prefix)',
    error: restError(400, 'InvalidWorkflowTriggerType'),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  {
    name: '400 without a code',
    error: restError(400, undefined),
    expected: { kind: 'stalled', reason: 'InvalidSpec' },
  },
  // conflicts
  {
    name: 'RoleAssignmentExists',
    error: restError(409, 'RoleAssignmentExists'),
    expected: { kind: 'conflict' },
  },
  {
    name: 'RoleAssignmentUpdateNotPermitted',
    error: restError(400, 'RoleAssignmentUpdateNotPermitted'),
    expected: { kind: 'conflict' },
  },
  {
    name: '409 Conflict (concurrent vault write)',
    error: restError(409, 'Conflict'),
    expected: { kind: 'retry', reason: 'concurrentWrite' },
  },
  {
    name: 'AnotherOperationInProgress',
    error: restError(409, 'AnotherOperationInProgress'),
    expected: { kind: 'retry', reason: 'concurrentWrite' },
  },
  {
    name: '409 without a code',
    error: restError(409, undefined),
    expected: { kind: 'retry', reason: 'concurrentWrite' },
  },
  // transient
  {
    name: 'PrincipalNotFound',
    error: restError(400, 'PrincipalNotFound'),
    expected: { kind: 'retry', reason: 'replicationLag' },
  },
  {
    name: '500 InternalServerError',
    error: restError(500, 'InternalServerError'),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: '502 no code',
    error: restError(502, undefined),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: '503 without Retry-After',
    error: restError(503, 'ServiceUnavailable'),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: '504 GatewayTimeout',
    error: restError(504, 'GatewayTimeout'),
    expected: { kind: 'retry', reason: 'timeout' },
  },
  { name: '408', error: restError(408, undefined), expected: { kind: 'retry', reason: 'timeout' } },
  {
    name: 'dropped connection (RestError REQUEST_SEND_ERROR)',
    error: restError(undefined, 'REQUEST_SEND_ERROR', 'socket hang up'),
    expected: { kind: 'retry', reason: 'connection' },
  },
  {
    name: 'ECONNRESET',
    error: networkError('ECONNRESET'),
    expected: { kind: 'retry', reason: 'connection' },
  },
  {
    name: 'ECONNREFUSED',
    error: networkError('ECONNREFUSED'),
    expected: { kind: 'retry', reason: 'connection' },
  },
  {
    name: 'AbortError',
    error: namedError('AbortError', 'The operation was aborted.'),
    expected: { kind: 'retry', reason: 'aborted' },
  },
  { name: 'not an Error at all', error: 'boom', expected: { kind: 'retry', reason: 'unknown' } },
  // throttling
  {
    name: '429 with Retry-After seconds',
    error: restError(429, 'SubscriptionRequestsThrottled', 'slow down', { 'Retry-After': '7' }),
    expected: { kind: 'throttled', retryAfterMs: 7000 },
  },
  {
    name: '429 with x-ms-retry-after-ms (wins over Retry-After)',
    error: restError(429, 'TooManyRequests', 'slow down', {
      'x-ms-retry-after-ms': '1500',
      'retry-after': '9',
    }),
    expected: { kind: 'throttled', retryAfterMs: 1500 },
  },
  {
    name: '429 with retry-after-ms',
    error: restError(429, undefined, 'slow down', { 'retry-after-ms': '250' }),
    expected: { kind: 'throttled', retryAfterMs: 250 },
  },
  {
    name: '429 with an HTTP-date Retry-After',
    error: restError(429, 'Throttled', 'slow down', {
      'retry-after': new Date(1_000_000 + 30_000).toUTCString(),
    }),
    expected: { kind: 'throttled', retryAfterMs: 30_000 },
  },
  {
    name: '429 without any hint',
    error: restError(429, 'RetryableErrorDueToAnotherOperation'),
    expected: { kind: 'throttled', retryAfterMs: DEFAULT_THROTTLE_MS },
  },
  {
    name: '503 with Retry-After',
    error: restError(503, 'ServiceUnavailable', 'busy', { 'retry-after': '3' }),
    expected: { kind: 'throttled', retryAfterMs: 3000 },
  },
  // the code is compared case-insensitively
  {
    name: 'lower-case code',
    error: restError(404, 'resourcegroupnotfound'),
    expected: { kind: 'stalled', reason: 'ResourceGroupNotFound' },
  },
];

describe('classifyAzureError', () => {
  it.each(cases)('$name', ({ error, expected }) => {
    // "now" sits on a whole second: an HTTP-date Retry-After has second precision.
    // random 0: the default wait after a bare 429 is its lower bound.
    expect(classifyAzureError(error, { now: 1_000_000, random: () => 0 })).toMatchObject(expected);
  });

  it('waits a few jittered seconds after a 429 without a hint, never minutes, and says it was not hinted', () => {
    const bare = restError(429, 'TooManyRequests');
    const waits = [0, 0.5, 0.999].map((r) => classifyAzureError(bare, { random: () => r }));
    for (const failure of waits) expect(failure).toMatchObject({ kind: 'throttled', hinted: false });
    const ms = waits.map((f) => (f.kind === 'throttled' ? f.retryAfterMs : Number.NaN));
    expect(ms[0]).toBe(DEFAULT_THROTTLE_MS);
    expect(new Set(ms).size).toBe(3);
    expect(Math.max(...ms)).toBeLessThan(DEFAULT_THROTTLE_MS + DEFAULT_THROTTLE_JITTER_MS);
    expect(Math.max(...ms)).toBeLessThanOrEqual(5_000);
    const hinted = restError(429, 'TooManyRequests', 'slow', { 'retry-after': '7' });
    expect(classifyAzureError(hinted)).toMatchObject({ kind: 'throttled', retryAfterMs: 7000, hinted: true });
  });

  it('says what a human should do next, with the Azure code and message', () => {
    const failure = classifyAzureError(
      restError(404, 'ResourceGroupNotFound', "Resource group 'rg-missing' could not be found."),
    );
    expect(failure.message).toMatch(/create it, or correct the subscription and resource group/);
    expect(failure.message).toContain(
      "404 ResourceGroupNotFound: Resource group 'rg-missing' could not be found.",
    );
  });

  it('never repeats a token or secret that an Azure message echoes', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const failure = classifyAzureError(
      restError(
        400,
        'InvalidParameter',
        `Bad header Authorization: Bearer ${jwt} in call to https://x/?sig=abc123&client_secret=hunter2`,
      ),
    );
    expect(failure.message).not.toContain(jwt);
    expect(failure.message).not.toContain('abc123');
    expect(failure.message).not.toContain('hunter2');
    expect(failure.message).toContain('client_secret=[redacted]');
  });

  it('bounds very long Azure messages', () => {
    const failure = classifyAzureError(restError(400, 'InvalidTemplate', 'x'.repeat(5000)));
    expect(failure.message.length).toBeLessThan(1000);
  });

  describe('replication lag (the caller knows the principal is new)', () => {
    it('AuthorizationFailed for a new principal is a retry, not stalled', () => {
      const error = restError(403, 'AuthorizationFailed');
      expect(classifyAzureError(error, { principalIsNew: true })).toMatchObject({
        kind: 'retry',
        reason: 'replicationLag',
      });
      expect(classifyAzureError(error)).toMatchObject({ kind: 'stalled', reason: 'AuthorizationFailed' });
    });

    it('applies to an AzureError a gateway already classified', () => {
      const gatewayError = new AzureError(
        'roleAssignments.create',
        classifyAzureError(restError(403, 'AuthorizationFailed')),
        403,
        'AuthorizationFailed',
      );
      expect(classifyAzureError(gatewayError)).toMatchObject({ kind: 'stalled' });
      expect(classifyAzureError(gatewayError, { principalIsNew: true })).toMatchObject({
        kind: 'retry',
        reason: 'replicationLag',
      });
    });

    it.each([
      ['PrincipalNotFound', true],
      ['AuthorizationFailed', true],
      ['ResourceNotFound', false],
      [undefined, false],
    ])('isReplicationLagError(%s) = %s', (code, expected) => {
      expect(isReplicationLagError(restError(400, code))).toBe(expected);
    });
  });

  it('isNotFoundError tells a missing resource from a missing resource group', () => {
    expect(isNotFoundError(restError(404, 'ResourceNotFound'))).toBe(true);
    expect(isNotFoundError(restError(404, 'ResourceGroupNotFound'))).toBe(false);
  });
});
