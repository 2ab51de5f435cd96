// The built-in data-plane roles of the managed connectors' targets (src/arm/data-plane-roles.ts),
// through the real @azure/arm-authorization client: they can be assigned at the scopes the
// connectors target (a queue, an event hub, a blob container), and the permissions read reports
// their actions and dataActions. Ids and permissions as "Azure built-in roles" publishes them:
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration (Azure
// Service Bus Data Receiver's role definition JSON is quoted below) and .../built-in-roles/storage.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_RESOURCE_GROUP,
  DEMO_SUBSCRIPTION_ID,
} from '../src/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

const GROUP = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${DEMO_RESOURCE_GROUP}`;
const roleId = (guid: string) =>
  `/subscriptions/${DEMO_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

const ROLES = {
  'Azure Service Bus Data Owner': '090c5cfd-751d-490a-894a-3ce6f1109419',
  'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  'Azure Event Hubs Data Owner': 'f526a384-b230-433a-b45c-95f59c4a2dec',
  'Azure Event Hubs Data Receiver': 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
};

/** The scope each family of roles is granted on, as a connector's target. */
function targetScope(role: string): string {
  if (role.includes('Service Bus'))
    return `${GROUP}/providers/Microsoft.ServiceBus/namespaces/orders-ns/queues/orders`;
  if (role.includes('Event Hubs'))
    return `${GROUP}/providers/Microsoft.EventHub/namespaces/telemetry-ns/eventhubs/readings`;
  return `${GROUP}/providers/Microsoft.Storage/storageAccounts/ordersdata/blobServices/default/containers/invoices`;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

describe('built-in data-plane roles', () => {
  it('knows each by the name and id Microsoft publishes', () => {
    for (const [name, guid] of Object.entries(ROLES)) expect(BUILT_IN_ROLES[guid]).toBe(name);
  });

  it.each(Object.entries(ROLES))('assigns %s at its target scope', async (name, guid) => {
    const scope = targetScope(name);
    const assignment = await h.authorization.roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId: roleId(guid),
      principalId: DEMO_OPERATOR_OBJECT_ID,
      principalType: 'ServicePrincipal',
    });
    expect(assignment).toMatchObject({ scope, roleDefinitionId: roleId(guid) });
  });

  it("reports a data role's actions and dataActions in the permissions read", async () => {
    await h.authorization.roleAssignments.create(GROUP, randomUUID(), {
      roleDefinitionId: roleId(ROLES['Azure Service Bus Data Receiver']),
      principalId: DEMO_OPERATOR_OBJECT_ID,
      principalType: 'ServicePrincipal',
    });
    const permissions = await collect(h.authorization.permissions.listForResourceGroup(DEMO_RESOURCE_GROUP));
    // The role definition JSON on the built-in roles page (integration), "Azure Service Bus Data Receiver".
    expect(permissions).toContainEqual({
      actions: [
        'Microsoft.ServiceBus/*/queues/read',
        'Microsoft.ServiceBus/*/topics/read',
        'Microsoft.ServiceBus/*/topics/subscriptions/read',
      ],
      notActions: [],
      dataActions: ['Microsoft.ServiceBus/*/receive/action'],
      notDataActions: [],
    });
  });
});
