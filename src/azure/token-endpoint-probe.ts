// A pipeline policy on @azure/identity's own HTTP client (the one MSAL sends its Entra ID requests
// through). It exists for two reasons:
//  1. What the credential throws says too little: MSAL turns a 429, a 5xx with a non-OAuth body
//     and a refused secret alike into `AuthenticationRequiredError` with a flattened message (for
//     a non-OAuth body literally "[object Object]: …"), without status or headers. The probe keeps
//     the facts of the last failed answer — status, Retry-After, OAuth `error`, AADSTS codes — so
//     a failure can be classified by its cause (credential-failure.ts).
//  2. @azure/identity's own retry policy retries a 429 only when it carries a retry hint. A 429
//     or 5xx without one gets a short one here (2–4 s), so one throttled token request is retried
//     inside the credential and the caller never sees it. (MSAL's own lock after a failed answer
//     is bounded by ExplainedCredential, credential-failure.ts.)
//  3. A hint longer than MAX_INLINE_TOKEN_WAIT_MS is never slept on inside the credential. Entra ID
//     throttles client credentials with `Retry-After: 60` (docs/azure-layer.md, "Token
//     throttling"); identity's retry policy would sleep that long up to three times inside one
//     getToken, and the SDK's bearer-token policy makes every request of the client that needs a
//     token wait on that one refresh (core-rest-pipeline's token cycler) — every worker of the
//     operator, for three minutes, unable to be aborted. The probe ends the attempt instead
//     (TokenRequestDeferred); ExplainedCredential then refuses token requests until the hint has
//     passed, without a network call, and each reconcile is requeued as Throttled.
// Success bodies hold access tokens: they are never read. Failure descriptions are redacted and cut.
import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { redactSecrets, truncate } from './redact.ts';
import { retryAfterMs } from './rest-error.ts';

/** The last failed answer (or transport failure) from Entra ID / IMDS. */
export interface TokenEndpointFailure {
  /** HTTP status; absent when no response arrived. */
  status?: number;
  /** Azure's retry hint, when it gave one (not the default the probe adds). */
  retryAfterMs?: number;
  /** OAuth `error` (`invalid_client`, `temporarily_unavailable`, …), only when it is a string. */
  oauthError?: string;
  /** AADSTS codes from `error_codes` or `error_description`. */
  aadsts: number[];
  /** `error_description`, redacted and cut to 300 characters. */
  description?: string;
  /** Transport error code (`ECONNRESET`, `REQUEST_SEND_ERROR`) when no response arrived. */
  transportCode?: string;
  /** Epoch ms. */
  at: number;
}

export interface TokenEndpointProbeOptions {
  now?: () => number;
  /** For the jitter of the added retry hint; [0, 1). */
  random?: () => number;
}

/** Seconds added as Retry-After to a 429/5xx without one: 2–4 s, jittered so replicas do not align. */
export const TOKEN_RETRY_HINT_SECONDS = { min: 2, spread: 3 } as const;

/** The longest retry hint identity's retry policy may sleep on inside one token request. */
export const MAX_INLINE_TOKEN_WAIT_MS = 5_000;

/**
 * Thrown by the probe instead of handing identity's retry policy an answer whose retry hint is
 * longer than MAX_INLINE_TOKEN_WAIT_MS: no retry in the credential, the facts stay in the probe.
 */
export class TokenRequestDeferred extends Error {
  override readonly name = 'TokenRequestDeferred';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number,
  ) {
    super(`Entra ID answered ${status} and asked to wait ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export class TokenEndpointProbe {
  #last: TokenEndpointFailure | undefined;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: TokenEndpointProbeOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** The last failure, or undefined when the last answer was a success. */
  lastFailure(): TokenEndpointFailure | undefined {
    return this.#last;
  }

  /** For `additionalPolicies: [{ policy, position: 'perRetry' }]`: sees every attempt, before identity's retry policy. */
  readonly policy: PipelinePolicy = {
    name: 'logicopsTokenEndpointProbe',
    sendRequest: async (request, next) => {
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        this.#last = { aadsts: [], transportCode: transportCode(error), at: this.#now() };
        throw error;
      }
      if (response.status < 400) {
        this.#last = undefined;
        return response;
      }
      this.#last = this.#readFailure(response);
      const hint = this.#last.retryAfterMs;
      if (isRetryable(response.status) && hint !== undefined && hint > MAX_INLINE_TOKEN_WAIT_MS) {
        throw new TokenRequestDeferred(response.status, hint);
      }
      if (isRetryable(response.status) && hint === undefined) {
        const seconds =
          TOKEN_RETRY_HINT_SECONDS.min + Math.floor(this.#random() * TOKEN_RETRY_HINT_SECONDS.spread);
        response.headers.set('retry-after', String(seconds));
      }
      return response;
    },
  };

  #readFailure(response: PipelineResponse): TokenEndpointFailure {
    const now = this.#now();
    const hint = retryAfterMs((name) => response.headers.get(name) ?? undefined, now);
    const body = parseJson(response.bodyAsText);
    const oauthError = typeof body?.error === 'string' ? body.error : undefined;
    const description =
      typeof body?.error_description === 'string'
        ? body.error_description
        : (nonOAuthDescription(body?.error) ?? plainText(response.bodyAsText, body));
    const codes = Array.isArray(body?.error_codes)
      ? body.error_codes.filter((c): c is number => Number.isInteger(c))
      : [];
    return {
      status: response.status,
      ...(hint === undefined ? {} : { retryAfterMs: hint }),
      ...(oauthError === undefined ? {} : { oauthError }),
      aadsts: codes.length > 0 ? codes : aadstsCodesIn(description ?? ''),
      ...(description === undefined ? {} : { description: truncate(redactSecrets(description), 300) }),
      at: now,
    };
  }
}

/** `AADSTS7000215: …` and MSAL's `Error(s): 7000215 - …` → [7000215]. */
export function aadstsCodesIn(text: string): number[] {
  const codes = new Set<number>();
  for (const match of text.matchAll(/AADSTS(\d{4,8})/g)) codes.add(Number(match[1]));
  const listed = /Error\(s\):\s*([\d ]+)/.exec(text);
  for (const code of listed?.[1]?.trim().split(/\s+/) ?? []) if (code) codes.add(Number(code));
  return [...codes];
}

/** A gateway or proxy in front of Entra ID may answer in ARM's shape, `{error: {code, message}}`. */
function nonOAuthDescription(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const parts = [code, message].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/**
 * A failure answered in plain text (Entra ID's throttling answer is `Too Many Requests`, not OAuth
 * JSON): the text itself, when it is short and is no JSON document.
 */
function plainText(text: string | null | undefined, parsed: Record<string, unknown> | undefined) {
  const trimmed = text?.trim();
  if (!trimmed || parsed !== undefined || trimmed.startsWith('{') || trimmed.startsWith('<'))
    return undefined;
  return trimmed.length <= 300 ? trimmed : undefined;
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function parseJson(text: string | null | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function transportCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof name === 'string' && name) return name;
  }
  return 'Error';
}
