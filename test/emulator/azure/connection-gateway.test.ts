// ConnectionGateway through the real @azure/arm-resources client (its generic by-id operations
// with api-version 2016-06-01) against the emulator's Microsoft.Web/connections routes. The
// routes and bodies are those of azure-rest-api-specs
// specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/logicAppsManagementClient.json
// (Connections_CreateOrUpdate / _Get / _Delete); the contract check of this tier validates every
// body against that spec. `parameterValueSet` {name: 'managedIdentityAuth', values} is how
// Microsoft's templates authenticate a connection with the managed identity
// (learn.microsoft.com/azure/logic-apps/create-managed-service-identity, "ARM template for API
// connections and managed identities").

import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredConnection, isAzureError, managedApiId } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
const OWNER = 'test-cluster/team-a/orders-bus';
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

function desired(overrides: Partial<DesiredConnection> = {}): DesiredConnection {
  return {
    location: 'westeurope',
    api: 'servicebus',
    displayName: 'Orders bus',
    parameterValueSet: {
      name: 'managedIdentityAuth',
      values: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' },
    },
    tags: { 'logicops-owner': OWNER, team: 'a' },
    ...overrides,
  };
}

describe('ConnectionGateway', () => {
  it('creates a managed-identity connection with one PUT to the connection id and reads it back', async () => {
    const ref = { subscriptionId: t.emu.subscriptionId, resourceGroup: RG, name: 'orders-bus' };
    const since = lastSeq(t.emu);
    const created = await t.gateways.connections.createOrUpdate(ref, desired());
    expect(armRequestsSince(t.emu, since)).toEqual([
      {
        method: 'PUT',
        path: `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Web/connections/orders-bus`,
        status: 200,
      },
    ]);
    expect(created).toMatchObject({
      location: 'westeurope',
      displayName: 'Orders bus',
      apiId: managedApiId(t.emu.subscriptionId, 'westeurope', 'servicebus'),
      parameterValueSet: {
        name: 'managedIdentityAuth',
        values: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' },
      },
      tags: { 'logicops-owner': OWNER, team: 'a' },
      overallStatus: 'Connected',
    });
    const fetched = await t.gateways.connections.get(ref);
    expect(fetched).toEqual(created);
  });

  it('answers undefined for a connection that does not exist, and deletes idempotently', async () => {
    const ref = { subscriptionId: t.emu.subscriptionId, resourceGroup: RG, name: 'never-made' };
    expect(await t.gateways.connections.get(ref)).toBeUndefined();
    await t.gateways.connections.delete(ref);

    const made = { ...ref, name: 'short-lived' };
    await t.gateways.connections.createOrUpdate(made, desired());
    await t.gateways.connections.delete(made);
    expect(await t.gateways.connections.get(made)).toBeUndefined();
  });

  it('surfaces the emulator refusal of an unknown parameter as a classified AzureError', async () => {
    const ref = { subscriptionId: t.emu.subscriptionId, resourceGroup: RG, name: 'bad-params' };
    const error = await t.gateways.connections
      .createOrUpdate(
        ref,
        desired({ parameterValueSet: { name: 'managedIdentityAuth', values: { connectionString: 'x' } } }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isAzureError(error) && error.statusCode).toBe(400);
    expect(isAzureError(error) && error.code).toBe('InvalidConnectionParameter');
  });

  it('refuses a connection name Azure would not take before any request', async () => {
    const since = lastSeq(t.emu);
    await expect(
      t.gateways.connections.get({ subscriptionId: t.emu.subscriptionId, resourceGroup: RG, name: '..' }),
    ).rejects.toThrow(/connection name/);
    expect(armRequestsSince(t.emu, since)).toEqual([]);
  });
});
