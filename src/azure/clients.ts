// Builds the five ARM SDK clients for one subscription. Only endpoints change between Azure and
// the emulator: the token scope must follow the ARM endpoint (`${armEndpoint}/.default`), and the
// two SDK generations spell that option differently (`credentialScopes` on the classic clients,
// `credentials.scopes` on @azure/arm-keyvault 5 and @azure/arm-resources 8).
//
// @azure/arm-resources is here for one resource type no @azure SDK client models:
// Microsoft.Web/connections (API connections, issue 24). Its generic by-id operations take the
// api-version per call (connection-gateway.ts), and it is Microsoft's own, kept with the rest of
// the Azure SDK — preferred over a hand-written REST client on @azure/core-client.
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LogicManagementClient } from '@azure/arm-logic';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import type { WriteFence } from '../runtime/leadership/fence.ts';
import { checkSubscriptionId } from './arm-names.ts';
import { leadershipFencePolicy } from './leadership-fence-policy.ts';
import { requestTimeoutPolicy } from './request-timeout-policy.ts';

export const AZURE_PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';
/** Azure.Core for .NET's per-try network timeout (request-timeout-policy.ts). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 100_000;

export interface AzureClientSettings {
  /** ARM base URL, e.g. `https://management.azure.com` or the emulator's URL. */
  armEndpoint: string;
  subscriptionId: string;
  credential: TokenCredential;
  /**
   * Retries the SDK pipeline makes itself (429/503 after Retry-After, other 5xx with backoff)
   * before a failure reaches the classifier. Default: the SDK's (3). The reconcile loop has its
   * own backoff, so a small number keeps a worker from sleeping for minutes.
   */
  maxRetries?: number;
  /** Each attempt of each request fails after this long without an answer (request-timeout-policy.ts); default 100 s. */
  requestTimeoutMs?: number;
  /**
   * Who sends the requests, for the User-Agent (`logicops/<version> (<instance>)`): ARM's activity
   * log and the emulator's request log then tell replicas apart, although they share one identity.
   */
  userAgent?: { version?: string; instance?: string };
  /** Asked right before each write attempt is sent (leadership-fence-policy.ts); default: none. */
  writeFence?: WriteFence;
}

export interface AzureClients {
  subscriptionId: string;
  logic: LogicManagementClient;
  keyVault: KeyVaultManagementClient;
  authorization: AuthorizationManagementClient;
  msi: ManagedServiceIdentityClient;
  /** Generic by-id ARM operations: API connections (connection-gateway.ts). */
  resources: ResourceManagementClient;
}

export function armTokenScope(armEndpoint: string): string {
  return `${trimSlashes(armEndpoint)}/.default`;
}

export function createAzureClients(settings: AzureClientSettings): AzureClients {
  // The subscription id is the first segment of every URL these clients build.
  checkSubscriptionId(settings.subscriptionId);
  const endpoint = trimSlashes(settings.armEndpoint);
  const scope = armTokenScope(endpoint);
  const common = {
    endpoint,
    userAgentOptions: { userAgentPrefix: userAgentPrefix(settings.userAgent) },
    ...(settings.maxRetries === undefined ? {} : { retryOptions: { maxRetries: settings.maxRetries } }),
    additionalPolicies: [
      {
        policy: requestTimeoutPolicy(settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
        position: 'perRetry' as const,
      },
      ...(settings.writeFence
        ? [{ policy: leadershipFencePolicy(settings.writeFence), position: 'perRetry' as const }]
        : []),
    ],
  };
  const classic = { ...common, credentialScopes: [scope] };
  const { credential, subscriptionId } = settings;
  const modular = { ...common, credentials: { scopes: [scope] } };
  return {
    subscriptionId,
    logic: new LogicManagementClient(credential, subscriptionId, classic),
    keyVault: new KeyVaultManagementClient(credential, subscriptionId, modular),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, classic),
    msi: new ManagedServiceIdentityClient(credential, subscriptionId, classic),
    resources: new ResourceManagementClient(credential, subscriptionId, modular),
  };
}

/** `logicops/0.1.0 (host-1234)`; characters a User-Agent comment cannot hold become `_`. */
export function userAgentPrefix(userAgent: AzureClientSettings['userAgent'] = {}): string {
  const product = userAgent.version ? `logicops/${userAgent.version}` : 'logicops';
  const instance = userAgent.instance?.replace(/[^\w.:@/+-]/g, '_');
  return instance ? `${product} (${instance})` : product;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}
