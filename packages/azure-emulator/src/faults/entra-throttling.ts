// Entra ID's throttling answer as an injectable error rule. For the client-credentials grant Entra
// ID answers "429 Too Many Requests, with a Retry-After: 60 header" (MSAL.NET, "Understanding
// client and server throttling": https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling),
// and the body is not always OAuth JSON: MSAL.NET reports such an answer as "could not be parsed …
// StatusCode: 429, ResponseBody: Too Many Requests, Headers: Retry-After: 60"
// (AzureAD/microsoft-authentication-library-for-dotnet#2855). A bare injected 429 (no hint, a JSON
// body) lets a client recover in seconds, which real Entra ID does not allow.
import type { ErrorInjectionRule } from './config.ts';

/** Seconds Entra ID asks a throttled client-credentials caller to wait. */
export const ENTRA_THROTTLE_RETRY_AFTER_SECONDS = 60;

/**
 * An `errors` rule that answers token requests as a throttling Entra ID does: 429, `Retry-After:
 * 60`, body `Too Many Requests` as text/plain. `firing` says when (`next`, `rate`, `outage`).
 */
export function entraThrottling(
  firing: Pick<ErrorInjectionRule, 'next' | 'rate' | 'outage'>,
  options: { operation?: 'Entra/token' | 'ManagedIdentity/token'; retryAfterSeconds?: number } = {},
): ErrorInjectionRule {
  return {
    operation: options.operation ?? 'Entra/token',
    ...firing,
    status: 429,
    code: 'TooManyRequests',
    message: 'Too Many Requests',
    retryAfterSeconds: options.retryAfterSeconds ?? ENTRA_THROTTLE_RETRY_AFTER_SECONDS,
    body: 'text',
  };
}
