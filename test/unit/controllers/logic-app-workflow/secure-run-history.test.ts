// What each action type supports is Microsoft Learn's "Secure access and data in Azure Logic
// Apps", section "Secure data in run history by using obfuscation"
// (learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#obfuscate): variables,
// For each, If, Scope, Switch, Terminate and Until support neither secure inputs nor outputs;
// Compose, Parse JSON and Response have secure inputs only, which also hide their outputs; Wait
// has secure inputs only. The same section: "All managed connectors and custom connectors support
// these options", so an ApiConnection action gets both.
import { describe, expect, it } from 'vitest';
import {
  collectActions,
  secretHandlingActions,
  secureDataSupport,
  secureRunHistory,
} from '../../../../src/controllers/logic-app-workflow/secure-run-history.ts';

const BOTH = { secureData: { properties: ['inputs', 'outputs'] } };
const INPUTS = { secureData: { properties: ['inputs'] } };

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
const initVariable = (name: string, value: unknown) => ({
  type: 'InitializeVariable',
  inputs: { variables: [{ name, type: 'string', value }] },
});
const setVariable = (name: string, value: unknown) => ({ type: 'SetVariable', inputs: { name, value } });

function handling(actions: Record<string, unknown>, vaultUriParameters: string[] = []): string[] {
  return [...secretHandlingActions(collectActions(actions), { vaultUriParameters }).keys()];
}

describe('secretHandlingActions', () => {
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
      name: 'result() of a scope that holds a secret-reading action',
      actions: {
        Scope: { type: 'Scope', actions: { Get: kvGet() } },
        After: compose("@result('Scope')"),
      },
      expected: ['After', 'Get'],
    },
    {
      name: 'a container does not handle secret data just for holding an action that does',
      actions: { Scope: { type: 'Scope', actions: { Get: kvGet() } } },
      expected: ['Get'],
    },
    {
      name: 'a variable initialised from the secret, and every action reading it (names case-insensitive)',
      actions: {
        Get: kvGet(),
        Init_key: initVariable('apiKey', "@body('Get')?['value']"),
        Init_other: initVariable('greeting', 'hello'),
        Call: http({
          method: 'GET',
          uri: 'https://partner.example',
          headers: { 'Api-key': "@{variables('APIKEY')}" },
        }),
        Greet: compose("@variables('greeting')"),
      },
      expected: ['Call', 'Get', 'Init_key'],
    },
    {
      name: 'a variable set later from the secret taints every reader, through further variables',
      actions: {
        Get: kvGet(),
        Init_key: initVariable('key', ''),
        Init_header: initVariable('header', ''),
        Scope: {
          type: 'Scope',
          actions: {
            Set_key: setVariable('key', "@body('Get')?['value']"),
            Set_header: setVariable('header', "@{concat('Bearer ', variables('key'))}"),
          },
        },
        Call: http({
          method: 'GET',
          uri: 'https://partner.example',
          headers: { Authorization: "@variables('header')" },
        }),
      },
      expected: ['Call', 'Get', 'Set_header', 'Set_key'],
    },
    {
      name: 'item() inside a loop over secret data, not inside a loop over other data',
      actions: {
        Get: kvGet(),
        Secret_loop: {
          type: 'Foreach',
          foreach: "@body('Get')?['items']",
          actions: { Nested: { type: 'Scope', actions: { Each_secret: compose('@item()') } } },
        },
        Plain_loop: {
          type: 'Foreach',
          foreach: '@triggerBody()',
          actions: { Each_plain: compose('@item()') },
        },
      },
      expected: ['Each_secret', 'Get', 'Secret_loop'],
    },
    { name: 'no actions at all', actions: {}, expected: [] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(handling(testCase.actions, testCase.params)).toEqual(testCase.expected);
    });
  }

  it('names the Key Vault action each handler gets its data from', () => {
    const actions = collectActions({
      Get_a: kvGet(),
      Get_b: kvGet('https://other.vault.azure.net/secrets/b'),
      Use_b: compose("@body('Get_b')"),
      Keep_b: initVariable('b', "@outputs('Use_b')"),
      Read_b: compose("@variables('b')"),
    });
    expect(Object.fromEntries(secretHandlingActions(actions))).toEqual({
      Get_a: 'Get_a',
      Get_b: 'Get_b',
      Keep_b: 'Get_b',
      Read_b: 'Get_b',
      Use_b: 'Get_b',
    });
  });
});

