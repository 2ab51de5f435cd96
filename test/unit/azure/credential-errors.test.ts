// F2/F3 (docs/reliability.md): a failed token request is classified by what Entra ID answered.
// Only a wrong credential stalls; throttling, 5xx, dropped connections and a new app
// registration's replication lag are retried.
import { describe, expect, it } from 'vitest';
import { UNKNOWN_CLIENT_GRACE_MS } from '../../../src/azure/credential-errors.ts';
import { CredentialFailure, type CredentialFailureFacts } from '../../../src/azure/credential-failure.ts';
import { type AzureFailure, classifyAzureError } from '../../../src/azure/errors.ts';
import { DEFAULT_THROTTLE_MS } from '../../../src/azure/retry-hint.ts';
import { namedError } from './fake-errors.ts';

const failure = (facts: Partial<CredentialFailureFacts>) =>
  new CredentialFailure({ errorName: 'AuthenticationRequiredError', aadsts: [], description: '', ...facts });

type Expected = Pick<AzureFailure, 'kind'> & { reason?: string; retryAfterMs?: number; code?: string };

const cases: { name: string; error: unknown; expected: Expected; says?: RegExp }[] = [
  // transient: retried with backoff, or after the wait Entra ID asked for
  {
    name: '429 without Retry-After',
    error: failure({ status: 429 }),
    expected: { kind: 'throttled', retryAfterMs: DEFAULT_THROTTLE_MS },
  },
  {
    name: '429 with Retry-After',
    error: failure({ status: 429, retryAfterMs: 12_000 }),
    expected: { kind: 'throttled', retryAfterMs: 12_000 },
  },
  {
    // What a throttling Entra ID answers (MSAL.NET client-and-server-throttling docs), as the
    // probe records it when it ends the attempt (TokenRequestDeferred).
    name: "Entra ID's throttling: 429, Retry-After 60, a plain-text body",
    error: failure({
      errorName: 'AuthenticationRequiredError',
      status: 429,
      retryAfterMs: 60_000,
      description: 'Too Many Requests',
    }),
    expected: { kind: 'throttled', retryAfterMs: 60_000 },
    says: /Entra ID throttled the token request/,
  },
  {
    name: '500 with a non-OAuth body',
    error: failure({ status: 500, description: 'InternalServerError: injected' }),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: '503',
    error: failure({ status: 503 }),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: 'temporarily_unavailable under a 400',
    error: failure({ status: 400, oauthError: 'temporarily_unavailable', aadsts: [50196] }),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: 'dropped connection',
    error: failure({ transportCode: 'ECONNRESET' }),
    expected: { kind: 'retry', reason: 'connection', code: 'ECONNRESET' },
  },
  {
    name: 'timeout',
    error: failure({ transportCode: 'ETIMEDOUT' }),
    expected: { kind: 'retry', reason: 'timeout' },
  },
  {
    name: "MSAL's own lock after a throttled request: empty message, no answer recorded",
    error: failure({}),
    expected: { kind: 'retry', reason: 'unknown' },
  },
  {
    name: 'unknown refusal code without invalid_client',
    error: failure({ status: 400, oauthError: 'invalid_request', aadsts: [900144] }),
    expected: { kind: 'retry', reason: 'unknown' },
  },
  // a wrong credential: stalled with what to do
  {
    name: 'AADSTS7000215 invalid client secret',
    error: failure({ status: 401, oauthError: 'invalid_client', aadsts: [7000215] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed', code: 'AADSTS7000215' },
    says: /secret's value, not its id/,
  },
  {
    name: 'AADSTS7000222 expired client secret',
    error: failure({ status: 401, oauthError: 'invalid_client', aadsts: [7000222] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /expired: create a new one/,
  },
  {
    name: 'AADSTS70021 no matching federated credential',
    error: failure({ status: 400, oauthError: 'invalid_client', aadsts: [70021] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /federated credential/,
  },
  {
    // The answer to an expired client assertion (Azure/azure-sdk-for-rust#1739): 401
    // invalid_client, "AADSTS700024: Client assertion is not within its valid time range."
    name: 'AADSTS700024 expired client assertion (federated token)',
    error: failure({ status: 401, oauthError: 'invalid_client', aadsts: [700024] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed', code: 'AADSTS700024' },
    says: /AZURE_FEDERATED_TOKEN_FILE has expired/,
  },
  {
    name: 'AADSTS700027 assertion signature',
    error: failure({ status: 401, oauthError: 'invalid_client', aadsts: [700027] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /certificate/,
  },
  {
    name: 'AADSTS90002 tenant not found',
    error: failure({ status: 400, oauthError: 'invalid_tenant', aadsts: [90002] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /--azure-tenant-id/,
  },
  {
    name: 'invalid_client with a code not in the table',
    error: failure({ status: 401, oauthError: 'invalid_client', aadsts: [7000000] }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
  {
    name: 'CredentialUnavailableError before any request (no token file, no managed identity)',
    error: failure({ errorName: 'CredentialUnavailableError' }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /not available in this environment/,
  },
  {
    name: 'CredentialUnavailableError after the authority could not be reached',
    error: failure({ errorName: 'CredentialUnavailableError', transportCode: 'ECONNREFUSED' }),
    expected: { kind: 'retry', reason: 'connection' },
  },
  // F3: an unknown application is replication lag for a while
  {
    name: 'AADSTS700016 just now',
    error: failure({
      status: 400,
      oauthError: 'unauthorized_client',
      aadsts: [700016],
      unknownClientForMs: 0,
    }),
    expected: { kind: 'retry', reason: 'replicationLag', code: 'AADSTS700016' },
    says: /new app registration/,
  },
  {
    name: 'AADSTS7000229 (no service principal yet) within the grace period',
    error: failure({
      status: 400,
      oauthError: 'invalid_client',
      aadsts: [7000229],
      unknownClientForMs: 60_000,
    }),
    expected: { kind: 'retry', reason: 'replicationLag' },
  },
  {
    name: 'AADSTS700016 after the grace period',
    error: failure({
      status: 400,
      oauthError: 'unauthorized_client',
      aadsts: [700016],
      unknownClientForMs: UNKNOWN_CLIENT_GRACE_MS,
    }),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
    says: /correct --azure-client-id and --azure-tenant-id/,
  },
  // identity's errors as thrown, without the wrapper (read by shape)
  {
    name: 'raw AuthenticationRequiredError carrying AADSTS7000215',
    error: namedError(
      'AuthenticationRequiredError',
      'invalid_client: Error(s): 7000215 - Timestamp: 2026-11-26 - Description: AADSTS7000215: Invalid client secret provided. - Correlation ID: x - Trace ID: y',
    ),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed', code: 'AADSTS7000215' },
  },
  {
    name: 'raw AuthenticationRequiredError from a 429 ("[object Object]")',
    error: namedError(
      'AuthenticationRequiredError',
      '[object Object]: Error(s): Not Available - Timestamp: Not Available - Description: Not Available - Correlation ID: Not Available - Trace ID: Not Available',
    ),
    expected: { kind: 'retry', reason: 'unknown' },
  },
  {
    name: 'raw AuthenticationError 429 (identity HTTP path)',
    error: namedError('AuthenticationError', 'unknown_error Status code: 429', {
      statusCode: 429,
      errorResponse: { error: 'unknown_error', errorDescription: 'An unknown error has occurred.' },
    }),
    expected: { kind: 'throttled', retryAfterMs: DEFAULT_THROTTLE_MS },
  },
  {
    name: 'raw AuthenticationError 500 with an object as error',
    error: namedError('AuthenticationError', '[object Object] Status code: 500', {
      statusCode: 500,
      errorResponse: { error: { code: 'InternalServerError' } },
    }),
    expected: { kind: 'retry', reason: 'serverError' },
  },
  {
    name: 'raw AADSTS700016 (no grace known without the wrapper)',
    error: namedError(
      'AuthenticationRequiredError',
      'unauthorized_client: Error(s): 700016 - Description: AADSTS700016: Application not found.',
    ),
    expected: { kind: 'stalled', reason: 'AuthorizationFailed' },
  },
];

describe('classifying a failed token request by its cause', () => {
  it.each(cases)('$name', ({ error, expected, says }) => {
    const classified = classifyAzureError(error, { random: () => 0 });
    expect(classified).toMatchObject(expected);
    if (says) expect(classified.message).toMatch(says);
    expect(classified.message).not.toContain('[object Object]');
  });

  it('never repeats a secret or token the description echoes', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const classified = classifyAzureError(
      namedError(
        'AuthenticationRequiredError',
        `invalid_client: Error(s): 7000215 - Description: AADSTS7000215: bad client_secret=hunter2 assertion ${jwt} - Correlation ID: x`,
      ),
    );
    expect(classified.message).not.toContain('hunter2');
    expect(classified.message).not.toContain(jwt);
  });

  it('names the status, OAuth error and AADSTS code in the message', () => {
    const classified = classifyAzureError(
      failure({
        status: 401,
        oauthError: 'invalid_client',
        aadsts: [7000215],
        description: 'AADSTS7000215: Invalid.',
      }),
    );
    expect(classified.message).toContain(
      '(Entra ID 401 invalid_client AADSTS7000215: AADSTS7000215: Invalid.)',
    );
  });
});
