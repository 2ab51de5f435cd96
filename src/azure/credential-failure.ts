// What a failed token request really was. @azure/identity throws a handful of classes whose
// names say little (a 429, a 5xx and a refused secret all arrive as AuthenticationRequiredError
// from inside an SDK pipeline); the classifier needs the cause. `ExplainedCredential` wraps
// the operator's credential and rethrows every failure as a CredentialFailure holding only facts:
// the identity error's class, the token endpoint's status, retry hint, OAuth error and AADSTS
// codes (from the TokenEndpointProbe and the error itself), and for how long Entra ID has been
// refusing the app as unknown (AADSTS700016 right after the app registration was created).
// Never kept: the original error (its request/response can hold headers), tokens, secrets.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { redactSecrets, truncate } from './redact.ts';
import { DEFAULT_THROTTLE_MS } from './retry-hint.ts';
import { aadstsCodesIn, type TokenEndpointProbe } from './token-endpoint-probe.ts';

/** Entra ID answers meaning "no such application (yet)": a new app registration is still replicating. */
export const UNKNOWN_CLIENT_CODES: ReadonlySet<number> = new Set([700016, 7000229]);

export interface CredentialFailureFacts {
  /** The @azure/identity error class: AuthenticationRequiredError, AuthenticationError, CredentialUnavailableError, … */
  errorName: string;
  /** Token endpoint's HTTP status; absent when no answer arrived (or none was sent). */
  status?: number;
  /** Entra ID's own retry hint. */
  retryAfterMs?: number;
  oauthError?: string;
  aadsts: number[];
  /** A transport error code when the request never got an answer. */
  transportCode?: string;
  /** Redacted, bounded, never "[object Object]". */
  description: string;
  /** How long this credential has been refused as an unknown application, in ms (0 = first time). */
  unknownClientForMs?: number;
}

export class CredentialFailure extends Error {
  override readonly name = 'CredentialFailure';
  /** An AADSTS code, the OAuth error or the transport code: what metrics and records show. */
  readonly code: string | undefined;
  constructor(readonly facts: CredentialFailureFacts) {
    super(describeCredentialFacts(facts));
    this.code =
      facts.aadsts[0] !== undefined ? `AADSTS${facts.aadsts[0]}` : (facts.transportCode ?? facts.oauthError);
  }
}

export function isCredentialFailure(error: unknown): error is CredentialFailure {
  return error instanceof Error && error.name === 'CredentialFailure' && 'facts' in error;
}

/** The names of @azure/identity's failure classes (read by name: a second copy of the package breaks instanceof). */
export const IDENTITY_ERROR_NAMES: ReadonlySet<string> = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

