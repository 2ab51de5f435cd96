// The routes every tracked resource type shares (src/arm/tracked-resource-routes.ts), held to
// ARM's behaviour for each type that uses them: PUT, GET, list by resource group and by
// subscription, DELETE 200 then 204 when there is nothing left (the REST spec's examples, e.g.
// Workflows_Delete.json, connectionsDelete.json: "200" and "204"), and ResourceNotFound after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID } from '../src/index.ts';
import { DEFINITION, type Harness, startHarness } from './support/harness.ts';

const SUB = DEMO_SUBSCRIPTION_ID;
const LOCATION = 'westeurope';

interface TrackedType {
  type: string;
  apiVersion: string;
  name: string;
  /** False where the provider has no list by subscription (connections, Service Bus namespaces here). */
  listsBySubscription: boolean;
  body: (h: Harness) => unknown;
}

const TYPES: TrackedType[] = [
  {
    type: 'Microsoft.Web/connections',
    apiVersion: '2016-06-01',
    name: 'conn-tracked',
    listsBySubscription: false,
    body: () => ({
      location: LOCATION,
      properties: {
        api: {
          id: `/subscriptions/${SUB}/providers/Microsoft.Web/locations/${LOCATION}/managedApis/servicebus`,
        },
        parameterValueSet: {
          name: 'managedIdentityAuth',
          values: { namespaceEndpoint: { value: 'sb://tracked-ns.servicebus.windows.net/' } },
        },
      },
    }),
  },
  {
    type: 'Microsoft.ServiceBus/namespaces',
    apiVersion: '2024-01-01',
    name: 'tracked-ns',
    listsBySubscription: false,
    body: () => ({ location: LOCATION, sku: { name: 'Standard' } }),
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: '2026-02-01',
    name: 'kv-tracked',
    listsBySubscription: true,
    body: (h) => ({
      location: LOCATION,
      properties: { tenantId: h.emu.tenantId, sku: { family: 'A', name: 'standard' } },
    }),
  },
  {
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    apiVersion: '2024-11-30',
    name: 'uami-tracked',
    listsBySubscription: true,
    body: () => ({ location: LOCATION }),
  },
  {
    type: 'Microsoft.Logic/workflows',
    apiVersion: '2019-05-01',
    name: 'wf-tracked',
    listsBySubscription: true,
    body: () => ({ location: LOCATION, properties: { definition: DEFINITION } }),
  },
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

const names = (body: unknown) => (body as { value: { name: string }[] }).value.map((v) => v.name);

describe.each(TYPES)('$type through the shared tracked-resource routes', (t) => {
  const inGroup = `/subscriptions/${SUB}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/${t.type}`;
  const one = `${inGroup}/${t.name}?api-version=${t.apiVersion}`;

  it('creates, reads and lists the resource, deletes it with 200, then answers 204 and 404', async () => {
    const put = await h.arm('PUT', one, t.body(h));
    expect([200, 201]).toContain(put.status);
    const got = await h.arm('GET', one);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ name: t.name, location: LOCATION });

    const byGroup = await h.arm('GET', `${inGroup}?api-version=${t.apiVersion}`);
    expect(byGroup.status).toBe(200);
    expect(names(byGroup.body)).toContain(t.name);
    const bySubscription = `/subscriptions/${SUB}/providers/${t.type}?api-version=${t.apiVersion}`;
    if (t.listsBySubscription) {
      const listed = await h.arm('GET', bySubscription);
      expect(listed.status).toBe(200);
      expect(names(listed.body)).toContain(t.name);
    }

    expect((await h.arm('DELETE', one)).status).toBe(200);
    expect((await h.arm('DELETE', one)).status).toBe(204);
    const gone = await h.arm('GET', one);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
    expect(names((await h.arm('GET', `${inGroup}?api-version=${t.apiVersion}`)).body)).not.toContain(t.name);
  });
});
