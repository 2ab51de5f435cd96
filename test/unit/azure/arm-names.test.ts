// The last check before a name becomes a URL segment: each gateway runs these, so a name that
// slipped past admission (or one read from status) fails with InvalidAzureNameError instead of
// becoming a request. Azure's rules themselves, with sources, are tested in test/unit/crds/.
import { describe, expect, it } from 'vitest';
import {
  checkRoleAssignmentScope,
  checkSecretName,
  checkSubscriptionId,
  checkVaultRef,
  checkWorkflowRef,
  InvalidAzureNameError,
  isInvalidAzureNameError,
  quoted,
} from '../../../src/azure/arm-names.ts';

const SUB = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-1`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-1`;

function thrown(check: () => void): InvalidAzureNameError {
  try {
    check();
  } catch (error) {
    if (isInvalidAzureNameError(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('checkWorkflowRef', () => {
  it.each([
    ['a plain name', 'rg', 'orders'],
    ['every allowed character', 'rg_(x).1', 'Orders(v2)_x.y-'],
  ])('accepts %s', (_name, resourceGroup, name) => {
    expect(() => checkWorkflowRef({ resourceGroup, name })).not.toThrow();
  });

  it.each([
    ['a dot-segment name', 'rg', '..', 'workflow name ".."'],
    ['a single period', 'rg', '.', 'workflow name "."'],
    ['a slash in the name', 'rg', 'a/b', 'workflow name "a/b"'],
    ['an encoded slash', 'rg', 'a%2Fb', 'workflow name "a%2Fb"'],
    ['a dot-segment resource group', '..', 'orders', 'resource group name ".."'],
    ['a resource group with a query', 'rg?x', 'orders', 'resource group name "rg?x"'],
  ])('refuses %s', (_name, resourceGroup, name, said) => {
    const error = thrown(() => checkWorkflowRef({ resourceGroup, name }));
    expect(error.message).toContain(said);
    expect(error.message).toContain('is not valid in Azure: ');
  });
});

describe('vault, secret and subscription names', () => {
  it('accepts valid names', () => {
    expect(() => checkVaultRef({ resourceGroup: 'rg', name: 'kv-1' })).not.toThrow();
    expect(() => checkSecretName('api-key')).not.toThrow();
    expect(() => checkSubscriptionId(SUB)).not.toThrow();
  });

  it.each([
    ['a two-letter vault', () => checkVaultRef({ resourceGroup: 'rg', name: 'kv' }), 'vault name "kv"'],
    ['a vault dot-segment', () => checkVaultRef({ resourceGroup: 'rg', name: '..' }), 'vault name ".."'],
    ['a secret with a slash', () => checkSecretName('a/../b'), 'secret name "a/../b"'],
    ['a secret with a space', () => checkSecretName('api key'), 'secret name "api key"'],
    ['a subscription that is a path', () => checkSubscriptionId('../x'), 'subscription id "../x"'],
    [
      'a subscription that is not a string',
      () => checkSubscriptionId(undefined),
      'subscription id "undefined"',
    ],
  ])('refuses %s', (_name, check, said) => {
    expect(thrown(check).message).toContain(said);
  });
});

describe('checkRoleAssignmentScope', () => {
  it.each([
    ['a subscription', `/subscriptions/${SUB}`],
    ['a resource group', RG],
    ['a vault', VAULT],
    ['a vault, lower case', VAULT.toLowerCase()],
    ['one secret', `${VAULT}/secrets/api-key`],
    // WorkflowRoleAssignment scopes (issue 24): any resource, plain segments only.
    ['a storage account', `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`],
    [
      'a blob container',
      `${RG}/providers/Microsoft.Storage/storageAccounts/sa1/blobServices/default/containers/in-box`,
    ],
    ['a Service Bus queue', `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-1/queues/orders`],
  ])('accepts %s', (_name, scope) => {
    expect(() => checkRoleAssignmentScope(scope)).not.toThrow();
  });

  it.each([
    ['no leading slash', VAULT.slice(1)],
    ['a subscription that is not a GUID', VAULT.replace(SUB, 'sub')],
    ['a dot-segment resource group', VAULT.replace('rg-1', '..')],
    ['a dot-segment vault', VAULT.replace('kv-1', '..')],
    ['a dot-segment secret', `${VAULT}/secrets/..`],
    ['a secret with a query', `${VAULT}/secrets/x?$filter=atScope()`],
    ['a dot-segment resource name', `${RG}/providers/Microsoft.Storage/storageAccounts/..`],
    ['a dot-segment child', `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-1/queues/.`],
    ['a child name with a query', `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-1/queues/q?x=1`],
    ['a child name with an escape', `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-1/queues/%2e%2e`],
    ['a type without a name', `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-1/queues`],
    ['a provider without a namespace dot', `${RG}/providers/ServiceBus/namespaces/sb-1`],
    ['a path under the secret', `${VAULT}/secrets/api-key/versions/1`],
    ['a trailing slash', `${VAULT}/`],
    ['a doubled slash', VAULT.replace('/providers', '//providers')],
    ['the tenant root', '/'],
    ['a management group', '/providers/Microsoft.Management/managementGroups/mg'],
  ])('refuses %s', (_name, scope) => {
    expect(() => checkRoleAssignmentScope(scope)).toThrow(InvalidAzureNameError);
  });
});

describe('quoted', () => {
  it('shows whitespace and control characters, and cuts long values short', () => {
    expect(quoted('a\tb\n')).toBe('"a\\tb\\n"');
    expect(quoted('x'.repeat(300))).toBe(`"${'x'.repeat(100)}…"`);
  });
});
