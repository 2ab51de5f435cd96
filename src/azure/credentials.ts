// Builds the operator's Azure TokenCredential from already-read configuration. Which kind to
// use is a deployment choice (workload identity on AKS, a client secret elsewhere, a managed
// identity on a VM); the authority host is configurable so the same binary can talk to Entra ID
// or to the emulator. Values read here are never logged and never appear in error messages.
import {
  ClientAssertionCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { ExplainedCredential } from './credential-failure.ts';
import { TokenEndpointProbe } from './token-endpoint-probe.ts';

export type CredentialConfig =
  | {
      kind: 'workloadIdentity';
      tenantId: string;
      clientId: string;
      /** The projected service-account token (AZURE_FEDERATED_TOKEN_FILE). */
      tokenFilePath: string;
    }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  /**
   * A federated token the caller fetches itself (a namespace's ServiceAccount token from the
   * TokenRequest API); asked for only when Entra ID must issue a new access token.
   */
  | { kind: 'clientAssertion'; tenantId: string; clientId: string; getAssertion: () => Promise<string> }
  /** `clientId` picks a user-assigned identity; omitted = the host's system-assigned identity. */
  | { kind: 'managedIdentity'; clientId?: string };

export interface CredentialSettings {
  /** Entra ID authority, e.g. `https://login.microsoftonline.com` or the emulator's URL. */
  authorityHost?: string;
  /** Epoch ms, for how long a throttled credential waits (tests pass a fake clock). */
  now?: () => number;
}

/** Public-cloud and sovereign authorities MSAL knows; anything else needs instance discovery off. */
const KNOWN_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
]);

/**
 * The credential for `config`. Its failures are thrown as CredentialFailure (credential-failure.ts),
 * classified by cause: what Entra ID answered, not which identity class carried it.
 */
export function createCredential(
  config: CredentialConfig,
  settings: CredentialSettings = {},
): ExplainedCredential {
  const probe = new TokenEndpointProbe(settings.now ? { now: settings.now } : {});
  const probeOptions = { additionalPolicies: [{ policy: probe.policy, position: 'perRetry' as const }] };
  return new ExplainedCredential(
    () => identityCredential(config, settings, probeOptions),
    probe,
    settings.now,
  );
}

function identityCredential(
  config: CredentialConfig,
  settings: CredentialSettings,
  probeOptions: Pick<TokenCredentialOptions, 'additionalPolicies'>,
): TokenCredential {
  switch (config.kind) {
    case 'workloadIdentity':
      requireValues('workload identity', {
        tenantId: config.tenantId,
        clientId: config.clientId,
        tokenFilePath: config.tokenFilePath,
      });
      return new WorkloadIdentityCredential({
        tenantId: config.tenantId,
        clientId: config.clientId,
        tokenFilePath: config.tokenFilePath,
        ...authorityOptions(settings),
        ...probeOptions,
      });
    case 'clientSecret':
      requireValues('client secret', {
        tenantId: config.tenantId,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
      });
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
        ...authorityOptions(settings),
        ...probeOptions,
      });
    case 'clientAssertion':
      requireValues('client assertion', { tenantId: config.tenantId, clientId: config.clientId });
      return new ClientAssertionCredential(config.tenantId, config.clientId, config.getAssertion, {
        ...authorityOptions(settings),
        ...probeOptions,
      });
    case 'managedIdentity':
      return config.clientId
        ? new ManagedIdentityCredential({ clientId: config.clientId, ...probeOptions })
        : new ManagedIdentityCredential(probeOptions);
  }
}

/** Keys of a per-namespace credential Secret (`data.clientId`, `data.tenantId`, `data.clientSecret`). */
export const CREDENTIAL_SECRET_KEYS = ['clientId', 'tenantId', 'clientSecret'] as const;

/**
 * A client-secret credential from a namespace's credential Secret, given its already decoded
 * `data`. Throws naming the missing keys (never the values).
 */
export function credentialFromSecretData(
  data: Readonly<Record<string, string | undefined>>,
  settings: CredentialSettings = {},
): ExplainedCredential {
  const missing = CREDENTIAL_SECRET_KEYS.filter((key) => !data[key]?.trim());
  if (missing.length > 0) {
    throw new Error(`The credential Secret is missing ${missing.map((k) => `data.${k}`).join(', ')}`);
  }
  return createCredential(
    {
      kind: 'clientSecret',
      tenantId: data.tenantId!.trim(),
      clientId: data.clientId!.trim(),
      clientSecret: data.clientSecret!.trim(),
    },
    settings,
  );
}

function authorityOptions(settings: CredentialSettings): {
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
} {
  if (!settings.authorityHost) return {};
  const authorityHost = settings.authorityHost.replace(/\/+$/, '');
  // MSAL validates a custom authority against login.microsoftonline.com's instance discovery,
  // which fails offline and for the emulator (azure-wire.md §0.3).
  const known = KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  return known ? { authorityHost } : { authorityHost, disableInstanceDiscovery: true };
}

function requireValues(kind: string, values: Record<string, string>): void {
  const missing = Object.entries(values)
    .filter(([, value]) => !value?.trim())
    .map(([key]) => key);
  if (missing.length > 0) throw new Error(`Azure ${kind} credential is missing ${missing.join(', ')}`);
}
