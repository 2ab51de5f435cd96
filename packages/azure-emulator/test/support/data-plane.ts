// Data-plane helpers: a SecretClient pointed at the emulator (only the transport changes: the
// vault keeps its real URI) and a credential that asks the emulator's managed-identity route
// for a given principal's token, as a workflow's system-assigned identity would.
import https from 'node:https';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Emulator } from '../../src/index.ts';

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

/**
 * A GET of a secret with the principal's token, answered raw: status, error code and inner error
 * code (the SDK's error model drops `innererror`, which tells access policies from RBAC).
 */
export async function readSecretRaw(
  emu: Emulator,
  vaultUri: string,
  secretName: string,
  principalId: string,
): Promise<{ status: number; code?: string; innerCode?: string }> {
  const token = await managedIdentityCredential(emu, principalId).getToken(
    'https://vault.azure.net/.default',
  );
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    https
      .get(
        `${vaultUri}secrets/${secretName}?api-version=2025-07-01`,
        { agent: emu.dataPlaneAgent, headers: { authorization: `Bearer ${token?.token}` } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
        },
      )
      .on('error', reject);
  });
  const error = (JSON.parse(text || '{}') as { error?: { code?: string; innererror?: { code?: string } } })
    .error;
  return {
    status,
    ...(error?.code ? { code: error.code } : {}),
    ...(error?.innererror?.code ? { innerCode: error.innererror.code } : {}),
  };
}
