import { describe, expect, it } from 'vitest';
import type { ObservedWorkflow } from '../../../../src/azure/index.ts';
import {
  desiredWorkflow,
  planWorkflow,
} from '../../../../src/controllers/logic-app-workflow/desired-workflow.ts';
import { workflowDifferences } from '../../../../src/controllers/logic-app-workflow/workflow-diff.ts';
import type { LogicAppWorkflowSpec } from '../../../../src/crds/index.ts';

const OWNER = 'cluster-a/team/wf';
const DEFINITION = {
  parameters: { apiKeyUri: { type: 'String' } },
  actions: {
    Get: {
      type: 'Http',
      inputs: {
        uri: "@parameters('apiKeyUri')",
        authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
      },
    },
  },
};

function spec(overrides: Partial<LogicAppWorkflowSpec> = {}): LogicAppWorkflowSpec {
  return {
    subscriptionId: 'sub',
    resourceGroup: 'rg',
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: DEFINITION,
    deletionPolicy: 'Delete',
    secureRunHistory: true,
    ...overrides,
  };
}

function observedFrom(desired: ReturnType<typeof desiredWorkflow>): ObservedWorkflow {
  return {
    id: '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf',
    name: 'wf',
    location: 'West Europe',
    tags: { ...desired.tags },
    identity: { type: desired.identity.type, principalId: 'p', tenantId: 't' },
    state: desired.state,
    provisioningState: 'Succeeded',
    definition: JSON.parse(JSON.stringify(desired.definition)) as Record<string, unknown>,
    parameters: Object.fromEntries(
      Object.entries(desired.parameters).map(([name, p]) => [name, { type: 'String', value: p.value }]),
    ),
  };
}

describe('desiredWorkflow', () => {
  it('tags with the owner, injects secret URIs and secures the Key Vault action', () => {
    const desired = desiredWorkflow({
      spec: spec({ tags: { team: 'a' }, parameters: { greeting: 'hi', apiKeyUri: 'typed-by-hand' } }),
      definition: DEFINITION,
      owner: OWNER,
      secretUris: { apiKeyUri: 'https://kv.vault.azure.net/secrets/k' },
    });
    expect(desired.tags).toEqual({ team: 'a', 'logicops-owner': OWNER });
    expect(desired.parameters).toEqual({
      greeting: { value: 'hi' },
      apiKeyUri: { value: 'https://kv.vault.azure.net/secrets/k' },
    });
    expect(desired.identity).toEqual({ type: 'SystemAssigned' });
    const actions = desired.definition.actions as Record<string, Record<string, unknown>>;
    expect(actions.Get?.runtimeConfiguration).toEqual({ secureData: { properties: ['inputs', 'outputs'] } });
  });

  it('leaves the definition alone when secureRunHistory is false', () => {
    const desired = desiredWorkflow({
      spec: spec({ secureRunHistory: false }),
      definition: DEFINITION,
      owner: OWNER,
    });
    expect(desired.definition).toEqual(DEFINITION);
  });

  it('plans the run-history report with the workflow: the injected secret read into a variable is exposed', () => {
    const definition = {
      ...DEFINITION,
      actions: {
        ...DEFINITION.actions,
        Keep: {
          type: 'InitializeVariable',
          inputs: { variables: [{ name: 'k', type: 'string', value: "@body('Get')" }] },
        },
      },
    };
    const plan = planWorkflow({ spec: spec(), definition, owner: OWNER });
    expect(plan.exposedInRunHistory).toEqual([
      {
        action: 'Keep',
        type: 'InitializeVariable',
        shows: ['inputs', 'outputs'],
        change: expect.stringContaining("'Get'"),
      },
    ]);
    expect(plan.desired).toEqual(desiredWorkflow({ spec: spec(), definition, owner: OWNER }));
    // Secure run history off: nothing is analysed, so nothing is reported (not "nothing exposed").
    const off = planWorkflow({ spec: spec({ secureRunHistory: false }), definition, owner: OWNER });
    expect(off.exposedInRunHistory).toBeUndefined();
  });

  it('secures a Key Vault connector read through the $connections value written in spec.parameters', () => {
    const managedApi = (api: string) =>
      `/subscriptions/sub/providers/Microsoft.Web/locations/westeurope/managedApis/${api}`;
    const getSecret = (key: string) => ({
      type: 'ApiConnection',
      inputs: {
        host: { connection: { name: `@parameters('$connections')['${key}']['connectionId']` } },
        method: 'get',
        path: "/secrets/@{encodeURIComponent('db-password')}/value",
      },
    });
    const definition = {
      parameters: { $connections: { type: 'Object', defaultValue: {} } },
      actions: { Vault: getSecret('kv'), Bus: getSecret('bus') },
    };
    const $connections = {
      kv: { id: managedApi('keyvault'), connectionId: 'kv-id' },
      bus: { id: managedApi('servicebus'), connectionId: 'bus-id' },
    };
    const desired = desiredWorkflow({
      spec: spec({ parameters: { $connections } }),
      definition,
      owner: OWNER,
    });
    const actions = desired.definition.actions as Record<string, Record<string, unknown>>;
    expect(actions.Vault?.runtimeConfiguration).toEqual({
      secureData: { properties: ['inputs', 'outputs'] },
    });
    expect(actions.Bus?.runtimeConfiguration).toBeUndefined();
    expect(desired.parameters.$connections).toEqual({ value: $connections });
  });

  it('names the one user-assigned identity', () => {
    const id =
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u';
    const desired = desiredWorkflow({
      spec: spec({ identity: { type: 'UserAssigned', userAssignedIdentityId: id } }),
      definition: DEFINITION,
      owner: OWNER,
    });
    expect(desired.identity).toEqual({ type: 'UserAssigned', userAssignedIdentityId: id });
  });
});

describe('workflowDifferences', () => {
  const desired = desiredWorkflow({
    spec: spec({ parameters: { n: 1 } }),
    definition: DEFINITION,
    owner: OWNER,
  });

  it('is empty when Azure holds the desired workflow (location spelling and key order aside)', () => {
    const observed = observedFrom(desired);
    // Same content, keys in reverse order (JSON objects are unordered).
    observed.definition = reverseKeys(desired.definition) as Record<string, unknown>;
    expect(workflowDifferences(desired, observed)).toEqual([]);
  });

  const changes: Array<[string, (o: ObservedWorkflow) => void, string[]]> = [
    ['a removed owner tag', (o) => delete o.tags['logicops-owner'], ['tags']],
    ['an added tag', (o) => (o.tags.extra = 'x'), ['tags']],
    ['a disabled workflow', (o) => (o.state = 'Disabled'), ['state']],
    ['another identity type', (o) => (o.identity = { type: 'None' }), ['identity']],
    ['a changed definition', (o) => (o.definition = { actions: {} }), ['definition']],
    ['a changed parameter value', (o) => (o.parameters.n = { value: 2 }), ['parameters']],
    ['an extra parameter', (o) => (o.parameters.extra = { value: 1 }), ['parameters']],
    ['another region', (o) => (o.location = 'northeurope'), ['location']],
  ];
  for (const [name, change, expected] of changes) {
    it(`reports ${name}`, () => {
      const observed = observedFrom(desired);
      change(observed);
      expect(workflowDifferences(desired, observed)).toEqual(expected);
    });
  }
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}
