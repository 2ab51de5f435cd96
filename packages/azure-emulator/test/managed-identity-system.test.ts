// A system-assigned identity through the per-principal IMDS route. Its own file because
// msal-node caches the managed-identity source (and its endpoint) once per process.
import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { DEFINITION, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  await h?.emu.close();
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

it("issues a token for a workflow's system-assigned identity; none once the workflow is deleted", async () => {
  const workflow = await h.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, 'mi-system', {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    definition: DEFINITION,
  });
  const principalId = workflow.identity!.principalId!;
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = h.emu.managedIdentityEndpointFor(principalId);
  const token = await new ManagedIdentityCredential().getToken('https://vault.azure.net/.default');
  expect(claimsOf(token!.token)).toMatchObject({
    oid: principalId,
    tid: h.emu.tenantId,
    aud: 'https://vault.azure.net',
  });

  await h.logic.workflows.delete(DEMO_RESOURCE_GROUP, 'mi-system');
  // A new credential skips the first one's token cache; the principal is gone with its workflow.
  await expect(
    new ManagedIdentityCredential().getToken('https://storage.azure.com/.default'),
  ).rejects.toThrow(/Identity not found/);
});