describe('secureDataSupport', () => {
  const table: Array<[string, { settable: string[]; shows: string[] }]> = [
    ['Http', { settable: ['inputs', 'outputs'], shows: [] }],
    ['ApiConnection', { settable: ['inputs', 'outputs'], shows: [] }],
    ['Select', { settable: ['inputs', 'outputs'], shows: [] }],
    ['Compose', { settable: ['inputs'], shows: [] }],
    ['ParseJson', { settable: ['inputs'], shows: [] }],
    ['Response', { settable: ['inputs'], shows: [] }],
    ['Wait', { settable: ['inputs'], shows: ['outputs'] }],
    ['InitializeVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['SetVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['IncrementVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['DecrementVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['AppendToArrayVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['AppendToStringVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['Foreach', { settable: [], shows: ['inputs', 'outputs'] }],
    ['If', { settable: [], shows: ['inputs', 'outputs'] }],
    ['Scope', { settable: [], shows: ['inputs', 'outputs'] }],
    ['Switch', { settable: [], shows: ['inputs', 'outputs'] }],
    ['Until', { settable: [], shows: ['inputs', 'outputs'] }],
    ['Terminate', { settable: [], shows: ['inputs', 'outputs'] }],
    ['initializeVariable', { settable: [], shows: ['inputs', 'outputs'] }],
    ['PARSEJSON', { settable: ['inputs'], shows: [] }],
    // Not a WDL type, and not an inherited property of a lookup table either.
    ['constructor', { settable: ['inputs', 'outputs'], shows: [] }],
  ];
  it.each(table)('%s', (type, expected) => {
    expect(secureDataSupport(type)).toEqual(expected);
  });
});

describe('secureRunHistory', () => {
  type Row = {
    type: string;
    action: Record<string, unknown>;
    runtimeConfiguration: unknown;
    exposed?: { shows: string[]; change: RegExp };
  };
  const rows: Row[] = [
    {
      type: 'Http',
      action: http({ method: 'POST', uri: 'https://partner.example', headers: { k: "@{body('Get')}" } }),
      runtimeConfiguration: BOTH,
    },
    { type: 'Compose', action: compose("@body('Get')"), runtimeConfiguration: INPUTS },
    {
      type: 'ParseJson',
      action: { type: 'ParseJson', inputs: { content: "@body('Get')", schema: {} } },
      runtimeConfiguration: INPUTS,
    },
    {
      type: 'Response',
      action: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@body('Get')" } },
      runtimeConfiguration: INPUTS,
    },
    {
      type: 'Wait',
      action: { type: 'Wait', inputs: { interval: { count: "@length(body('Get'))", unit: 'Second' } } },
      runtimeConfiguration: INPUTS,
      exposed: { shows: ['outputs'], change: /keep data from 'Get' out of the Wait action/ },
    },
    {
      type: 'InitializeVariable',
      action: initVariable('key', "@body('Get')?['value']"),
      runtimeConfiguration: undefined,
      exposed: {
        shows: ['inputs', 'outputs'],
        change: /keep the secret out of variables: use the output of 'Get' directly .* HTTP action's header/,
      },
    },
    {
      type: 'AppendToStringVariable',
      action: { type: 'AppendToStringVariable', inputs: { name: 'log', value: "@body('Get')" } },
      runtimeConfiguration: undefined,
      exposed: { shows: ['inputs', 'outputs'], change: /keep the secret out of variables/ },
    },
    {
      type: 'If',
      action: { type: 'If', expression: { equals: ["@body('Get')", 'x'] }, actions: {} },
      runtimeConfiguration: undefined,
      exposed: {
        shows: ['inputs', 'outputs'],
        change:
          /decide on data that does not come from 'Get': Azure cannot hide the expression of an If action/,
      },
    },
    {
      type: 'Switch',
      action: { type: 'Switch', expression: "@body('Get')", cases: {} },
      runtimeConfiguration: undefined,
      exposed: { shows: ['inputs', 'outputs'], change: /a Switch action/ },
    },
    {
      type: 'Until',
      action: { type: 'Until', expression: "@equals(body('Get'), '')", limit: { count: 1 }, actions: {} },
      runtimeConfiguration: undefined,
      exposed: { shows: ['inputs', 'outputs'], change: /an Until action/ },
    },
    {
      type: 'Foreach',
      action: { type: 'Foreach', foreach: "@body('Get')", actions: {} },
      runtimeConfiguration: undefined,
      exposed: { shows: ['inputs', 'outputs'], change: /loop over data that does not come from 'Get'/ },
    },
    {
      type: 'Scope',
      action: { type: 'Scope', trackedProperties: { key: "@body('Get')" }, actions: {} },
      runtimeConfiguration: undefined,
      exposed: { shows: ['inputs', 'outputs'], change: /into an action inside the Scope/ },
    },
    {
      type: 'Terminate',
      action: { type: 'Terminate', inputs: { runStatus: 'Failed', runError: { message: "@{body('Get')}" } } },
      runtimeConfiguration: undefined,
      exposed: {
        shows: ['inputs', 'outputs'],
        change: /out of the Terminate action's error code and message/,
      },
    },
  ];

  it.each(rows)('$type that handles the secret', ({ type, action, runtimeConfiguration, exposed }) => {
    const result = secureRunHistory({ actions: { Get: kvGet(), Use: action } });
    const actions = result.definition.actions as Record<string, Record<string, unknown>>;
    expect(actions.Get?.runtimeConfiguration).toEqual(BOTH);
    expect(actions.Use?.runtimeConfiguration).toEqual(runtimeConfiguration);
    expect(result.exposed).toEqual(
      exposed
        ? [{ action: 'Use', type, shows: exposed.shows, change: expect.stringMatching(exposed.change) }]
        : [],
    );
  });

  it('adds secureData deep inside, keeps other runtime settings, leaves others and the input untouched', () => {
    const definition = {
      actions: {
        Scope: { type: 'Scope', actions: { Get: kvGet() } },
        Use: {
          ...compose("@body('Get')"),
          runtimeConfiguration: { staticResult: { name: 'x' }, secureData: BOTH.secureData },
        },
        // Not handling the secret: the team's own settings, right or wrong, are theirs.
        Plain: { ...compose('x'), runtimeConfiguration: { secureData: { properties: ['outputs'] } } },
      },
    };
    const before = structuredClone(definition);
    const result = secureRunHistory(definition);
    expect(definition).toEqual(before);
    const actions = result.definition.actions as Record<string, Record<string, unknown>>;
    const scope = actions.Scope as { actions: Record<string, Record<string, unknown>> };
    expect(scope.actions.Get?.runtimeConfiguration).toEqual(BOTH);
    expect(actions.Use?.runtimeConfiguration).toEqual({ staticResult: { name: 'x' }, ...INPUTS });
    expect(actions.Plain?.runtimeConfiguration).toEqual({ secureData: { properties: ['outputs'] } });
    expect(actions.Scope?.runtimeConfiguration).toBeUndefined();
    expect(result.exposed).toEqual([]);
  });

  it('reports every exposed action once, sorted by name, and secures what reads the variable', () => {
    const result = secureRunHistory({
      actions: {
        Get: kvGet(),
        Z_keep: initVariable('key', "@body('Get')"),
        A_check: { type: 'If', expression: { equals: ["@variables('key')", ''] }, actions: {} },
        Call: http({ method: 'GET', uri: 'https://partner.example', headers: { k: "@variables('key')" } }),
      },
    });
    expect(result.exposed.map((e) => e.action)).toEqual(['A_check', 'Z_keep']);
    const actions = result.definition.actions as Record<string, Record<string, unknown>>;
    expect(actions.Call?.runtimeConfiguration).toEqual(BOTH);
  });
});

// The Key Vault managed connector (key-vault-connector.ts): Microsoft's designer writes the action
// as below, and the `$connections` value says which managed API the key is
// (`.../managedApis/keyvault`). Its "Get secret" operation is GET /secrets/{name}/value
// (learn.microsoft.com/connectors/keyvault).
describe('secureRunHistory: reads through the Key Vault managed connector', () => {
  const managedApi = (api: string) =>
    `/subscriptions/sub/providers/Microsoft.Web/locations/westeurope/managedApis/${api}`;
  const connection = (api: string, name = api) => ({
    id: managedApi(api),
    connectionId: `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/connections/${name}`,
    connectionName: name,
  });
  const CONNECTIONS = { keyvault: connection('keyvault'), servicebus: connection('servicebus') };
  const apiConnection = (key: string, path: string, method = 'get') => ({
    type: 'ApiConnection',
    inputs: {
      host: { connection: { name: `@parameters('$connections')['${key}']['connectionId']` } },
      method,
      path,
    },
    runAfter: {},
  });
  const GET_SECRET = "/secrets/@{encodeURIComponent('db-password')}/value";
  const secured = (definition: Record<string, unknown>, connections?: unknown) => {
    const result = secureRunHistory(definition, connections === undefined ? {} : { connections });
    const actions = result.definition.actions as Record<string, Record<string, unknown>>;
    return Object.fromEntries(
      Object.entries(actions).map(([name, action]) => [name, action.runtimeConfiguration ?? 'none']),
    );
  };

  it('secures the Get secret action, inputs and outputs, and a Compose that uses its value', () => {
    const definition = {
      actions: {
        Get_secret: apiConnection('keyvault', GET_SECRET),
        Use: compose("@body('Get_secret')?['value']"),
        Unrelated: compose('hello'),
      },
    };
    expect(secured(definition, CONNECTIONS)).toEqual({ Get_secret: BOTH, Use: INPUTS, Unrelated: 'none' });
  });

  it('taints through a variable exactly as the HTTP read does, naming the connector action', () => {
    const result = secureRunHistory(
      {
        actions: {
          Get_secret: apiConnection('keyvault', GET_SECRET),
          Keep: initVariable('password', "@body('Get_secret')?['value']"),
          Call: http({
            method: 'GET',
            uri: 'https://partner.example',
            headers: { k: "@variables('password')" },
          }),
        },
      },
      { connections: CONNECTIONS },
    );
    expect(result.exposed).toEqual([
      {
        action: 'Keep',
        type: 'InitializeVariable',
        shows: ['inputs', 'outputs'],
        change: expect.stringContaining("use the output of 'Get_secret' directly"),
      },
    ]);
    const actions = result.definition.actions as Record<string, Record<string, unknown>>;
    expect(actions.Call?.runtimeConfiguration).toEqual(BOTH);
  });

  it('leaves the same ApiConnection shape alone on another connector (Service Bus)', () => {
    const definition = {
      actions: {
        Send: apiConnection('servicebus', "/@{encodeURIComponent('orders')}/messages", 'post'),
        Use: compose("@body('Send')"),
      },
    };
    expect(secured(definition, CONNECTIONS)).toEqual({ Send: 'none', Use: 'none' });
  });

  it('does not take Get secret metadata or List secrets for a value read: they return no value', () => {
    const definition = {
      actions: {
        Metadata: apiConnection('keyvault', "/secrets/@{encodeURIComponent('db-password')}/metadata"),
        List: apiConnection('keyvault', '/secrets'),
        Use: compose("@concat(body('Metadata')?['version'], length(body('List')?['value']))"),
      },
    };
    expect(secured(definition, CONNECTIONS)).toEqual({ Metadata: 'none', List: 'none', Use: 'none' });
  });

  it('does not mark an action whose $connections key is absent from the value, nor one with no value at all', () => {
    const definition = { actions: { Get_secret: apiConnection('vault2', GET_SECRET) } };
    expect(secured(definition, CONNECTIONS)).toEqual({ Get_secret: 'none' });
    expect(secured({ actions: { Get_secret: apiConnection('keyvault', GET_SECRET) } })).toEqual({
      Get_secret: 'none',
    });
  });

  it("falls back to the definition's defaultValue of $connections, which Azure uses when no value is given", () => {
    const definition = {
      parameters: { $connections: { type: 'Object', defaultValue: { kv: connection('keyvault') } } },
      actions: { Get_secret: apiConnection('kv', GET_SECRET) },
    };
    expect(secured(definition)).toEqual({ Get_secret: BOTH });
    // A value given wins over the default, as in Azure.
    expect(secured(definition, { kv: connection('servicebus') })).toEqual({ Get_secret: 'none' });
  });
});
