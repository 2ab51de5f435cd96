// The last check before a name becomes part of an ARM URL. Admission normally refuses these
// values, but an object can slip past it (a CRD installed by an older release, validation
// turned off, a value read from status): every gateway checks the names it puts into a path,
// so `..`, `%2e`, `a/b` or `kv?x` never reach the SDK, which would send `.`/`..` segments
// that the URL parser folds into another path (PUT .../workflows/.. is PUT .../providers/Microsoft.Logic).
import {
  type AzureFormat,
  matchesFormat,
  RESOURCE_GROUP_NAME,
  ROLE_SCOPE,
  SECRET_NAME,
  SUBSCRIPTION_ID,
  VAULT_NAME,
  WORKFLOW_NAME,
} from '../crds/azure-formats.ts';

/** A name Azure refuses: what it is, the value, and what Azure allows instead. */
export class InvalidAzureNameError extends Error {
  override readonly name = 'InvalidAzureNameError';
  constructor(
    /** e.g. `workflow name`, `resource group of spec.vaultId` */
    readonly what: string,
    readonly value: string,
    readonly allows: string,
  ) {
    super(`${what} ${quoted(value)} is not valid in Azure: ${allows}`);
  }
}

export function isInvalidAzureNameError(error: unknown): error is InvalidAzureNameError {
  return error instanceof Error && error.name === 'InvalidAzureNameError';
}

/** The value as JSON (whitespace and control characters visible), cut short if it is long. */
export function quoted(value: string): string {
  const shown = [...value].length > 100 ? `${[...value].slice(0, 100).join('')}…` : value;
  return JSON.stringify(shown);
}

/** Throws InvalidAzureNameError unless `value` is a string of `format`. */
export function checkName(format: AzureFormat, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !matchesFormat(format, value)) {
    throw new InvalidAzureNameError(what, typeof value === 'string' ? value : String(value), format.allows);
  }
}

export function checkSubscriptionId(subscriptionId: unknown): void {
  checkName(SUBSCRIPTION_ID, 'subscription id', subscriptionId);
}

export function checkResourceGroup(resourceGroup: unknown): void {
  checkName(RESOURCE_GROUP_NAME, 'resource group name', resourceGroup);
}

export function checkWorkflowRef(ref: { resourceGroup: string; name: string }): void {
  checkResourceGroup(ref.resourceGroup);
  checkName(WORKFLOW_NAME, 'workflow name', ref.name);
}

export function checkVaultRef(ref: { resourceGroup: string; name: string }): void {
  checkResourceGroup(ref.resourceGroup);
  checkName(VAULT_NAME, 'vault name', ref.name);
}

export function checkSecretName(secretName: unknown): void {
  checkName(SECRET_NAME, 'secret name', secretName);
}

const SCOPES_LOGICOPS_USES =
  'logicops assigns roles at /subscriptions/<GUID>, /subscriptions/<GUID>/resourceGroups/<resource group>, a Key Vault id, <Key Vault id>/secrets/<secret name>, or the id of a resource a WorkflowRoleAssignment names';

/**
 * A role-assignment scope goes into the URL as it is (the SDK does not encode the `{scope}`
 * parameter), so it is checked segment by segment: a subscription, a resource group, a vault,
 * one secret of a vault, or another resource in a resource group (ROLE_SCOPE: plain segments only).
 */
export function checkRoleAssignmentScope(scope: unknown): void {
  if (typeof scope !== 'string')
    throw new InvalidAzureNameError('role assignment scope', String(scope), SCOPES_LOGICOPS_USES);
  const segments = scope.split('/');
  const [empty, subscriptions, subscriptionId, ...rest] = segments;
  if (empty !== '' || subscriptions?.toLowerCase() !== 'subscriptions' || subscriptionId === undefined) {
    throw new InvalidAzureNameError('role assignment scope', scope, SCOPES_LOGICOPS_USES);
  }
  checkName(SUBSCRIPTION_ID, `subscription id of scope ${quoted(scope)}:`, subscriptionId);
  if (rest.length === 0) return;
  const [resourceGroups, resourceGroup, ...resource] = rest;
  if (resourceGroups?.toLowerCase() !== 'resourcegroups' || resourceGroup === undefined) {
    throw new InvalidAzureNameError('role assignment scope', scope, SCOPES_LOGICOPS_USES);
  }
  checkName(RESOURCE_GROUP_NAME, `resource group of scope ${quoted(scope)}:`, resourceGroup);
  if (resource.length === 0) return;
  // A WorkflowRoleAssignment's scope: any resource, each segment a plain name (ROLE_SCOPE).
  if (resource[1]?.toLowerCase() !== 'microsoft.keyvault') {
    if (!matchesFormat(ROLE_SCOPE, scope)) {
      throw new InvalidAzureNameError('role assignment scope', scope, ROLE_SCOPE.allows);
    }
    return;
  }
  const [providers, namespace, vaults, vaultName, secrets, secretName, ...beyond] = resource;
  const isVault =
    providers?.toLowerCase() === 'providers' &&
    namespace?.toLowerCase() === 'microsoft.keyvault' &&
    vaults?.toLowerCase() === 'vaults' &&
    vaultName !== undefined;
  const isSecret = secrets === undefined || (secrets.toLowerCase() === 'secrets' && secretName !== undefined);
  if (!isVault || !isSecret || beyond.length > 0) {
    throw new InvalidAzureNameError('role assignment scope', scope, SCOPES_LOGICOPS_USES);
  }
  checkName(VAULT_NAME, `vault name of scope ${quoted(scope)}:`, vaultName);
  if (secretName !== undefined) checkName(SECRET_NAME, `secret name of scope ${quoted(scope)}:`, secretName);
}
