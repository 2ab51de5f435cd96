// Classifies a failed token request by its cause (docs/reliability.md, F2 and F3). Only an answer
// that says the credential itself is wrong stalls: a wrong or expired secret, no matching
// federated credential, an unknown tenant — and an unknown application once the grace period for
// a new app registration's replication is over. Everything else (throttling, 5xx, a non-OAuth
// body, a dropped connection, MSAL's own lock after one of those) is retried: it heals alone,
// and waiting for the 10-minute resync would leave every object Stalled for nothing.
import { Reason } from '../crds/conditions.ts';
import {
  type CredentialFailureFacts,
  credentialFactsOf,
  describeCredentialFacts,
  IDENTITY_ERROR_NAMES,
  isCredentialFailure,
  UNKNOWN_CLIENT_CODES,
} from './credential-failure.ts';
import type { AzureFailure } from './failure.ts';
import { defaultThrottleMs } from './retry-hint.ts';

/** How long "no such application" (AADSTS700016/7000229) counts as replication lag of a new app registration. */
export const UNKNOWN_CLIENT_GRACE_MS = 5 * 60_000;

const CHECK_SETTINGS =
  "check the operator's credential settings (--azure-client-id, --azure-tenant-id, AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE, or the namespace's credential Secret)";

/** AADSTS codes that mean the credential is wrong, with what to do about each. */
const WRONG_CREDENTIAL: ReadonlyMap<number, string> = new Map([
  [
    7000215,
    "Entra ID refused the client secret: set AZURE_CLIENT_SECRET (or the credential Secret's data.clientSecret) to the secret's value, not its id.",
  ],
  [
    7000222,
    'The client secret has expired: create a new one for the app registration and update AZURE_CLIENT_SECRET or the credential Secret.',
  ],
  [
    7000218,
    'No client secret or federated token reached Entra ID: set AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE.',
  ],
  [
    70021,
    "Entra ID has no federated credential matching the service account token: add one to the app registration with the cluster's OIDC issuer and the subject system:serviceaccount:<namespace>:<service account>.",
  ],
  [
    // "AADSTS700024: Client assertion is not within its valid time range" (Entra ID error codes,
    // https://learn.microsoft.com/entra/identity-platform/reference-error-codes; as answered to
    // workload identity in Azure/azure-sdk-for-rust#1739): the projected service-account token
    // has expired. @azure/identity re-reads the file every few minutes, so an expired token that
    // stays means the file is not being renewed, or the node's clock is wrong.
    700024,
    'The federated token in AZURE_FEDERATED_TOKEN_FILE has expired: check that the projected service-account token is being renewed (the pod must mount it as a projected volume with the api://AzureADTokenExchange audience) and that the node clock is right.',
  ],
  [
    700027,
    "Entra ID did not accept the client assertion's signature: check the certificate or federated credential registered on the app.",
  ],
  [90002, 'Entra ID does not know the tenant: correct --azure-tenant-id (AZURE_TENANT_ID).'],
  [900023, 'The tenant id is not valid: correct --azure-tenant-id (AZURE_TENANT_ID).'],
]);

/** OAuth errors that, without a more precise code, also mean "the credential is wrong". */
const WRONG_CREDENTIAL_OAUTH = new Set(['invalid_client', 'unauthorized_client']);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'TimeoutError']);

/** The classification of a token failure, or undefined when `error` is not one. */
export function classifyCredentialFailure(
  error: unknown,
  options: { random?: () => number } = {},
): AzureFailure | undefined {
  const facts = isCredentialFailure(error)
    ? error.facts
    : typeof error === 'object' &&
        error !== null &&
        IDENTITY_ERROR_NAMES.has(String((error as { name?: unknown }).name))
      ? credentialFactsOf(error)
      : undefined;
  return facts ? classifyCredentialFacts(facts, options.random ?? Math.random) : undefined;
}

function classifyCredentialFacts(facts: CredentialFailureFacts, random: () => number): AzureFailure {
  const detail = `(${describeCredentialFacts(facts)})`;
  const code = codeOf(facts);
  const stalled = (guidance: string): AzureFailure => ({
    kind: 'stalled',
    reason: Reason.AuthorizationFailed,
    ...code,
    message: `The operator could not get an Azure token. ${guidance} ${detail}`,
  });
  const retry = (
    reason: 'connection' | 'timeout' | 'serverError' | 'replicationLag' | 'unknown',
    why: string,
  ) => ({ kind: 'retry', reason, ...code, message: `${why}; retrying with backoff. ${detail}` }) as const;

  const wrong = facts.aadsts.map((c) => WRONG_CREDENTIAL.get(c)).find((g) => g !== undefined);
  if (wrong) return stalled(wrong);
  if (facts.aadsts.some((c) => UNKNOWN_CLIENT_CODES.has(c))) {
    // Unknown when the error did not pass through ExplainedCredential: no grace then.
    const refusedForMs = facts.unknownClientForMs ?? UNKNOWN_CLIENT_GRACE_MS;
    if (refusedForMs < UNKNOWN_CLIENT_GRACE_MS) {
      return retry(
        'replicationLag',
        "Entra ID does not know the operator's application yet (a new app registration takes minutes to replicate)",
      );
    }
    return stalled(
      `Entra ID has not known the operator's application for ${Math.round(refusedForMs / 60_000)} min: correct --azure-client-id and --azure-tenant-id, or create the app's service principal in the tenant.`,
    );
  }
  if (facts.status === 429) {
    return {
      kind: 'throttled',
      retryAfterMs: facts.retryAfterMs ?? defaultThrottleMs(random),
      ...code,
      message: `Entra ID throttled the token request. ${detail}`,
    };
  }
  if (facts.transportCode) {
    return TIMEOUT_CODES.has(facts.transportCode)
      ? retry('timeout', 'The token request timed out')
      : retry('connection', 'The token request got no answer');
  }
  if ((facts.status ?? 0) >= 500 || facts.oauthError === 'temporarily_unavailable') {
    return retry('serverError', 'Entra ID failed to answer the token request');
  }
  if (facts.oauthError && WRONG_CREDENTIAL_OAUTH.has(facts.oauthError))
    return stalled(`Entra ID refused it: ${CHECK_SETTINGS}.`);
  // Nothing was sent: the credential is not configured here (no token file, no managed identity endpoint).
  if (facts.errorName === 'CredentialUnavailableError' && facts.status === undefined) {
    return stalled(`The credential is not available in this environment: ${CHECK_SETTINGS}.`);
  }
  return retry('unknown', 'The token request failed');
}

function codeOf(facts: CredentialFailureFacts): { code?: string } {
  const code =
    facts.aadsts[0] !== undefined ? `AADSTS${facts.aadsts[0]}` : (facts.transportCode ?? facts.oauthError);
  return code ? { code } : {};
}
