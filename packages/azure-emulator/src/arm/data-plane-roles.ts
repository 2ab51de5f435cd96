// The built-in data-plane roles of the managed connectors' targets (issue 24): what a workflow's
// identity needs on a Service Bus namespace or queue, an Event Hubs namespace or hub, a storage
// account or blob container. Kept apart from role-definitions.ts so that other additions to the
// built-in roles merge cleanly; both tables (role-assignments.ts for names, role-definitions.ts
// for permissions) spread this one in.
//
// Ids, actions and dataActions as "Azure built-in roles" publishes them:
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration (Service
// Bus, Event Hubs) and .../built-in-roles/storage (Storage Blob Data *).
//
// Not here, on purpose: Azure Cosmos DB's data plane authorizes through its own SQL role
// assignments (Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments), and SQL Server through
// database users created for the identity; neither is an Azure role assignment. The Key Vault
// connector uses the Key Vault roles the emulator already knows, the Azure Resource Manager
// connector any ARM role (Reader, Contributor, ...).
import type { RolePermission } from './role-permission.ts';

export interface DataPlaneRole {
  name: string;
  permission: RolePermission;
}

const SERVICE_BUS_ENTITY_READS = [
  'Microsoft.ServiceBus/*/queues/read',
  'Microsoft.ServiceBus/*/topics/read',
  'Microsoft.ServiceBus/*/topics/subscriptions/read',
];
const BLOB = 'Microsoft.Storage/storageAccounts/blobServices';

export const AZURE_SERVICE_BUS_DATA_OWNER = '090c5cfd-751d-490a-894a-3ce6f1109419';
export const AZURE_SERVICE_BUS_DATA_RECEIVER = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
export const AZURE_SERVICE_BUS_DATA_SENDER = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';

/** Role definition GUID → name and permissions. */
export const DATA_PLANE_ROLES: Readonly<Record<string, DataPlaneRole>> = {
  [AZURE_SERVICE_BUS_DATA_OWNER]: {
    name: 'Azure Service Bus Data Owner',
    permission: {
      actions: ['Microsoft.ServiceBus/*'],
      notActions: [],
      dataActions: ['Microsoft.ServiceBus/*'],
      notDataActions: [],
    },
  },
  [AZURE_SERVICE_BUS_DATA_RECEIVER]: {
    name: 'Azure Service Bus Data Receiver',
    permission: {
      actions: SERVICE_BUS_ENTITY_READS,
      notActions: [],
      dataActions: ['Microsoft.ServiceBus/*/receive/action'],
      notDataActions: [],
    },
  },
  [AZURE_SERVICE_BUS_DATA_SENDER]: {
    name: 'Azure Service Bus Data Sender',
    permission: {
      actions: SERVICE_BUS_ENTITY_READS,
      notActions: [],
      dataActions: ['Microsoft.ServiceBus/*/send/action'],
      notDataActions: [],
    },
  },
  'f526a384-b230-433a-b45c-95f59c4a2dec': {
    name: 'Azure Event Hubs Data Owner',
    permission: {
      actions: ['Microsoft.EventHub/*'],
      notActions: [],
      dataActions: ['Microsoft.EventHub/*'],
      notDataActions: [],
    },
  },
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde': {
    name: 'Azure Event Hubs Data Receiver',
    permission: {
      actions: ['Microsoft.EventHub/*/eventhubs/consumergroups/read'],
      notActions: [],
      dataActions: ['Microsoft.EventHub/*/receive/action'],
      notDataActions: [],
    },
  },
  '2b629674-e913-4c01-ae53-ef4638d8f975': {
    name: 'Azure Event Hubs Data Sender',
    permission: {
      actions: ['Microsoft.EventHub/*/eventhubs/read'],
      notActions: [],
      dataActions: ['Microsoft.EventHub/*/send/action'],
      notDataActions: [],
    },
  },
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': {
    name: 'Storage Blob Data Reader',
    permission: {
      actions: [`${BLOB}/containers/read`, `${BLOB}/generateUserDelegationKey/action`],
      notActions: [],
      dataActions: [`${BLOB}/containers/blobs/read`],
      notDataActions: [],
    },
  },
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': {
    name: 'Storage Blob Data Contributor',
    permission: {
      actions: [
        `${BLOB}/containers/delete`,
        `${BLOB}/containers/read`,
        `${BLOB}/containers/write`,
        `${BLOB}/generateUserDelegationKey/action`,
      ],
      notActions: [],
      dataActions: [
        `${BLOB}/containers/blobs/delete`,
        `${BLOB}/containers/blobs/read`,
        `${BLOB}/containers/blobs/write`,
        `${BLOB}/containers/blobs/move/action`,
        `${BLOB}/containers/blobs/add/action`,
      ],
      notDataActions: [],
    },
  },
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': {
    name: 'Storage Blob Data Owner',
    permission: {
      actions: [`${BLOB}/containers/*`, `${BLOB}/generateUserDelegationKey/action`],
      notActions: [],
      dataActions: [`${BLOB}/containers/blobs/*`],
      notDataActions: [],
    },
  },
};

export const DATA_PLANE_ROLE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DATA_PLANE_ROLES).map(([id, role]) => [id, role.name]),
);

export const DATA_PLANE_ROLE_PERMISSIONS: Readonly<Record<string, RolePermission>> = Object.fromEntries(
  Object.entries(DATA_PLANE_ROLES).map(([id, role]) => [id, role.permission]),
);
