import {
  ClientAssertionCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { armTokenScope } from '../../../src/azure/clients.ts';
import { createCredential, credentialFromSecretData } from '../../../src/azure/credentials.ts';

const TENANT = '7e1a5c3e-0d6f-4c2a-9b1e-10c1c0a5d3e0';
const CLIENT = '0c1c0a5d-0e70-4e2a-9f00-000000000001';

describe('createCredential', () => {
  it.each([
    [
      'workloadIdentity',
      {
        kind: 'workloadIdentity',
        tenantId: TENANT,
        clientId: CLIENT,
        tokenFilePath: '/var/run/secrets/token',
      } as const,
      WorkloadIdentityCredential,
    ],
    [
      'clientSecret',
      { kind: 'clientSecret', tenantId: TENANT, clientId: CLIENT, clientSecret: 's3cr3t' } as const,
      ClientSecretCredential,
    ],
    [
      'clientAssertion',
      {
        kind: 'clientAssertion',
        tenantId: TENANT,
        clientId: CLIENT,
        getAssertion: async () => 'a-service-account-token',
      } as const,
      ClientAssertionCredential,
    ],
    ['managedIdentity (system)', { kind: 'managedIdentity' } as const, ManagedIdentityCredential],
    [
      'managedIdentity (user)',
      { kind: 'managedIdentity', clientId: CLIENT } as const,
      ManagedIdentityCredential,
    ],
  ])('%s', (_name, config, type) => {
    // The identity credential sits inside the wrapper that explains its failures.
    expect(createCredential(config, { authorityHost: 'https://localhost:8443' }).inner).toBeInstanceOf(type);
  });

  it('names missing values, never the values it has', () => {
    const build = () =>
      createCredential({
        kind: 'clientSecret',
        tenantId: TENANT,
        clientId: '',
        clientSecret: 'do-not-print-me',
      });
    expect(build).toThrow(/missing clientId/);
    expect(build).not.toThrow(/do-not-print-me/);
  });
});

describe('credentialFromSecretData (per-namespace credential Secret)', () => {
  it('builds a client-secret credential from the decoded data', () => {
    const credential = credentialFromSecretData({
      clientId: CLIENT,
      tenantId: TENANT,
      clientSecret: 'value',
    });
    expect(credential.inner).toBeInstanceOf(ClientSecretCredential);
  });

  it('lists every missing key and no value', () => {
    const build = () => credentialFromSecretData({ clientId: CLIENT, clientSecret: 'hush-hush' });
    expect(build).toThrow('The credential Secret is missing data.tenantId');
    expect(build).not.toThrow(/hush-hush/);
  });
});

describe('armTokenScope', () => {
  it.each([
    ['https://management.azure.com', 'https://management.azure.com/.default'],
    ['https://management.azure.com/', 'https://management.azure.com/.default'],
    ['https://localhost:8443', 'https://localhost:8443/.default'],
  ])('%s → %s', (endpoint, scope) => {
    expect(armTokenScope(endpoint)).toBe(scope);
  });
});
