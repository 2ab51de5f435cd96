// The vault URIs the workflow controller keeps for injected secret URIs: per Azure actor (issue
// 23), so a namespace acting as its own identity reads the vault itself before it learns its URI.
import { describe, expect, it } from 'vitest';
import { VaultUris } from '../../../../src/controllers/logic-app-workflow/vault-uris.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const URI = 'https://kv.vault.azure.net/';

describe('VaultUris', () => {
  it('serves a URI only to the actor that read it, for every workflow of that actor', () => {
    const uris = new VaultUris(new FakeClock(0), 60_000);
    uris.remember('tenant-a/client-a', VAULT_ID, URI);
    expect(uris.get('tenant-a/client-a', VAULT_ID.toUpperCase())).toBe(URI);
    expect(uris.get('tenant-b/client-b', VAULT_ID)).toBeUndefined();
    expect(uris.get('operator', VAULT_ID)).toBeUndefined();
  });

  it('forgets a URI after its TTL, and keeps none with a TTL of 0', async () => {
    const clock = new FakeClock(0);
    const uris = new VaultUris(clock, 60_000);
    uris.remember('operator', VAULT_ID, URI);
    await clock.advance(60_000);
    expect(uris.get('operator', VAULT_ID)).toBeUndefined();
    const off = new VaultUris(clock, 0);
    off.remember('operator', VAULT_ID, URI);
    expect(off.get('operator', VAULT_ID)).toBeUndefined();
  });
});
