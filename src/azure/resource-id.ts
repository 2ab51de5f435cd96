// ARM resource ids: parsed into the parts the SDK methods take (resource group + name), and
// compared the way ARM does — case-insensitively (`az` prints `resourcegroups`, the portal
// `resourceGroups`). Parsing checks each part against Azure's naming rules, since the parts
// become URL segments.
import {
  type AzureFormat,
  matchesFormat,
  RESOURCE_GROUP_NAME,
  SUBSCRIPTION_ID,
  USER_ASSIGNED_IDENTITY_ID,
  USER_ASSIGNED_IDENTITY_NAME,
  VAULT_ID,
  VAULT_NAME,
  WORKFLOW_NAME,
} from '../crds/azure-formats.ts';
import { checkName, checkSecretName, InvalidAzureNameError, quoted } from './arm-names.ts';

export interface ResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. `Microsoft.KeyVault` */
  provider: string;
  /** e.g. `vaults`, `userAssignedIdentities` */
  type: string;
  name: string;
}

/**
 * The three segments ARM matches case-insensitively, and one segment per part. `i` without `u`
 * folds ASCII only, so `ſubscriptions` (long s) or a Kelvin-sign `K` is not `subscriptions`.
 */
const TOP_LEVEL_RESOURCE =
  /^\/subscriptions\/([^/]*)\/resourceGroups\/([^/]*)\/providers\/([^/]*)\/([^/]*)\/([^/]*)$/i;

export const VAULT_TYPE = 'Microsoft.KeyVault/vaults';
export const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const WORKFLOW_TYPE = 'Microsoft.Logic/workflows';

/** The resource types logicops parses, the word for each, and Azure's rule for its name. */
const TYPES: Record<string, { noun: string; id: AzureFormat | undefined; name: AzureFormat }> = {
  [VAULT_TYPE.toLowerCase()]: { noun: 'vault', id: VAULT_ID, name: VAULT_NAME },
  [USER_ASSIGNED_IDENTITY_TYPE.toLowerCase()]: {
    noun: 'user-assigned identity',
    id: USER_ASSIGNED_IDENTITY_ID,
    name: USER_ASSIGNED_IDENTITY_NAME,
  },
  [WORKFLOW_TYPE.toLowerCase()]: { noun: 'workflow', id: undefined, name: WORKFLOW_NAME },
};

/**
 * Parses a top-level resource id of `expectedType` (e.g. `Microsoft.KeyVault/vaults`) and checks
 * every part against Azure's naming rules. Throws InvalidAzureNameError, naming the part that is
 * wrong and what Azure allows, for anything else: these parts go into URLs as they are.
 */
export function parseResourceId(id: string, expectedType: string): ResourceId {
  const kind = TYPES[expectedType.toLowerCase()];
  if (!kind) throw new Error(`logicops does not parse ids of type ${expectedType}`);
  const shape = `/subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/${expectedType}/<name>`;
  const match = TOP_LEVEL_RESOURCE.exec(id);
  if (!match) throw new InvalidAzureNameError(`${kind.noun} id`, id, `an id of this type is ${shape}`);
  const [, subscriptionId, resourceGroup, provider, type, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (`${provider}/${type}`.toLowerCase() !== expectedType.toLowerCase()) {
    throw new InvalidAzureNameError(
      `${kind.noun} id`,
      id,
      `it is a ${provider}/${type}, not a ${expectedType}: an id of this type is ${shape}`,
    );
  }
  checkName(SUBSCRIPTION_ID, `subscription id of ${kind.noun} id ${quoted(id)}:`, subscriptionId);
  checkName(RESOURCE_GROUP_NAME, `resource group of ${kind.noun} id ${quoted(id)}:`, resourceGroup);
  checkName(kind.name, `${kind.noun} name of ${kind.noun} id ${quoted(id)}:`, name);
  // The parts are right; the whole must also be what admission accepts (one format, one truth).
  if (kind.id && !matchesFormat(kind.id, id)) {
    throw new InvalidAzureNameError(`${kind.noun} id`, id, kind.id.allows);
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

export function workflowResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${WORKFLOW_TYPE}/${name}`;
}

/** The RBAC scope of one Key Vault secret: `{vaultId}/secrets/{name}`, a URL path: both parts are checked. */
export function secretScope(vaultId: string, secretName: string): string {
  parseResourceId(vaultId, VAULT_TYPE);
  checkSecretName(secretName);
  return `${vaultId}/secrets/${secretName}`;
}
