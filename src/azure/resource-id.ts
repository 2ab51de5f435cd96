// ARM resource ids: parsed into the parts the SDK methods take (resource group + name), and
// compared the way ARM does — case-insensitively (`az` prints `resourcegroups`, the portal
// `resourceGroups`).

export interface ResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. `Microsoft.KeyVault` */
  provider: string;
  /** e.g. `vaults`, `userAssignedIdentities` */
  type: string;
  name: string;
}

const TOP_LEVEL_RESOURCE =
  /^\/*subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)\/?$/i;

/** Parses a top-level resource id; throws when `id` is not one of `expectedType` (e.g. `Microsoft.KeyVault/vaults`). */
export function parseResourceId(id: string, expectedType: string): ResourceId {
  const match = TOP_LEVEL_RESOURCE.exec(id.trim());
  if (!match) throw new Error(`'${id}' is not an ARM resource id of type ${expectedType}`);
  const [, subscriptionId, resourceGroup, provider, type, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (`${provider}/${type}`.toLowerCase() !== expectedType.toLowerCase()) {
    throw new Error(`'${id}' is a ${provider}/${type}, not a ${expectedType}`);
  }
  return { subscriptionId, resourceGroup, provider, type, name };
}

export function sameResourceId(a: string, b: string): boolean {
  return normalizeResourceId(a) === normalizeResourceId(b);
}

/** One leading slash, no trailing slash, lower case: for comparing and keying only, never for sending. */
export function normalizeResourceId(id: string): string {
  return `/${id.trim().replace(/^\/+/, '').replace(/\/+$/, '')}`.toLowerCase();
}

export const VAULT_TYPE = 'Microsoft.KeyVault/vaults';
export const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const WORKFLOW_TYPE = 'Microsoft.Logic/workflows';

export function workflowResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${WORKFLOW_TYPE}/${name}`;
}

/** The RBAC scope of one Key Vault secret: `{vaultId}/secrets/{name}`. */
export function secretScope(vaultId: string, secretName: string): string {
  return `${vaultId.replace(/\/+$/, '')}/secrets/${secretName}`;
}
