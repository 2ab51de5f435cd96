import { describe, expect, it } from 'vitest';
import {
  collectActions,
  securedActionNames,
  secureRunHistory,
} from '../../../../src/controllers/logic-app-workflow/secure-run-history.ts';

const SECURE = { secureData: { properties: ['inputs', 'outputs'] } };

const kvGet = (uri = 'https://kv.vault.azure.net/secrets/api-key?api-version=7.4') => ({
  type: 'Http',
  inputs: {
    method: 'GET',
    uri,
    authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
  },
});
const http = (inputs: Record<string, unknown>, runAfter: Record<string, string[]> = {}) => ({
  type: 'Http',
  inputs,
  runAfter,
});
const compose = (inputs: unknown) => ({ type: 'Compose', inputs });

function secured(actions: Record<string, unknown>, vaultUriParameters: string[] = []): string[] {
  return securedActionNames(collectActions(actions), { vaultUriParameters });
}

describe('securedActionNames', () => {
  const cases: Array<{
    name: string;
    actions: Record<string, unknown>;
    params?: string[];
    expected: string[];
  }> = [
    {
      name: 'an MSI Http action with the Key Vault audience',
      actions: { Get_secret: kvGet("@parameters('uri')"), Other: compose('hello') },
      expected: ['Get_secret'],
    },
    {
      name: 'audience with a trailing slash and odd casing',
      actions: {
        Get: {
          type: 'HTTP',
          inputs: {
            uri: 'x',
            authentication: { type: 'managedserviceidentity', audience: 'https://vault.azure.net/' },
          },
        },
      },
      expected: ['Get'],
    },
    {
      name: 'an MSI action for another audience is not Key Vault',
      actions: {
        Arm: {
          type: 'Http',
          inputs: {
            uri: 'https://management.azure.com/x',
            authentication: { type: 'ManagedServiceIdentity', audience: 'https://management.azure.com/' },
          },
        },
      },
      expected: [],
    },
    {
      name: 'a URI on a vault host without MSI',
      actions: { Raw: http({ method: 'GET', uri: 'https://my-kv.vault.azure.net/secrets/s' }) },
      expected: ['Raw'],
    },
    {
      name: 'a URI from a parameter that carries a secret URI',
      actions: { ByParam: http({ method: 'GET', uri: "@{parameters('apiKeyUri')}?api-version=7.4" }) },
      params: ['apiKeyUri'],
      expected: ['ByParam'],
    },
    {
      name: 'direct users of the outputs',
      actions: {
        Get: kvGet(),
        Parse: compose("@body('Get')?['value']"),
        Unrelated: compose('@triggerBody()'),
      },
      expected: ['Get', 'Parse'],
    },
    {
      name: 'transitive users, through several actions',
      actions: {
        Get: kvGet(),
        A: compose("@outputs('Get')"),
        B: compose("@body('A')"),
        C: http({ method: 'POST', uri: 'https://partner.example', headers: { 'Api-key': "@{body('B')}" } }),
        D: compose("@body('Unrelated')"),
        Unrelated: compose('x'),
      },
      expected: ['A', 'B', 'C', 'Get'],
    },
    {
      name: 'actions nested in scopes, conditions (both branches), switches and loops',
      actions: {
        Scope: {
          type: 'Scope',
          actions: {
            Get: kvGet(),
            If: {
              type: 'If',
              expression: { equals: ["@body('Get')?['value']", ''] },
              actions: { InThen: compose("@body('Get')") },
              else: { actions: { InElse: compose("@actions('Get').outputs") } },
            },
          },
        },
        Switch: {
          type: 'Switch',
          expression: '@triggerBody()',
          cases: { one: { case: 1, actions: { InCase: compose("@body('InThen')") } } },
          default: { actions: { InDefault: compose('plain') } },
        },
        Loop: {
          type: 'Foreach',
          foreach: "@body('InElse')",
          actions: { PerItem: compose("@items('Loop')") },
        },
      },
      expected: ['Get', 'If', 'InCase', 'InElse', 'InThen', 'Loop', 'PerItem'],
    },
    {
      name: 'result() of a scope that holds a secured action',
      actions: {
        Scope: { type: 'Scope', actions: { Get: kvGet() } },
        After: compose("@result('Scope')"),
      },
      expected: ['After', 'Get'],
    },
    {
      name: 'a container is not secured just for holding a secured action',
      actions: { Scope: { type: 'Scope', actions: { Get: kvGet() } } },
      expected: ['Get'],
    },
    { name: 'no actions at all', actions: {}, expected: [] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(secured(testCase.actions, testCase.params)).toEqual(testCase.expected);
    });
  }
});

describe('secureRunHistory', () => {
  it('adds secureData to the secured actions, deep inside, and leaves the input untouched', () => {
    const definition = {
      actions: {
        Scope: { type: 'Scope', actions: { Get: kvGet() } },
        Use: { ...compose("@body('Get')"), runtimeConfiguration: { staticResult: { name: 'x' } } },
        Plain: compose('x'),
      },
    };
    const before = structuredClone(definition);
    const result = secureRunHistory(definition) as { actions: Record<string, Record<string, unknown>> };
    expect(definition).toEqual(before);
    const scope = result.actions.Scope as { actions: Record<string, Record<string, unknown>> };
    expect(scope.actions.Get?.runtimeConfiguration).toEqual(SECURE);
    expect(result.actions.Use?.runtimeConfiguration).toEqual({ staticResult: { name: 'x' }, ...SECURE });
    expect(result.actions.Plain?.runtimeConfiguration).toBeUndefined();
    expect(result.actions.Scope?.runtimeConfiguration).toBeUndefined();
  });
});
