// Which ApiConnection actions read Key Vault through the Key Vault managed connector. The
// operations and their paths: Microsoft Learn, "Azure Key Vault" connector reference
// (learn.microsoft.com/connectors/keyvault) and the connector SDK reference
// (learn.microsoft.com/dotnet/api/azure.connectors.sdk.keyvault.keyvaultclient), whose remarks on
// Get secret, Get secret version and the Decrypt operations say their output "is typically
// classified as secret"; metadata, list and Encrypt operations return no secret value.
import { describe, expect, it } from 'vitest';
import {
  keyVaultConnectionKeys,
  readsKeyVaultThroughConnector,
} from '../../../../src/controllers/logic-app-workflow/key-vault-connector.ts';

const KEY_VAULT_ID = '/subscriptions/sub/providers/Microsoft.Web/locations/westeurope/managedApis/keyvault';

describe('keyVaultConnectionKeys', () => {
  it('keeps the keys whose entry is the keyvault managed API, lower-cased, and ignores the rest', () => {
    expect(
      keyVaultConnectionKeys({
        KeyVault_1: { id: KEY_VAULT_ID, connectionId: 'c1' },
        other: { id: `${KEY_VAULT_ID.toUpperCase()}/`, connectionId: 'c2' },
        bus: { id: KEY_VAULT_ID.replace('keyvault', 'servicebus') },
        // The key's name proves nothing: only the id says which API it is.
        keyvault: { id: KEY_VAULT_ID.replace('keyvault', 'keyvaultx') },
        broken: 'not an object',
        noId: { connectionId: 'c3' },
      }),
    ).toEqual(new Set(['keyvault_1', 'other']));
  });

  it.each([undefined, null, 'text', [], 42])('has none for %j', (value) => {
    expect(keyVaultConnectionKeys(value)).toEqual(new Set());
  });
});

describe('readsKeyVaultThroughConnector', () => {
  const keys = new Set(['keyvault']);
  const action = (path: unknown, name = "@parameters('$connections')['keyvault']['connectionId']") => ({
    type: 'ApiConnection',
    inputs: { host: { connection: { name } }, method: 'get', path },
  });

  const paths: Array<[string, unknown, boolean]> = [
    ['Get secret', "/secrets/@{encodeURIComponent('db-password')}/value", true],
    ['Get secret, nested encoding', "/secrets/@{encodeURIComponent(encodeURIComponent('a}b'))}/value", true],
    ['Get secret, name from a variable', "/secrets/@{encodeURIComponent(variables('name'))}/value", true],
    ['Get secret, literal name and a query', '/secrets/db-password/value?api-version=2016-10-01', true],
    [
      'Get secret version',
      "/secrets/@{encodeURIComponent('s')}/versions/@{encodeURIComponent('v1')}/value",
      true,
    ],
    ['Decrypt data with key', "/keys/@{encodeURIComponent('k')}/decrypt", true],
    [
      'Decrypt data with key version',
      "/keys/@{encodeURIComponent('k')}/versions/@{encodeURIComponent('v')}/decrypt",
      true,
    ],
    ['Get secret metadata', "/secrets/@{encodeURIComponent('s')}/metadata", false],
    [
      'Get secret version metadata',
      "/secrets/@{encodeURIComponent('s')}/versions/@{encodeURIComponent('v')}/metadata",
      false,
    ],
    ['List secrets', '/secrets', false],
    ['List secret versions', "/secrets/@{encodeURIComponent('s')}/versions", false],
    ['Encrypt data with key', "/keys/@{encodeURIComponent('k')}/encrypt", false],
    ['Get key metadata', "/keys/@{encodeURIComponent('k')}/metadata", false],
    // A secret named "value" listed by version is still no value read.
    ['List versions of a secret named value', "/secrets/@{encodeURIComponent('value')}/versions", false],
    [
      'a path that is one expression: cannot tell, so taken as a read',
      "@concat('/secrets/', 'metadata')",
      true,
    ],
    [
      'a path that is one interpolation: cannot tell either',
      "@{concat('/secrets/', 'x', '/metadata')}",
      true,
    ],
    ['a path built after a leading interpolation: cannot tell either', "@{variables('base')}/metadata", true],
    ['no path at all: cannot tell, so taken as a read', undefined, true],
  ];
  it.each(paths)('%s', (_, path, expected) => {
    expect(readsKeyVaultThroughConnector(action(path), keys)).toBe(expected);
  });

  const connectionNames: Array<[string, boolean]> = [
    ["@parameters('$connections')['keyvault']['connectionId']", true],
    ["@{parameters('$connections')['keyvault']['connectionId']}", true],
    ["@parameters('$connections')?['KeyVault']?['connectionId']", true],
    ["@parameters( '$connections' )[ 'keyvault' ][ 'connectionId' ]", true],
    ["@parameters('$connections')['servicebus']['connectionId']", false],
    ["@parameters('$connections')['keyvault']['id']", false],
    ["@parameters('other')['keyvault']['connectionId']", false],
    ["parameters('$connections')['keyvault']['connectionId']", false],
  ];
  it.each(connectionNames)('host.connection.name %s', (name, expected) => {
    expect(readsKeyVaultThroughConnector(action('/secrets/s/value', name), keys)).toBe(expected);
  });

  it('only ApiConnection actions, with a host connection, and only when a Key Vault connection is known', () => {
    const get = action('/secrets/s/value');
    expect(readsKeyVaultThroughConnector({ ...get, type: 'apiconnection' }, keys)).toBe(true);
    expect(readsKeyVaultThroughConnector({ ...get, type: 'ApiConnectionWebhook' }, keys)).toBe(false);
    expect(readsKeyVaultThroughConnector({ ...get, type: 'Http' }, keys)).toBe(false);
    expect(
      readsKeyVaultThroughConnector({ type: 'ApiConnection', inputs: { path: '/secrets/s/value' } }, keys),
    ).toBe(false);
    expect(readsKeyVaultThroughConnector(get, new Set())).toBe(false);
  });
});
