// The pure mappings of API connections (src/azure/connection-model.ts) and the ids a workflow's
// `$connections` takes from a LogicAppConnection's spec (controllers/logic-app-connection/
// connection-ids.ts). Id shapes: azure-rest-api-specs specification/web/resource-manager/
// Microsoft.Web/stable/2016-06-01/logicAppsManagementClient.json (Connections_* paths;
// ApiReference.id as in its connectionsCreateOrUpdate.json example).
import { describe, expect, it } from 'vitest';
import { fromArmConnection, toArmConnection } from '../../../src/azure/connection-model.ts';
import { connectionDrift, type DesiredConnection, managedApiId } from '../../../src/azure/index.ts';
import {
  connectionApiId,
  connectionAzureName,
  connectionResourceId,
} from '../../../src/controllers/shared/connection-ids.ts';
import type { LogicAppConnection } from '../../../src/crds/index.ts';

const SUB = '11111111-2222-4333-8444-555555555555';
const desired: DesiredConnection = {
  location: 'westeurope',
  api: 'servicebus',
  displayName: 'Orders',
  parameterValueSet: {
    name: 'managedIdentityAuth',
    values: { namespaceEndpoint: 'sb://o.servicebus.windows.net/' },
  },
  tags: { 'logicops-owner': 'c/ns/orders' },
};

describe('toArmConnection / fromArmConnection', () => {
  it('writes the managed-identity set with {value} entries and the managed API id', () => {
    expect(toArmConnection(SUB, desired)).toEqual({
      location: 'westeurope',
      tags: { 'logicops-owner': 'c/ns/orders' },
      properties: {
        displayName: 'Orders',
        api: {
          id: `/subscriptions/${SUB}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
        },
        parameterValueSet: {
          name: 'managedIdentityAuth',
          values: { namespaceEndpoint: { value: 'sb://o.servicebus.windows.net/' } },
        },
      },
    });
  });

  it('reads back what it wrote as no drift', () => {
    const observed = fromArmConnection({
      ...toArmConnection(SUB, desired),
      id: 'x',
      properties: { ...toArmConnection(SUB, desired).properties, overallStatus: 'Connected' },
    });
    expect(observed.overallStatus).toBe('Connected');
    expect(connectionDrift(SUB, observed, desired)).toEqual([]);
  });

  it('compares the API id and the set name case-insensitively, values and tags exactly', () => {
    const observed = fromArmConnection(toArmConnection(SUB, desired));
    const upper = {
      ...observed,
      apiId: observed.apiId?.toUpperCase(),
      parameterValueSet: { name: 'MANAGEDIDENTITYAUTH', values: { ...observed.parameterValueSet?.values } },
    };
    expect(connectionDrift(SUB, upper as typeof observed, desired)).toEqual([]);
    expect(connectionDrift(SUB, { ...observed, tags: { 'logicops-owner': 'c/ns/Orders' } }, desired)).toEqual(
      ['tags'],
    );
    expect(connectionDrift(SUB, { ...observed, parameterValueSet: undefined } as never, desired)).toEqual([
      'parameterValueSet',
    ]);
    expect(
      connectionDrift(SUB, { ...observed, apiId: managedApiId(SUB, 'westeurope', 'eventhubs') }, desired),
    ).toEqual(['api']);
  });

  it('takes values Azure does not echo as unknown, and values it echoes at their word', () => {
    const observed = fromArmConnection(toArmConnection(SUB, desired));
    const unechoed = { ...observed, parameterValueSet: { name: 'managedIdentityAuth', values: {} } };
    expect(connectionDrift(SUB, unechoed, desired)).toEqual([]);
    const changed = {
      ...observed,
      parameterValueSet: { name: 'managedIdentityAuth', values: { namespaceEndpoint: 'sb://other/' } },
    };
    expect(connectionDrift(SUB, changed, desired)).toEqual(['parameterValueSet.values']);
  });
});

describe('connection ids from the spec', () => {
  const connection = (azureName?: string): Pick<LogicAppConnection, 'metadata' | 'spec'> => ({
    metadata: { name: 'orders-bus', namespace: 'team-a' },
    spec: {
      subscriptionId: SUB,
      resourceGroup: 'team-a-rg',
      location: 'westeurope',
      api: 'servicebus',
      deletionPolicy: 'Delete',
      ...(azureName ? { azureName } : {}),
    },
  });

  it('names the connection by azureName, else metadata.name', () => {
    expect(connectionAzureName(connection())).toBe('orders-bus');
    expect(connectionAzureName(connection('Orders_Bus'))).toBe('Orders_Bus');
    expect(connectionResourceId(connection('Orders_Bus'))).toBe(
      `/subscriptions/${SUB}/resourceGroups/team-a-rg/providers/Microsoft.Web/connections/Orders_Bus`,
    );
  });

  it('points at the managed API in the connection location', () => {
    expect(connectionApiId(connection())).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
    );
  });
});