/** Facts from an identity error alone, plus the probe's record of the answer behind it when there is one. */
export function credentialFactsOf(
  error: unknown,
  answer?: ReturnType<TokenEndpointProbe['lastFailure']>,
): CredentialFailureFacts {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const errorName = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : '';
  // AuthenticationError (identity's own HTTP path, e.g. managed identity) carries status and body.
  const response = typeof e.errorResponse === 'object' && e.errorResponse !== null ? e.errorResponse : {};
  const { error: bodyError, errorDescription } = response as { error?: unknown; errorDescription?: unknown };
  const status = answer?.status ?? (typeof e.statusCode === 'number' ? e.statusCode : undefined);
  const oauthError = answer?.oauthError ?? (typeof bodyError === 'string' ? bodyError : undefined);
  const ownDescription = typeof errorDescription === 'string' ? errorDescription : cleanMessage(message);
  const aadsts = [...new Set([...(answer?.aadsts ?? []), ...aadstsCodesIn(`${message} ${ownDescription}`)])];
  return {
    errorName,
    ...(status === undefined ? {} : { status }),
    ...(answer?.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
    ...(oauthError === undefined || oauthError === 'unknown_error' ? {} : { oauthError }),
    aadsts,
    ...(answer?.transportCode === undefined ? {} : { transportCode: answer.transportCode }),
    description: truncate(redactSecrets(answer?.description ?? ownDescription), 300),
  };
}

/**
 * The credential, with every failure rethrown as a CredentialFailure. Pass the same probe's
 * policy to the credentials `create` makes (`additionalPolicies`). Aborts pass through unchanged.
 *
 * It also replaces MSAL's lock after a 429 or 5xx with a bounded one. MSAL refuses every token
 * request for the answer's Retry-After, but @azure/identity hands it the headers lower-cased while
 * MSAL looks for `Retry-After`, so the lock is always its 60 s default (msal-common
 * ThrottlingUtils; seen against the emulator). Here the lock is Entra ID's own Retry-After, or
 * DEFAULT_THROTTLE_MS without one; requests inside it fail at once without a network call, as
 * MSAL's would, each with what is left of the wait as its retry hint, and the first one after it
 * goes to a fresh credential, whose MSAL has no lock. With the probe ending an attempt whose hint
 * is long (TokenRequestDeferred), one throttled token request costs each waiting reconcile a
 * requeue, never a worker sleeping through Entra ID's 60 s.
 */
export class ExplainedCredential implements TokenCredential {
  #inner: TokenCredential;
  #unknownClientSince: number | undefined;
  #lock: { until: number; facts: CredentialFailureFacts } | undefined;

  constructor(
    private readonly create: () => TokenCredential,
    private readonly probe: Pick<TokenEndpointProbe, 'lastFailure'>,
    private readonly now: () => number = Date.now,
  ) {
    this.#inner = create();
  }

  /** The @azure/identity credential in use. */
  get inner(): TokenCredential {
    return this.#inner;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const now = this.now();
    if (this.#lock && now < this.#lock.until) {
      // What is left of Entra ID's wait, so the reconcile comes back when it is over.
      throw new CredentialFailure({ ...this.#lock.facts, retryAfterMs: this.#lock.until - now });
    }
    try {
      const token = await this.#inner.getToken(scopes, options);
      this.#unknownClientSince = undefined;
      this.#lock = undefined;
      return token;
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw error;
      const facts = credentialFactsOf(error, this.probe.lastFailure());
      if (facts.aadsts.some((code) => UNKNOWN_CLIENT_CODES.has(code))) {
        // The grace period runs from the first refusal this process saw (F3).
        this.#unknownClientSince ??= this.now();
        facts.unknownClientForMs = this.now() - this.#unknownClientSince;
      }
      if (facts.status === 429 || (facts.status ?? 0) >= 500) {
        this.#lock = { until: this.now() + (facts.retryAfterMs ?? DEFAULT_THROTTLE_MS), facts };
        this.#inner = this.create();
      }
      throw new CredentialFailure(facts);
    }
  }
}

/** "Entra ID 429 temporarily_unavailable AADSTS50196: …" — no secret, no "[object Object]". */
export function describeCredentialFacts(facts: CredentialFailureFacts): string {
  const label = [
    facts.status,
    facts.oauthError,
    facts.transportCode,
    ...facts.aadsts.map((code) => `AADSTS${code}`),
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  const parts = [`Entra ID${label ? ` ${label}` : ''}`];
  if (facts.description) parts.push(facts.description);
  return parts.join(': ');
}

/**
 * MSAL flattens a server error into "<error>: Error(s): <codes> - Timestamp: … - Description: <text>
 * - Correlation ID: …"; with a non-OAuth body <error> is an object, printed "[object Object]".
 * Keep the description, drop object renderings and "Not Available" placeholders.
 */
function cleanMessage(message: string): string {
  const described = /Description:\s*(.*?)\s*-\s*Correlation ID:/s.exec(message)?.[1] ?? message;
  const cleaned = described
    .replace(/\[object Object\]:?\s*/g, '')
    .replace(/^Not Available$/, '')
    .trim();
  return cleaned;
}
