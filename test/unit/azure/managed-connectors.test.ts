// The operator's table of managed connectors (src/azure/managed-connectors.ts) against the
// emulator's catalogue (packages/azure-emulator/src/arm/managed-apis-catalog.ts), which records
// for each connector where its managed-identity set's name and parameters come from (Microsoft
// Learn, create-managed-service-identity; public templates; or inferred). A name or a parameter
// copied wrong on either side shows here, and the integration tests then write exactly the
// parameter value set the emulator accepts.
import { MANAGED_API_CATALOG } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import { MANAGED_CONNECTORS, managedIdentityParameterProblem } from '../../../src/azure/index.ts';
import { SUPPORTED_MANAGED_APIS } from '../../../src/crds/index.ts';

describe('the managed connector table', () => {
  it('covers exactly the supported managed APIs, each of which the emulator catalogues', () => {
    expect(Object.keys(MANAGED_CONNECTORS).sort()).toEqual([...SUPPORTED_MANAGED_APIS].sort());
    expect(MANAGED_API_CATALOG.map((api) => api.name).sort()).toEqual([...SUPPORTED_MANAGED_APIS].sort());
  });

  it.each(SUPPORTED_MANAGED_APIS.map((api) => [api] as const))(
    '%s: the managed-identity set and its parameters match the emulator',
    (api) => {
      const ours = MANAGED_CONNECTORS[api];
      const catalogued = MANAGED_API_CATALOG.find((entry) => entry.name === api);
      expect(ours.api).toBe(api);
      expect(ours.managedIdentitySet).toBe(catalogued?.managedIdentitySet);
      const set = catalogued?.parameterSets.find((s) => s.name === catalogued.managedIdentitySet);
      expect(set).toBeDefined();
      expect(
        Object.fromEntries(Object.entries(set?.parameters ?? {}).map(([name, p]) => [name, p.required])),
      ).toEqual(Object.fromEntries(Object.entries(ours.parameters).map(([name, p]) => [name, p.required])));
      // Nothing of a managed-identity set is a secret: the identity is the credential.
      for (const parameter of Object.values(set?.parameters ?? {}))
        expect(parameter.type).not.toBe('securestring');
    },
  );
});

describe('managedIdentityParameterProblem', () => {
  it('accepts the parameters of the set', () => {
    expect(
      managedIdentityParameterProblem('servicebus', { namespaceEndpoint: 'sb://a.servicebus.windows.net/' }),
    ).toBeUndefined();
    expect(managedIdentityParameterProblem('azureblob', undefined)).toBeUndefined();
  });

  it('names an unknown parameter as its spec field, with what the set takes', () => {
    expect(
      managedIdentityParameterProblem('servicebus', { namespaceEndpoint: 'x', connectionString: 'y' }),
    ).toBe(
      "spec.parameters.connectionString: the servicebus connector's managed-identity set (managedIdentityAuth) has no parameter 'connectionString'; it takes namespaceEndpoint",
    );
    expect(managedIdentityParameterProblem('sql', { server: 'x' })).toContain('it takes none');
  });

  it('names a missing required parameter', () => {
    expect(managedIdentityParameterProblem('keyvault', {})).toBe(
      "spec.parameters.vaultName: required by the keyvault connector's managed-identity set (oauthMI); set it",
    );
  });
});
