// The permissions of the built-in roles the emulator knows (BUILT_IN_ROLES), as Microsoft
// publishes them: "Azure built-in roles", https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
// (General: Owner, Contributor, Reader, Role Based Access Control Administrator, User Access
// Administrator; Integration: Logic App Contributor, the Azure Service Bus and Azure Event Hubs
// data roles (built-in-roles/integration); Identity: Managed Identity Operator; Storage: Storage
// Blob Data Reader and Contributor (built-in-roles/storage); Security: Key Vault Contributor and
// the Key Vault data roles). The operator's table of roles a WorkflowRoleAssignment may name
// (src/azure/built-in-roles.ts) is checked against these by test/unit/azure/built-in-roles.test.ts. Only `permissions` is modelled:
// what the Microsoft.Authorization/permissions read reports (permissions.ts) and what ARM's
// authorization check (authorization.ts) grants.

import { DATA_PLANE_ROLE_PERMISSIONS } from './data-plane-roles.ts';
import type { RolePermission } from './role-permission.ts';

export type { RolePermission };

const none = { notActions: [], dataActions: [], notDataActions: [] };

const SERVICE_BUS_ENTITY_READS = [
  'Microsoft.ServiceBus/*/queues/read',
  'Microsoft.ServiceBus/*/topics/read',
  'Microsoft.ServiceBus/*/topics/subscriptions/read',
];
const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const USER_DELEGATION_KEY = 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action';

/** The Key Vault roles' control-plane actions (the same list in each of them). */
const KEY_VAULT_READ_ACTIONS = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Resources/deployments/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.Support/*',
  'Microsoft.KeyVault/checkNameAvailability/read',
  'Microsoft.KeyVault/deletedVaults/read',
  'Microsoft.KeyVault/locations/*/read',
  'Microsoft.KeyVault/vaults/*/read',
  'Microsoft.KeyVault/operations/read',
];

export const ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/** Role definition GUID → its one permission block. */
export const BUILT_IN_ROLE_PERMISSIONS: Readonly<Record<string, RolePermission>> = {
  // Owner
  [OWNER]: { actions: ['*'], ...none },
  // Contributor
  [CONTRIBUTOR]: {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
    ],
    dataActions: [],
    notDataActions: [],
  },
  // Reader
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': { actions: ['*/read'], ...none },
  // User Access Administrator
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': {
    actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
    ...none,
  },
  // Role Based Access Control Administrator
  [ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR]: {
    actions: [
      'Microsoft.Authorization/roleAssignments/write',
      'Microsoft.Authorization/roleAssignments/delete',
      '*/read',
      'Microsoft.Support/*',
    ],
    ...none,
  },
  // Managed Identity Operator
  'f1a07417-d97a-45cb-824c-7a7467783830': {
    actions: [
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Support/*',
    ],
    ...none,
  },
  // Logic App Contributor
  '87a39d53-fc1b-424a-814c-f7e04687dc9e': {
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.ClassicStorage/storageAccounts/listKeys/action',
      'Microsoft.ClassicStorage/storageAccounts/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Insights/metricAlerts/*',
      'Microsoft.Insights/diagnosticSettings/*',
      'Microsoft.Insights/logdefinitions/*',
      'Microsoft.Insights/metricDefinitions/*',
      'Microsoft.Logic/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/operationresults/read',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Storage/storageAccounts/listkeys/action',
      'Microsoft.Storage/storageAccounts/read',
      'Microsoft.Support/*',
      'Microsoft.Web/connectionGateways/*',
      'Microsoft.Web/connections/*',
      'Microsoft.Web/customApis/*',
      'Microsoft.Web/serverFarms/join/action',
      'Microsoft.Web/serverFarms/read',
      'Microsoft.Web/sites/functions/listSecrets/action',
    ],
    ...none,
  },
  // Key Vault Contributor: manages vaults (access policies included), not their data.
  'f25e0fa2-a7c8-4377-a976-54943a77a395': {
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.KeyVault/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Support/*',
    ],
    notActions: [
      'Microsoft.KeyVault/locations/deletedVaults/purge/action',
      'Microsoft.KeyVault/hsmPools/*',
      'Microsoft.KeyVault/managedHsms/*',
    ],
    dataActions: [],
    notDataActions: [],
  },
  // Azure Service Bus Data Receiver
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': {
    actions: SERVICE_BUS_ENTITY_READS,
    notActions: [],
    dataActions: ['Microsoft.ServiceBus/*/receive/action'],
    notDataActions: [],
  },
  // Azure Service Bus Data Sender
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': {
    actions: SERVICE_BUS_ENTITY_READS,
    notActions: [],
    dataActions: ['Microsoft.ServiceBus/*/send/action'],
    notDataActions: [],
  },
  // Azure Event Hubs Data Receiver
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde': {
    actions: ['Microsoft.EventHub/*/eventhubs/consumergroups/read'],
    notActions: [],
    dataActions: ['Microsoft.EventHub/*/receive/action'],
    notDataActions: [],
  },
  // Azure Event Hubs Data Sender
  '2b629674-e913-4c01-ae53-ef4638d8f975': {
    actions: ['Microsoft.EventHub/*/eventhubs/read'],
    notActions: [],
    dataActions: ['Microsoft.EventHub/*/send/action'],
    notDataActions: [],
  },
  // Storage Blob Data Reader
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': {
    actions: [`${CONTAINERS}/read`, USER_DELEGATION_KEY],
    notActions: [],
    dataActions: [`${CONTAINERS}/blobs/read`],
    notDataActions: [],
  },
  // Storage Blob Data Contributor
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': {
    actions: [`${CONTAINERS}/delete`, `${CONTAINERS}/read`, `${CONTAINERS}/write`, USER_DELEGATION_KEY],
    notActions: [],
    dataActions: [
      `${CONTAINERS}/blobs/delete`,
      `${CONTAINERS}/blobs/read`,
      `${CONTAINERS}/blobs/write`,
      `${CONTAINERS}/blobs/move/action`,
      `${CONTAINERS}/blobs/add/action`,
    ],
    notDataActions: [],
  },
  // Key Vault Secrets User
  '4633458b-17de-408a-b874-0445c86b69e6': {
    actions: [],
    notActions: [],
    dataActions: [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
    notDataActions: [],
  },
  // Key Vault Secrets Officer
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': {
    actions: KEY_VAULT_READ_ACTIONS,
    notActions: [],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
    notDataActions: [],
  },
  // Key Vault Administrator
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': {
    actions: KEY_VAULT_READ_ACTIONS,
    notActions: [],
    dataActions: ['Microsoft.KeyVault/vaults/*'],
    notDataActions: [],
  },
  // Key Vault Reader
  '21090545-7ca7-4776-b22c-e363652d74d2': {
    actions: KEY_VAULT_READ_ACTIONS,
    notActions: [],
    dataActions: [
      'Microsoft.KeyVault/vaults/*/read',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
    notDataActions: [],
  },
  // Data-plane roles of the managed connectors' targets (issue 24): a separate table.
  ...DATA_PLANE_ROLE_PERMISSIONS,
};
