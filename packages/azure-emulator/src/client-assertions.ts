// What Entra ID checks in a client assertion of type jwt-bearer when an app registration has
// federated identity credentials (workload identity federation): the assertion is unexpired,
// some federated credential names its issuer, subject and one of its audiences, and it is
// signed (RS256) by one of the issuer's keys.
//
// Sources: workload identity federation, https://learn.microsoft.com/entra/workload-id/workload-identity-federation
// ("the issuer, subject and audience values must match" a federated identity credential; the
// audience Microsoft recommends is `api://AzureADTokenExchange`); Microsoft Graph
// federatedIdentityCredential (issuer, subject, audiences). Error codes: Entra ID error codes,
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes; their wording as
// Entra ID sent it: AADSTS70021 in Azure/azure-workload-identity docs/book/src/troubleshooting.md
// ("No matching federated identity record found for presented assertion. Assertion Issuer: '…'.
// Assertion Subject: '…'. Assertion Audience: '…'."), AADSTS700024 in Azure/azure-sdk-for-rust#1739
// and Azure/azure-workload-identity#693, AADSTS700027 ("Client assertion contains an invalid
// signature. [Reason - The key was not found.…]") in Azure/azure-sdk-for-net#29007.
import { createPublicKey, createVerify } from 'node:crypto';
import type { EmulatorCore } from './core.ts';
import type { ApplicationRecord, FederatedCredential, OidcIssuerRecord } from './state.ts';

/** What Microsoft recommends, and what a federated credential without `audiences` accepts. */
export const DEFAULT_FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';

export interface AssertionProblem {
  status: number;
  error: string;
  aadsts: number;
  description: string;
}

interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return {
      header: header as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2] ?? '', 'base64url'),
    };
  } catch {
    return undefined;
  }
}

function audiencesOf(payload: Record<string, unknown>): string[] {
  if (typeof payload.aud === 'string') return [payload.aud];
  if (Array.isArray(payload.aud)) return payload.aud.filter((a): a is string => typeof a === 'string');
  return [];
}

function matchesCredential(credential: FederatedCredential, payload: Record<string, unknown>): boolean {
  // Issuer and subject are compared case-sensitively (Entra ID's breaking change of 2025:
  // learn.microsoft.com/entra/identity-platform/reference-breaking-changes, "Federated identity
  // credentials now use case-sensitive matching").
  if (credential.issuer !== payload.iss || credential.subject !== payload.sub) return false;
  const accepted = credential.audiences?.length ? credential.audiences : [DEFAULT_FEDERATED_AUDIENCE];
  return audiencesOf(payload).some((audience) => accepted.includes(audience));
}

function signatureProblem(jwt: DecodedJwt, issuer: OidcIssuerRecord): string | undefined {
  if (jwt.header.alg !== 'RS256')
    return `The signing algorithm '${String(jwt.header.alg)}' is not supported.`;
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined;
  const candidates = issuer.keys.filter((key) => kid === undefined || (key as { kid?: string }).kid === kid);
  if (candidates.length === 0) return 'The key was not found.';
  const valid = candidates.some((jwk) => {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      return createVerify('RSA-SHA256').update(jwt.signingInput).verify(key, jwt.signature);
    } catch {
      return false;
    }
  });
  return valid ? undefined : 'The provided signature value did not match the expected signature value.';
}

/** Undefined when the assertion authenticates the app; otherwise Entra ID's refusal. */
export function clientAssertionProblem(
  core: EmulatorCore,
  app: ApplicationRecord,
  assertion: string,
): AssertionProblem | undefined {
  const jwt = decodeJwt(assertion);
  if (!jwt) {
    return {
      status: 400,
      error: 'invalid_client',
      aadsts: 70021,
      description: 'The client assertion is not a well-formed JWT.',
    };
  }
  const { payload } = jwt;
  const now = core.now();
  if (typeof payload.exp === 'number' && payload.exp * 1000 < now) {
    const validFrom =
      typeof payload.nbf === 'number'
        ? payload.nbf
        : typeof payload.iat === 'number'
          ? payload.iat
          : payload.exp;
    return {
      status: 401,
      error: 'invalid_client',
      aadsts: 700024,
      description: `Client assertion is not within its valid time range. Current time: ${new Date(now).toISOString()}, assertion valid from ${new Date(validFrom * 1000).toISOString()}, expiry time of assertion ${new Date(payload.exp * 1000).toISOString()}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    };
  }
  // An app without federated credentials: the emulator's lenient mode (README, "Known differences").
  if (!app.federatedCredentials) return undefined;
  if (!app.federatedCredentials.some((credential) => matchesCredential(credential, payload))) {
    return {
      status: 400,
      error: 'invalid_client',
      aadsts: 70021,
      description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(payload.iss)}'. Assertion Subject: '${String(payload.sub)}'. Assertion Audience: '${audiencesOf(payload).join(',')}'.`,
    };
  }
  const issuer = core.state.oidcIssuers[String(payload.iss)];
  // Without registered keys the signature cannot be checked (README, "Known differences").
  if (!issuer) return undefined;
  const reason = signatureProblem(jwt, issuer);
  return reason
    ? {
        status: 401,
        error: 'invalid_client',
        aadsts: 700027,
        description: `Client assertion contains an invalid signature. [Reason - ${reason} Issuer: '${issuer.issuer}'].`,
      }
    : undefined;
}
