// The token endpoint probe (what Entra ID answered, and a short retry hint where it gave none)
// and ExplainedCredential (failures rethrown as facts, the grace clock for an unknown app).
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { CredentialFailure, ExplainedCredential } from '../../../src/azure/credential-failure.ts';
import { DEFAULT_THROTTLE_MS } from '../../../src/azure/retry-hint.ts';
import {
  aadstsCodesIn,
  MAX_INLINE_TOKEN_WAIT_MS,
  TokenEndpointProbe,
  TokenRequestDeferred,
} from '../../../src/azure/token-endpoint-probe.ts';
import { namedError } from './fake-errors.ts';

const request = createPipelineRequest({
  url: 'https://login.example/tenant/oauth2/v2.0/token',
  method: 'POST',
});

function answer(status: number, body: unknown, headers: Record<string, string> = {}): PipelineResponse {
  return {
    request,
    status,
    headers: createHttpHeaders(headers),
    bodyAsText: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

async function send(
  probe: TokenEndpointProbe,
  response: PipelineResponse | Error,
): Promise<PipelineResponse> {
  return probe.policy.sendRequest(request, async () => {
    if (response instanceof Error) throw response;
    return response;
  });
}

describe('TokenEndpointProbe', () => {
  it("adds a short jittered Retry-After to a 429 without one, so identity's retry policy retries it", async () => {
    const low = new TokenEndpointProbe({ random: () => 0 });
    const high = new TokenEndpointProbe({ random: () => 0.999 });
    const body = { error: { code: 'TooManyRequests', message: 'slow down' } };
    expect((await send(low, answer(429, body))).headers.get('retry-after')).toBe('2');
    expect((await send(high, answer(429, body))).headers.get('retry-after')).toBe('4');
    // The hint the probe added is not Azure's: it is not reported as one.
    expect(low.lastFailure()).toMatchObject({
      status: 429,
      aadsts: [],
      description: 'TooManyRequests: slow down',
    });
    expect(low.lastFailure()?.retryAfterMs).toBeUndefined();
  });

  it("keeps a short Retry-After of Entra ID's and reports it", async () => {
    const probe = new TokenEndpointProbe({ now: () => 0 });
    const response = await send(
      probe,
      answer(429, { error: 'temporarily_unavailable' }, { 'retry-after': '5' }),
    );
    expect(response.headers.get('retry-after')).toBe('5');
    expect(probe.lastFailure()).toMatchObject({
      status: 429,
      retryAfterMs: MAX_INLINE_TOKEN_WAIT_MS,
      oauthError: 'temporarily_unavailable',
    });
  });

  // Entra ID's answer to a throttled client-credentials request: "429 Too Many Requests, with a
  // Retry-After: 60 header" (https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling),
  // body "Too Many Requests" as plain text (AzureAD/microsoft-authentication-library-for-dotnet#2855).
  it('ends the attempt instead of letting identity sleep through a long Retry-After, keeping the facts', async () => {
    const probe = new TokenEndpointProbe({ now: () => 0 });
    const error = await send(
      probe,
      answer(429, 'Too Many Requests', { 'retry-after': '60', 'content-type': 'text/plain' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestDeferred);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(probe.lastFailure()).toMatchObject({
      status: 429,
      retryAfterMs: 60_000,
      aadsts: [],
      description: 'Too Many Requests',
    });
  });

  it('ends a 503 with a long hint too, and lets a 503 with a short one be retried', async () => {
    const probe = new TokenEndpointProbe({ now: () => 0 });
    await expect(send(probe, answer(503, 'busy', { 'retry-after': '120' }))).rejects.toBeInstanceOf(
      TokenRequestDeferred,
    );
    expect((await send(probe, answer(503, 'busy', { 'retry-after': '1' }))).headers.get('retry-after')).toBe(
      '1',
    );
  });

  it('adds a hint to a 5xx too, and none to a 4xx refusal', async () => {
    const probe = new TokenEndpointProbe({ random: () => 0 });
    expect((await send(probe, answer(500, 'oops'))).headers.get('retry-after')).toBe('2');
    const refused = {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.',
      error_codes: [7000215],
    };
    expect((await send(probe, answer(401, refused))).headers.get('retry-after')).toBeUndefined();
    expect(probe.lastFailure()).toMatchObject({
      status: 401,
      oauthError: 'invalid_client',
      aadsts: [7000215],
      description: 'AADSTS7000215: Invalid client secret provided.',
    });
  });

  it('records a transport failure and rethrows it', async () => {
    const probe = new TokenEndpointProbe();
    const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(send(probe, dropped)).rejects.toBe(dropped);
    expect(probe.lastFailure()).toMatchObject({ transportCode: 'ECONNRESET', aadsts: [] });
  });

  it('forgets the failure on success and never reads a success body', async () => {
    const probe = new TokenEndpointProbe();
    await send(probe, answer(503, 'down'));
    expect(probe.lastFailure()).toBeDefined();
    await send(probe, answer(200, { access_token: 'eyJ.secret.token' }));
    expect(probe.lastFailure()).toBeUndefined();
  });

  it('redacts what a description echoes', async () => {
    const probe = new TokenEndpointProbe();
    await send(
      probe,
      answer(400, { error: 'invalid_request', error_description: 'bad client_secret=hunter2' }),
    );
    expect(probe.lastFailure()?.description).toBe('bad client_secret=[redacted]');
  });
});

describe('aadstsCodesIn', () => {
  it("reads AADSTS codes and MSAL's Error(s) list", () => {
    expect(aadstsCodesIn('AADSTS700016: Application not found')).toEqual([700016]);
    expect(aadstsCodesIn('invalid_client: Error(s): 7000215 - Timestamp: …')).toEqual([7000215]);
    expect(aadstsCodesIn('[object Object]: Error(s): Not Available - …')).toEqual([]);
  });
});

/** A credential that answers with the given steps in turn ('ok' = a token), then succeeds. */
function scripted(steps: (Error | 'ok')[]): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => {
      const next = steps.shift();
      if (next instanceof Error) throw next;
      return { token: 'token', expiresOnTimestamp: 0 };
    },
  };
}

describe('ExplainedCredential', () => {
  const unknownApp = () =>
    namedError(
      'AuthenticationRequiredError',
      'unauthorized_client: Error(s): 700016 - Description: AADSTS700016: Application not found. - Correlation ID: x',
    );

  it('counts how long the app has been unknown since the first refusal, and restarts after a success', async () => {
    let now = 1_000;
    const inner = scripted([unknownApp(), unknownApp(), 'ok', unknownApp()]);
    const credential = new ExplainedCredential(
      () => inner,
      { lastFailure: () => undefined },
      () => now,
    );
    const refusedFor = async () => {
      const error = await credential.getToken('scope').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialFailure);
      return (error as CredentialFailure).facts.unknownClientForMs;
    };
    expect(await refusedFor()).toBe(0);
    now += 40_000;
    expect(await refusedFor()).toBe(40_000);
    expect(await credential.getToken('scope')).toMatchObject({ token: 'token' });
    // A refusal after a success starts a new grace period (e.g. the app was recreated).
    now += 100_000;
    expect(await refusedFor()).toBe(0);
  });

  it('joins what the probe saw with what the error says, and never keeps "[object Object]"', async () => {
    const inner = scripted([
      namedError(
        'AuthenticationRequiredError',
        '[object Object]: Error(s): Not Available - Description: Not Available - Correlation ID: Not Available',
      ),
    ]);
    const credential = new ExplainedCredential(() => inner, {
      lastFailure: () => ({ status: 500, aadsts: [], description: 'InternalServerError: injected', at: 0 }),
    });
    const error = (await credential.getToken('scope').catch((e: unknown) => e)) as CredentialFailure;
    expect(error.facts).toMatchObject({ errorName: 'AuthenticationRequiredError', status: 500 });
    expect(error.message).toBe('Entra ID 500: InternalServerError: injected');
  });

  it("replaces MSAL's 60 s lock after a 429 with a short one, then asks a fresh credential", async () => {
    let now = 0;
    const built: TokenCredential[] = [];
    const steps: (Error | 'ok')[] = [namedError('AuthenticationRequiredError', '')];
    const credential = new ExplainedCredential(
      () => {
        const inner = scripted(steps);
        built.push(inner);
        return inner;
      },
      { lastFailure: () => ({ status: 429, aadsts: [], at: 0 }) },
      () => now,
    );
    const first = (await credential.getToken('scope').catch((e: unknown) => e)) as CredentialFailure;
    expect(first.facts.status).toBe(429);
    expect(built).toHaveLength(2);
    // Inside the lock: the same failure at once, nothing sent.
    now = DEFAULT_THROTTLE_MS - 1;
    steps.push(namedError('AuthenticationRequiredError', 'must not be reached'));
    const locked = (await credential.getToken('scope').catch((e: unknown) => e)) as CredentialFailure;
    expect(locked.facts.status).toBe(429);
    expect(steps).toHaveLength(1);
    // After it: the fresh credential is asked.
    steps.splice(0, 1, 'ok');
    now = DEFAULT_THROTTLE_MS;
    expect(await credential.getToken('scope')).toMatchObject({ token: 'token' });
    expect(credential.inner).toBe(built[1]);
  });

  it("honours Entra ID's Retry-After for the lock", async () => {
    let now = 0;
    const steps: (Error | 'ok')[] = [namedError('AuthenticationRequiredError', ''), 'ok'];
    const credential = new ExplainedCredential(
      () => scripted(steps),
      { lastFailure: () => ({ status: 429, retryAfterMs: 30_000, aadsts: [], at: 0 }) },
      () => now,
    );
    await credential.getToken('scope').catch(() => undefined);
    now = 20_000;
    // Refused at once, with what is left of the wait as its hint: the reconcile comes back then.
    const locked = (await credential.getToken('scope').catch((e: unknown) => e)) as CredentialFailure;
    expect(locked).toBeInstanceOf(CredentialFailure);
    expect(locked.facts).toMatchObject({ status: 429, retryAfterMs: 10_000 });
    now = 29_999;
    await expect(credential.getToken('scope')).rejects.toBeInstanceOf(CredentialFailure);
    now = 30_000;
    expect(await credential.getToken('scope')).toMatchObject({ token: 'token' });
  });

  it('does not lock after a refusal of the credential itself', async () => {
    const steps: (Error | 'ok')[] = [
      namedError('AuthenticationRequiredError', 'AADSTS7000215: bad secret'),
      'ok',
    ];
    const credential = new ExplainedCredential(() => scripted(steps), {
      lastFailure: () => ({ status: 401, oauthError: 'invalid_client', aadsts: [7000215], at: 0 }),
    });
    await expect(credential.getToken('scope')).rejects.toBeInstanceOf(CredentialFailure);
    expect(await credential.getToken('scope')).toMatchObject({ token: 'token' });
  });

  it('lets an abort through unchanged', async () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const inner = scripted([abort]);
    const credential = new ExplainedCredential(() => inner, { lastFailure: () => undefined });
    await expect(credential.getToken('scope')).rejects.toBe(abort);
  });
});
