// The contract check on its own: bodies built by hand, right and wrong, against the schemas in
// packages/azure-emulator/contract/schemas. The Azure REST examples the emulator fixtures copy (verbatim from
// Azure/azure-rest-api-specs, see packages/azure-emulator/test/fixtures/azure-examples/README.md) must pass:
// that is the evidence the hand-written schemas say what the spec says.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../contract/catalog.ts';
import { ContractCheck, type Violation } from '../contract/contract-check.ts';
import type { Exchange } from '../src/exchange-observer.ts';

const catalog = new Catalog();
const SUB = '/subscriptions/5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const WORKFLOW = `${SUB}/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf`;
const VAULT = `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
const CONNECTION = `${SUB}/resourceGroups/rg/providers/Microsoft.Web/connections/testManagedApi`;
const ASSIGNMENT = `${VAULT}/secrets/s/providers/Microsoft.Authorization/roleAssignments/0b9bd3b4-9d4f-5b05-9b84-0ef3f3b36e43`;

function exchange(overrides: Partial<Exchange> & { body?: unknown; apiVersion?: string }): Exchange {
  const { body, apiVersion, ...rest } = overrides;
  return {
    plane: 'arm',
    method: 'GET',
    path: WORKFLOW,
    query: new URLSearchParams(
      apiVersion === undefined ? { 'api-version': '2019-05-01' } : { 'api-version': apiVersion },
    ),
    routeOperation: 'test',
    requestBody: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    authorized: true,
    status: 200,
    responseBody: undefined,
    ...rest,
  };
}

function violationsOf(...exchanges: Exchange[]): Violation[] {
  const check = new ContractCheck(catalog);
  for (const one of exchanges) check.check(one);
  return check.take();
}

const workflowBody = {
  id: WORKFLOW,
  name: 'wf',
  type: 'Microsoft.Logic/workflows',
  location: 'westeurope',
  tags: {},
  identity: {
    type: 'SystemAssigned',
    principalId: '4f7a1b3c-2d5e-4f60-8a9b-0c1d2e3f4a5b',
    tenantId: '7e1a5c3e-0d6f-4c2a-9b1e-10c1c0a5d3e0',
  },
  properties: {
    provisioningState: 'Succeeded',
    createdTime: '2026-01-02T03:04:05.000Z',
    changedTime: '2026-01-02T03:04:05.000Z',
    state: 'Enabled',
    version: '08586677515911718341',
    definition: { triggers: {}, actions: {} },
    parameters: { vaultUri: { type: 'String', value: 'https://kv.vault.azure.net/' } },
  },
};

describe('contract check: requests', () => {
  it('accepts what the SDK sends for a workflow PUT (string parameter values included)', () => {
    const put = exchange({
      method: 'PUT',
      body: {
        location: 'westeurope',
        tags: { owner: 'c/ns/wf' },
        identity: {
          type: 'UserAssigned',
          userAssignedIdentities: {
            [`${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`]: {},
          },
        },
        properties: {
          state: 'Enabled',
          definition: {},
          parameters: { key: { type: 'SecureString', value: 's' } },
        },
      },
      status: 201,
      responseBody: workflowBody,
    });
    expect(violationsOf(put)).toEqual([]);
  });

  it('refuses read-only properties in a request, with the JSON pointer and no value', () => {
    const [violation, ...rest] = violationsOf(
      exchange({
        method: 'PUT',
        body: { location: 'westeurope', properties: { provisioningState: 'Succeeded', definition: {} } },
        status: 201,
        responseBody: workflowBody,
      }),
    );
    expect(rest).toEqual([]);
    expect(violation).toEqual({
      operation: 'Workflows_CreateOrUpdate@2019-05-01',
      direction: 'request',
      method: 'PUT',
      path: WORKFLOW,
      status: 201,
      pointer: '/properties/provisioningState',
      message: 'is read-only in the spec: only the service writes it, a request must not carry it',
    });
  });

  it('refuses a role assignment without principalId and with a principalType the spec does not list', () => {
    const violations = violationsOf(
      exchange({
        method: 'PUT',
        path: ASSIGNMENT,
        apiVersion: '2022-04-01',
        body: { properties: { roleDefinitionId: '/x', principalType: 'Robot' } },
        status: 400,
        responseBody: {
          error: { code: 'InvalidPrincipalId', message: 'A valid principal ID must be provided.' },
        },
      }),
    );
    expect(violations.map((v) => [v.direction, v.pointer, v.message])).toEqual([
      ['request', '/properties', "must have the property 'principalId'"],
      [
        'request',
        '/properties/principalType',
        'must be one of "User", "Group", "ServicePrincipal", "ForeignGroup", "Device"',
      ],
    ]);
  });

  it('accepts access-policy permissions in any casing (Key Vault stores `Get`), refuses unknown ones', () => {
    const accessPolicy = (secrets: string[]) =>
      exchange({
        method: 'PUT',
        path: `${VAULT}/accessPolicies/remove`,
        apiVersion: '2026-02-01',
        body: {
          properties: {
            accessPolicies: [
              { tenantId: '7e1a5c3e-0d6f-4c2a-9b1e-10c1c0a5d3e0', objectId: 'o', permissions: { secrets } },
            ],
          },
        },
        status: 200,
        responseBody: {
          id: `${VAULT}/accessPolicies/`,
          type: 'Microsoft.KeyVault/vaults/accessPolicies',
          properties: { accessPolicies: [] },
        },
      });
    expect(violationsOf(accessPolicy(['Get', 'list']))).toEqual([]);
    const [violation] = violationsOf(accessPolicy(['read']));
    expect(violation).toMatchObject({
      operation: 'Vaults_UpdateAccessPolicy@2026-02-01',
      pointer: '/properties/accessPolicies/0/permissions/secrets/0',
    });
    expect(violation?.message).toMatch(/^must be one of "all", "get", .* \(in any casing\)$/);
  });

  it('a body where the spec has none, and none where it requires one', () => {
    const patchWithBody = exchange({ method: 'PATCH', body: { tags: {} }, responseBody: workflowBody });
    const putWithout = exchange({ method: 'PUT', status: 200, responseBody: workflowBody });
    expect(violationsOf(patchWithBody, putWithout).map((v) => [v.operation, v.message])).toEqual([
      ['Workflows_Update@2019-05-01', 'the spec declares no request body, one was sent'],
      ['Workflows_CreateOrUpdate@2019-05-01', 'the spec requires a request body, none was sent'],
    ]);
  });

  it("lets Key Vault's bodiless challenge request through, not a bodiless authorised one", () => {
    const setSecret = (authorized: boolean, status: number) =>
      exchange({
        plane: 'keyvault',
        method: 'PUT',
        path: '/secrets/partner-api-key',
        apiVersion: '2025-07-01',
        authorized,
        status,
        responseBody: {
          error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
        },
      });
    expect(violationsOf(setSecret(false, 401))).toEqual([]);
    expect(violationsOf(setSecret(true, 400)).map((v) => v.message)).toEqual([
      'the spec requires a request body, none was sent',
    ]);
  });
});

describe('contract check: responses', () => {
  it('refuses null where the spec has a string (what the emulator answered for role assignments)', () => {
    const violations = violationsOf(
      exchange({
        path: ASSIGNMENT,
        apiVersion: '2022-04-01',
        responseBody: {
          id: ASSIGNMENT,
          name: 'n',
          type: 'Microsoft.Authorization/roleAssignments',
          properties: { roleDefinitionId: '/r', principalId: 'p', description: null },
        },
      }),
    );
    expect(violations.map((v) => [v.operation, v.direction, v.pointer, v.message])).toEqual([
      ['RoleAssignments_Get@2022-04-01', 'response', '/properties/description', 'must be string'],
    ]);
  });

  it('checks formats and enums: a workflow with a bad date and an unknown state', () => {
    const body = structuredClone(workflowBody);
    body.properties.createdTime = 'yesterday';
    body.properties.state = 'Sleeping';
    expect(violationsOf(exchange({ responseBody: body })).map((v) => v.pointer)).toEqual([
      '/properties/createdTime',
      '/properties/state',
    ]);
  });

  it('an undeclared success status, a body on a bodiless answer, and errors against the envelope', () => {
    const violations = violationsOf(
      exchange({ method: 'DELETE', status: 202 }),
      exchange({ method: 'DELETE', status: 200, responseBody: { gone: true } }),
      exchange({ status: 404, responseBody: { error: { code: 404, message: 'x' } } }),
      exchange({ status: 404, responseBody: { error: { code: 'ResourceNotFound', message: 'x' } } }),
    );
    expect(violations.map((v) => [v.status, v.pointer, v.message])).toEqual([
      [202, '', "status 202 is not among the spec's answers (200, 204)"],
      [200, '', 'the spec declares no body for status 200, one was sent'],
      [404, '/error/code', 'must be string'],
    ]);
  });

  it('an answered request in an api-version without schemas is a finding; a refused one is not', () => {
    const violations = violationsOf(
      exchange({ apiVersion: '2016-06-01', responseBody: workflowBody }),
      exchange({
        apiVersion: '2099-01-01',
        status: 400,
        responseBody: { error: { code: 'NoRegisteredProviderFound', message: 'x' } },
      }),
    );
    expect(violations.map((v) => [v.operation, v.message])).toEqual([
      [
        'Workflows_Get@2016-06-01',
        'no contract for api-version 2016-06-01 (schemas exist for 2019-05-01): write one from the REST spec',
      ],
    ]);
  });

  it('counts bodies per operation and leaves uncovered routes and other planes out of the contract', () => {
    const check = new ContractCheck(catalog);
    check.check(exchange({ responseBody: workflowBody }));
    check.check(exchange({ status: 0 }));
    check.check(
      exchange({
        path: `${SUB}/resourceGroups/rg`,
        routeOperation: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      }),
    );
    check.check(exchange({ plane: 'entra', path: '/t/oauth2/v2.0/token' }));
    expect(check.tally()).toEqual({
      operations: { 'Workflows_Get@2019-05-01': { requests: 2, responses: 1, violations: 0, expected: 0 } },
      unchecked: { 'GET Microsoft.Resources/subscriptions/resourceGroups/read': 1 },
    });
  });
});

describe('the schemas against the REST spec examples', () => {
  const FIXTURES = new URL('./fixtures/azure-examples/', import.meta.url);
  // file → [operation id, api-version the operation is checked under, path of the example]
  const cases: Record<string, [string, string, string, string]> = {
    'Workflows_CreateOrUpdate.json': ['PUT', '2019-05-01', WORKFLOW, 'arm'],
    'Workflows_Get.json': ['GET', '2019-05-01', WORKFLOW, 'arm'],
    'Workflows_Delete.json': ['DELETE', '2019-05-01', WORKFLOW, 'arm'],
    'Workflows_ListByResourceGroup.json': [
      'GET',
      '2019-05-01',
      `${SUB}/resourceGroups/rg/providers/Microsoft.Logic/workflows`,
      'arm',
    ],
    'WorkflowVersionTriggers_ListCallbackUrl.json': [
      'POST',
      '2019-05-01',
      `${WORKFLOW}/versions/08587100027316071865/triggers/manualTrigger/listCallbackUrl`,
      'arm',
    ],
    'WorkflowTriggers_List.json': ['GET', '2019-05-01', `${WORKFLOW}/triggers`, 'arm'],
    'WorkflowTriggers_Run.json': ['POST', '2019-05-01', `${WORKFLOW}/triggers/manual/run`, 'arm'],
    'WorkflowRuns_List.json': ['GET', '2019-05-01', `${WORKFLOW}/runs`, 'arm'],
    'WorkflowTriggerHistories_List.json': ['GET', '2019-05-01', `${WORKFLOW}/triggers/t/histories`, 'arm'],
    'getVault.json': ['GET', '2026-02-01', VAULT, 'arm'],
    'updateAccessPoliciesAdd.json': ['PUT', '2026-02-01', `${VAULT}/accessPolicies/add`, 'arm'],
    'RoleAssignments_CreateForResource.json': ['PUT', '2022-04-01', ASSIGNMENT, 'arm'],
    'RoleAssignments_Get.json': ['GET', '2022-04-01', ASSIGNMENT, 'arm'],
    'RoleAssignments_Delete.json': ['DELETE', '2022-04-01', ASSIGNMENT, 'arm'],
    'RoleAssignments_ListForScope.json': [
      'GET',
      '2022-04-01',
      `${VAULT}/providers/Microsoft.Authorization/roleAssignments`,
      'arm',
    ],
    'IdentityGet.json': [
      'GET',
      '2024-11-30',
      `${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`,
      'arm',
    ],
    'IdentityCreate.json': [
      'PUT',
      '2024-11-30',
      `${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`,
      'arm',
    ],
    'connectionsCreateOrUpdate.json': ['PUT', '2016-06-01', CONNECTION, 'arm'],
    'connectionsGet.json': ['GET', '2016-06-01', CONNECTION, 'arm'],
    'connectionsDelete.json': ['DELETE', '2016-06-01', CONNECTION, 'arm'],
    'connectionsList.json': [
      'GET',
      '2016-06-01',
      `${SUB}/resourceGroups/rg/providers/Microsoft.Web/connections`,
      'arm',
    ],
    'managedApisGet.json': [
      'GET',
      '2016-06-01',
      `${SUB}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
      'arm',
    ],
    'GetSecret-example.json': [
      'GET',
      '2025-07-01',
      '/secrets/mysecretname/4387e9f3d6e14c459867679a90fd0f79',
      'keyvault',
    ],
  };

  // The examples' requests echo read-only properties the service ignores (oav reports them as
  // warnings); the SDK never sends them, so the request schemas refuse them. Exactly these:
  const readOnlyInExampleRequests: Record<string, string[]> = {
    'Workflows_CreateOrUpdate.json': ['/properties/integrationAccount/name'],
    'connectionsCreateOrUpdate.json': ['/id'],
  };

  /**
   * The body of one example response. The workflow trigger and run examples put it directly under
   * the status code, without `body` (fixtures/azure-examples/README.md); `{}` there is no body.
   */
  function exampleResponseBody(response: Record<string, unknown>): unknown {
    if ('body' in response) return response.body;
    return Object.keys(response).length > 0 ? response : undefined;
  }

  it('covers every example file there is', () => {
    expect(Object.keys(cases).sort()).toEqual(
      readdirSync(FIXTURES)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    );
  });

  for (const [file, [method, apiVersion, path, plane]] of Object.entries(cases)) {
    it(`${file}: its request and every response it lists pass`, () => {
      const example = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as {
        parameters: Record<string, unknown>;
        responses: Record<string, { body?: unknown }>;
      };
      const requestBody = Object.entries(example.parameters).find(
        ([name]) =>
          ![
            'api-version',
            'subscriptionId',
            'resourceGroupName',
            'scope',
            'roleAssignmentName',
            'operationKind',
            'vaultName',
            'resourceName',
            'workflowName',
            'versionId',
            'triggerName',
            'vaultBaseUrl',
            'secret-name',
            'secret-version',
            'connectionName',
            'location',
            'apiName',
          ].includes(name),
      )?.[1];
      const exchanges = Object.entries(example.responses).map(([status, response]) =>
        exchange({
          plane: plane as Exchange['plane'],
          method,
          path,
          apiVersion,
          ...(requestBody === undefined ? {} : { body: requestBody }),
          status: Number(status),
          responseBody: exampleResponseBody(response),
        }),
      );
      expect(exchanges.length).toBeGreaterThan(0);
      const violations = violationsOf(...exchanges);
      const readOnly = violations.filter(
        (v) => v.direction === 'request' && v.message.startsWith('is read-only'),
      );
      expect(violations.filter((v) => !readOnly.includes(v))).toEqual([]);
      expect([...new Set(readOnly.map((v) => v.pointer))]).toEqual(readOnlyInExampleRequests[file] ?? []);
    });
  }
});

describe('the schema files', () => {
  const dir = new URL('../contract/schemas/', import.meta.url);
  for (const name of readdirSync(dir)) {
    it(`${name} cites the spec file and commit it was written from`, () => {
      const schema = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as {
        $comment: string;
        'x-sources': { path: string; commit: string }[];
      };
      expect(schema['x-sources'].length).toBeGreaterThan(0);
      for (const source of schema['x-sources']) {
        expect(source.path).toMatch(/^specification\/.+\.json$/);
        expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(schema.$comment).toContain(source.path);
        expect(schema.$comment).toContain(source.commit);
      }
    });
  }
});
