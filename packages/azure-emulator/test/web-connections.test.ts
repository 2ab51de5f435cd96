// Microsoft.Web/connections (2016-06-01) and the managedApis catalogue over HTTPS, with ARM's
// authentication, authorization and metering in front. Shapes are checked against the REST
// spec's examples (azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/
// 2016-06-01/examples: connectionsCreateOrUpdate.json, connectionsGet.json, connectionsList.json,
// connectionsDelete.json, managedApisGet.json — copied into fixtures/azure-examples). The
// managed-identity parameter value set follows Microsoft's template in
// learn.microsoft.com/azure/logic-apps/create-managed-service-identity ("ARM template for API
// connections and managed identities"). No @azure SDK client for Microsoft.Web is a dependency,
// so these are raw ARM calls with a real token.
import type { TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../src/index.ts';
import { fixtureBody, type Harness, shapeDifferences } from './support/harness.ts';
import {
  assignRole,
  groupScope,
  LOCATION,
  registerSecretApp,
  startTenancyHarness,
} from './support/tenancy.ts';

const API_VERSION = 'api-version=2016-06-01';
const SUB = DEMO_SUBSCRIPTION_ID;
const connectionPath = (group: string, name: string) =>
  `${groupScope(SUB, group)}/providers/Microsoft.Web/connections/${name}?${API_VERSION}`;
const apiId = (api: string, location = LOCATION) =>
  `/subscriptions/${SUB}/providers/Microsoft.Web/locations/${location}/managedApis/${api}`;

/** Service Bus through the workflow's managed identity, as logicops will create it. */
function managedIdentityConnection(overrides: Record<string, unknown> = {}) {
  return {
    location: LOCATION,
    kind: 'V1',
    tags: { 'logicops-owner': 'orders.ns' },
    properties: {
      displayName: 'orders queue',
      api: { id: apiId('servicebus') },
      parameterValueSet: {
        name: 'managedIdentityAuth',
        values: { namespaceEndpoint: { value: 'sb://orders-ns.servicebus.windows.net/' } },
      },
      ...overrides,
    },
  };
}

/** The parts of ARM bodies these tests read. */
interface ArmErrorBody {
  error: { code: string; message: string };
}
interface ConnectionBody {
  name: string;
  properties: {
    overallStatus: string;
    createdTime: string;
    changedTime: string;
    displayName: string;
    statuses: unknown[];
  };
}
interface ManagedApiBody {
  name: string;
  properties: {
    connectionParameterSets: { values: { name: string; parameters: Record<string, unknown> }[] };
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startTenancyHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

async function armAs(credential: TokenCredential, method: string, path: string, body?: unknown) {
  const token = await credential.getToken(`${h.emu.armEndpoint}/.default`);
  const response = await fetch(`${h.emu.armEndpoint}${path}`, {
    method,
    headers: { authorization: `Bearer ${token?.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe('managedApis catalogue', () => {
  it('answers a connector with the shape of managedApisGet.json and its managed-identity parameter set', async () => {
    const got = await h.arm('GET', `${apiId('servicebus')}?${API_VERSION}`);
    expect(got.status).toBe(200);
    expect(
      shapeDifferences(got.body, fixtureBody('managedApisGet.json'), ['properties.connectionParameters']),
    ).toEqual([]);
    const body = got.body as ManagedApiBody;
    expect(body).toMatchObject({
      id: apiId('servicebus'),
      name: 'servicebus',
      type: 'Microsoft.Web/locations/managedApis',
      location: LOCATION,
    });
    const sets = body.properties.connectionParameterSets.values as { name: string; parameters: object }[];
    expect(sets.map((s) => s.name)).toEqual(['connectionstring', 'managedIdentityAuth']);
    expect(Object.keys(sets[1]!.parameters)).toEqual(['namespaceEndpoint']);
  });

  it('lists the seven connectors logicops supports first, each with its managed-identity set', async () => {
    const got = await h.arm(
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Web/locations/${LOCATION}/managedApis?${API_VERSION}`,
    );
    expect(got.status).toBe(200);
    const values = (got.body as { value: ManagedApiBody[] }).value;
    const setNames = Object.fromEntries(
      values.map((api) => [api.name, api.properties.connectionParameterSets.values.map((s) => s.name)]),
    );
    expect(Object.keys(setNames).sort()).toEqual([
      'arm',
      'azureblob',
      'documentdb',
      'eventhubs',
      'keyvault',
      'servicebus',
      'sql',
    ]);
    expect(setNames.keyvault).toContain('oauthMI');
    expect(setNames.sql).toContain('oauthMI');
    expect(setNames.azureblob).toContain('managedIdentityAuth');
  });

  it('answers 404 for a connector the catalogue does not hold', async () => {
    const got = await h.arm('GET', `${apiId('office365')}?${API_VERSION}`);
    expect(got.status).toBe(404);
    expect((got.body as ArmErrorBody).error.code).toBe('ApiNotFound');
  });
});

describe('Microsoft.Web/connections CRUD', () => {
  it('creates, reads, lists and deletes a managed-identity connection like the spec examples', async () => {
    const put = await h.arm('PUT', connectionPath('rg-a', 'servicebus-orders'), managedIdentityConnection());
    expect(put.status).toBe(200);
    // The examples carry an integration account in nonSecretParameterValues; none is set here.
    const optional = ['properties.nonSecretParameterValues.integrationAccountId'];
    expect(shapeDifferences(put.body, fixtureBody('connectionsCreateOrUpdate.json'), optional)).toEqual([]);
    expect(put.body).toMatchObject({
      id: `${groupScope(SUB, 'rg-a')}/providers/Microsoft.Web/connections/servicebus-orders`,
      name: 'servicebus-orders',
      type: 'Microsoft.Web/connections',
      location: LOCATION,
      kind: 'V1',
      tags: { 'logicops-owner': 'orders.ns' },
      properties: {
        displayName: 'orders queue',
        statuses: [{ status: 'Connected' }],
        overallStatus: 'Connected',
        connectionState: 'Enabled',
        parameterValueSet: {
          name: 'managedIdentityAuth',
          values: { namespaceEndpoint: { value: 'sb://orders-ns.servicebus.windows.net/' } },
        },
        api: { name: 'servicebus', id: apiId('servicebus'), type: 'Microsoft.Web/locations/managedApis' },
      },
    });

    const get = await h.arm('GET', connectionPath('rg-a', 'servicebus-orders'));
    expect(get.status).toBe(200);
    expect(
      shapeDifferences(get.body, fixtureBody('connectionsGet.json'), [...optional, 'properties.testLinks[]']),
    ).toEqual([]);
    expect(get.body).toEqual(put.body);

    const list = await h.arm(
      'GET',
      `${groupScope(SUB, 'rg-a')}/providers/Microsoft.Web/connections?${API_VERSION}`,
    );
    expect(list.status).toBe(200);
    expect(
      shapeDifferences(list.body, fixtureBody('connectionsList.json'), [
        'value[].properties.nonSecretParameterValues.integrationAccountId',
        'value[].properties.testLinks[]',
      ]),
    ).toEqual([]);
    expect((list.body as { value: ConnectionBody[] }).value.map((c) => c.name)).toContain(
      'servicebus-orders',
    );

    expect((await h.arm('DELETE', connectionPath('rg-a', 'servicebus-orders'))).status).toBe(200);
    // connectionsDelete.json: 204 when there is nothing to delete.
    expect((await h.arm('DELETE', connectionPath('rg-a', 'servicebus-orders'))).status).toBe(204);
    const gone = await h.arm('GET', connectionPath('rg-a', 'servicebus-orders'));
    expect(gone.status).toBe(404);
    expect((gone.body as ArmErrorBody).error.code).toBe('ResourceNotFound');
  });

  it('keeps createdTime across an update and moves changedTime', async () => {
    const first = await h.arm('PUT', connectionPath('rg-a', 'kv'), {
      location: LOCATION,
      properties: {
        api: { id: apiId('keyvault') },
        parameterValueSet: { name: 'oauthMI', values: { vaultName: { value: 'kv-team-a' } } },
      },
    });
    expect(first.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await h.arm('PUT', connectionPath('rg-a', 'kv'), {
      location: LOCATION,
      properties: {
        displayName: 'renamed',
        api: { id: apiId('keyvault') },
        parameterValueSet: { name: 'oauthMI', values: { vaultName: { value: 'kv-team-a' } } },
      },
    });
    const before = (first.body as ConnectionBody).properties;
    const after = (second.body as ConnectionBody).properties;
    expect(after.createdTime).toBe(before.createdTime);
    expect(after.changedTime > before.changedTime).toBe(true);
    expect(after.displayName).toBe('renamed');
  });

  it('never shows parameter values once written, and reports a connection without credentials as unauthenticated', async () => {
    const secretValue = 'Endpoint=sb://orders-ns.servicebus.windows.net/;SharedAccessKey=not-shown';
    const keyed = await h.arm('PUT', connectionPath('rg-a', 'keyed'), {
      location: LOCATION,
      properties: { api: { id: apiId('servicebus') }, parameterValues: { connectionString: secretValue } },
    });
    expect(keyed.status).toBe(200);
    expect((keyed.body as ConnectionBody).properties.overallStatus).toBe('Connected');
    const read = await h.arm('GET', connectionPath('rg-a', 'keyed'));
    expect(JSON.stringify(read.body)).not.toContain('not-shown');
    expect(JSON.stringify(h.emu.state.webConnections)).not.toContain('not-shown');

    const bare = await h.arm('PUT', connectionPath('rg-a', 'bare'), {
      location: LOCATION,
      properties: { api: { id: apiId('servicebus') } },
    });
    expect((bare.body as ConnectionBody).properties).toMatchObject({
      overallStatus: 'Error',
      statuses: [{ status: 'Error', target: 'token', error: { code: 'Unauthenticated' } }],
    });
  });
});

describe("Microsoft.Web/connections refusals (codes are the emulator's own: none is documented)", () => {
  async function refused(body: unknown) {
    const got = await h.arm('PUT', connectionPath('rg-a', 'refused'), body);
    expect(got.status).toBe(400);
    expect(h.emu.state.webConnections).not.toHaveProperty(
      `${groupScope(SUB, 'rg-a')}/providers/microsoft.web/connections/refused`.toLowerCase(),
    );
    return (got.body as ArmErrorBody).error;
  }

  it('refuses an API the catalogue does not hold', async () => {
    const error = await refused({ location: LOCATION, properties: { api: { id: apiId('office365') } } });
    expect(error.code).toBe('ApiNotFound');
  });

  it('refuses an API in another location than the connection', async () => {
    const error = await refused({
      location: LOCATION,
      properties: { api: { id: apiId('servicebus', 'eastus') } },
    });
    expect(error).toMatchObject({ code: 'LocationMismatch' });
    expect(error.message).toContain("'eastus'");
  });

  it('refuses a parameter value set the connector does not have, naming its managed-identity set', async () => {
    const error = await refused(
      managedIdentityConnection({ parameterValueSet: { name: 'managedIdentity', values: {} } }),
    );
    expect(error.code).toBe('InvalidParameterValueSet');
    expect(error.message).toContain("'managedIdentityAuth'");
  });

  it('refuses an unknown parameter and a missing required one', async () => {
    const unknown = await refused(
      managedIdentityConnection({
        parameterValueSet: {
          name: 'managedIdentityAuth',
          values: { namespaceEndpoint: { value: 'sb://x.servicebus.windows.net/' }, queue: { value: 'q' } },
        },
      }),
    );
    expect(unknown).toMatchObject({ code: 'InvalidConnectionParameter' });
    expect(unknown.message).toContain("'queue'");
    const missing = await refused(
      managedIdentityConnection({ parameterValueSet: { name: 'managedIdentityAuth', values: {} } }),
    );
    expect(missing).toMatchObject({ code: 'MissingConnectionParameter' });
    expect(missing.message).toContain("'namespaceEndpoint'");
  });

  it('refuses a missing location and an unknown api-version as ARM does', async () => {
    const { location: _, ...noLocation } = managedIdentityConnection();
    const error = await refused(noLocation);
    expect(error.code).toBe('LocationRequired');
    const wrongVersion = await h.arm(
      'PUT',
      connectionPath('rg-a', 'x').replace(API_VERSION, 'api-version=2015-08-01-preview'),
      managedIdentityConnection(),
    );
    expect(wrongVersion.status).toBe(400);
    expect((wrongVersion.body as ArmErrorBody).error.code).toBe('NoRegisteredProviderFound');
  });
});

describe('Microsoft.Web/connections behind ARM authorization and metering', () => {
  it('needs Microsoft.Web/connections/write: refused to a Reader, allowed to a Logic App Contributor', async () => {
    const app = await registerSecretApp(h, DEMO_TENANT_ID, 'connections-writer');
    await assignRole(h, app.objectId, 'Reader', groupScope(SUB, 'rg-b'));
    const path = connectionPath('rg-b', 'by-app');
    const denied = await armAs(app.credential, 'PUT', path, managedIdentityConnection());
    expect(denied.status).toBe(403);
    expect((denied.body as ArmErrorBody).error.code).toBe('AuthorizationFailed');
    expect((denied.body as ArmErrorBody).error.message).toContain("action 'Microsoft.Web/connections/write'");
    // Reader's */read covers the read.
    expect((await armAs(app.credential, 'GET', path)).status).toBe(404);

    // Logic App Contributor carries Microsoft.Web/connections/* (Azure built-in roles page).
    await assignRole(h, app.objectId, 'Logic App Contributor', groupScope(SUB, 'rg-b'));
    const allowed = await armAs(app.credential, 'PUT', path, managedIdentityConnection());
    expect(allowed.status).toBe(200);
    expect((await armAs(app.credential, 'DELETE', path)).status).toBe(200);
  });

  it('draws writes from the subscription bucket like every ARM write', async () => {
    const first = await h.arm('PUT', connectionPath('rg-a', 'metered'), managedIdentityConnection());
    const second = await h.arm('PUT', connectionPath('rg-a', 'metered'), managedIdentityConnection());
    const remaining = (r: typeof first) =>
      Number(r.headers.get('x-ms-ratelimit-remaining-subscription-writes'));
    expect(Number.isFinite(remaining(first))).toBe(true);
    expect(remaining(second)).toBe(remaining(first) - 1);
  });

  it('answers a missing resource group as ARM does, before the provider', async () => {
    const got = await h.arm('PUT', connectionPath('rg-missing', 'x'), managedIdentityConnection());
    expect(got.status).toBe(404);
    expect((got.body as ArmErrorBody).error.code).toBe('ResourceGroupNotFound');
  });
});
