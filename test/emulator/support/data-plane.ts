// Data-plane helpers: a SecretClient pointed at the emulator (only the transport changes: the
// vault keeps its real URI) and a credential that asks the emulator's managed-identity route
// for a given principal's token, as a workflow's system-assigned identity would.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Emulator } from '../../../src/emulator/index.ts';

/**
 * A TokenCredential for one managed identity, via `emu.managedIdentityEndpointFor(principalId)`.
 * (ManagedIdentityCredential caches its endpoint once per process, so it cannot switch principals.)
 */
export function managedIdentityCredential(emu: Emulator, principalId: string): TokenCredential {
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
      const resource = scope.replace(/\/\.default$/, '');
      const url = `${emu.managedIdentityEndpointFor(principalId)}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;
      const response = await fetch(url, { headers: { Metadata: 'true' } });
      const body = (await response.json()) as {
        access_token?: string;
        expires_on?: string;
        error_description?: string;
      };
      if (!response.ok || !body.access_token) {
        throw new Error(`managed identity token refused (${response.status}): ${body.error_description}`);
      }
      return { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
    },
  };
}

export function secretClient(emu: Emulator, vaultUri: string, credential: TokenCredential): SecretClient {
  // No retries: a 403 or 404 must reach the test at once (they are not retried anyway).
  return new SecretClient(vaultUri, credential, {
    agent: emu.dataPlaneAgent,
    retryOptions: { maxRetries: 0 },
  });
}
