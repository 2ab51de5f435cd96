// The built-in Azure roles logicops knows by name: the GUID Microsoft gives each (the same in
// every subscription and cloud) and the permissions it publishes for it ("Azure built-in roles",
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles, and its category
// pages: General, Integration, Storage, Security). A WorkflowRoleAssignment names a role from
// this table, by name or id; a role that is not here (a custom role) is refused, and so is every
// role here whose actions can change authorization (role-escalation.ts). Why a table and not a
// roleDefinitions read: docs/controllers/workflow-role-assignment.md, "Roles".
//
// test/unit/azure/built-in-roles.test.ts holds this table against the emulator's definitions
// (packages/azure-emulator/src/arm/role-definitions.ts, which cite the same pages).
import { KEY_VAULT_SECRETS_USER_ROLE_ID } from './role-assignment-model.ts';

export interface BuiltInRole {
  /** roleName, as Microsoft spells it. */
  name: string;
  /** The role definition's name: a GUID. */
  id: string;
  actions: readonly string[];
  notActions: readonly string[];
  dataActions: readonly string[];
}

const SERVICE_BUS_ENTITY_READS = [
  'Microsoft.ServiceBus/*/queues/read',
  'Microsoft.ServiceBus/*/topics/read',
  'Microsoft.ServiceBus/*/topics/subscriptions/read',
];
const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const USER_DELEGATION_KEY = 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action';
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

function role(
  name: string,
  id: string,
  actions: readonly string[],
  dataActions: readonly string[] = [],
  notActions: readonly string[] = [],
): BuiltInRole {
  return { name, id, actions, notActions, dataActions };
}

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  // General. Listed so their names resolve and their refusal names them: each can change
  // authorization (Owner, User Access Administrator, Role Based Access Control Administrator)
  // or holds `*` (Contributor), so none is ever granted.
  role('Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', ['*']),
  role(
    'Contributor',
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    ['*'],
    [],
    [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
    ],
  ),
  role('User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', [
    '*/read',
    'Microsoft.Authorization/*',
    'Microsoft.Support/*',
  ]),
  role('Role Based Access Control Administrator', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', [
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.Authorization/roleAssignments/delete',
    '*/read',
    'Microsoft.Support/*',
  ]),
  role('Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', ['*/read']),
  // Integration: Service Bus and Event Hubs data roles.
  role('Azure Service Bus Data Receiver', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0', SERVICE_BUS_ENTITY_READS, [
    'Microsoft.ServiceBus/*/receive/action',
  ]),
  role('Azure Service Bus Data Sender', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39', SERVICE_BUS_ENTITY_READS, [
    'Microsoft.ServiceBus/*/send/action',
  ]),
  role(
    'Azure Event Hubs Data Receiver',
    'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
    ['Microsoft.EventHub/*/eventhubs/consumergroups/read'],
    ['Microsoft.EventHub/*/receive/action'],
  ),
  role(
    'Azure Event Hubs Data Sender',
    '2b629674-e913-4c01-ae53-ef4638d8f975',
    ['Microsoft.EventHub/*/eventhubs/read'],
    ['Microsoft.EventHub/*/send/action'],
  ),
  // Storage: blob data roles.
  role(
    'Storage Blob Data Reader',
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    [`${CONTAINERS}/read`, USER_DELEGATION_KEY],
    [`${BLOBS}/read`],
  ),
  role(
    'Storage Blob Data Contributor',
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    [`${CONTAINERS}/delete`, `${CONTAINERS}/read`, `${CONTAINERS}/write`, USER_DELEGATION_KEY],
    [`${BLOBS}/delete`, `${BLOBS}/read`, `${BLOBS}/write`, `${BLOBS}/move/action`, `${BLOBS}/add/action`],
  ),
  // Security: Key Vault data roles.
  role(
    'Key Vault Secrets User',
    KEY_VAULT_SECRETS_USER_ROLE_ID,
    [],
    [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
  ),
  role('Key Vault Reader', '21090545-7ca7-4776-b22c-e363652d74d2', KEY_VAULT_READ_ACTIONS, [
    'Microsoft.KeyVault/vaults/*/read',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  ]),
];

export function builtInRoleById(guid: string): BuiltInRole | undefined {
  const wanted = guid.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.id === wanted);
}

/** Names compare case-insensitively, with runs of spaces as one ("storage blob data reader" works). */
export function builtInRoleByName(name: string): BuiltInRole | undefined {
  const wanted = canonicalName(name);
  return BUILT_IN_ROLES.find((r) => canonicalName(r.name) === wanted);
}

function canonicalName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
