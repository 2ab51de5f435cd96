// Azure name and ARM resource id formats, written once as RE2-compatible regular expressions
// (the API server evaluates CEL `matches` with RE2: no look-arounds, no back-references).
// The same sources compile in JavaScript with the `u` flag, so unit tests and controllers can
// check a value exactly as admission does.
//
// Sources: Azure "Naming rules and restrictions" (resource groups, vaults, user-assigned
// identities), Logic Apps Consumption name rules (1-80 chars, letters, digits, - _ . ( ) ),
// Key Vault secret names (1-127 of [0-9a-zA-Z-]).

export interface AzureFormat {
  /** Anchored RE2 / JavaScript (`u` flag) pattern. */
  readonly pattern: string;
  /** ARM ids compare case-insensitively (`az` prints `resourcegroups`, the portal `resourceGroups`). */
  readonly caseInsensitive: boolean;
  /** Upper bound for the OpenAPI maxLength: also what keeps the CEL cost estimate small. */
  readonly maxLength: number;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// Letters or digits in the Unicode sense, '_', '-', '.', '(' and ')'; 1-90; no trailing '.'.
const RESOURCE_GROUP = '[-\\w.()\\p{L}\\p{N}]{0,89}[-\\w()\\p{L}\\p{N}]';
const SCOPE = `/subscriptions/${GUID}/resourcegroups/${RESOURCE_GROUP}/providers`;

export const SUBSCRIPTION_ID: AzureFormat = { pattern: `^${GUID}$`, caseInsensitive: false, maxLength: 36 };

export const RESOURCE_GROUP_NAME: AzureFormat = {
  pattern: `^${RESOURCE_GROUP}$`,
  caseInsensitive: false,
  maxLength: 90,
};

/** Canonical region names only ("westeurope"), so immutability compares like with like. */
export const LOCATION: AzureFormat = {
  pattern: '^[a-z][a-z0-9]{1,49}$',
  caseInsensitive: false,
  maxLength: 50,
};

export const WORKFLOW_NAME: AzureFormat = {
  pattern: '^[-\\w.()]{1,80}$',
  caseInsensitive: false,
  maxLength: 80,
};

export const SECRET_NAME: AzureFormat = {
  pattern: '^[0-9a-zA-Z-]{1,127}$',
  caseInsensitive: false,
  maxLength: 127,
};

/**
 * Vault names are 3-24 letters, digits and hyphens, start with a letter, end with a letter or
 * digit, no "--". RE2 cannot count and alternate in one pattern, so the length is a second pattern.
 */
export const VAULT_ID: AzureFormat = {
  pattern: `^${SCOPE}/microsoft\\.keyvault/vaults/[a-z](-?[a-z0-9])+$`,
  caseInsensitive: true,
  maxLength: 512,
};
export const VAULT_ID_NAME_LENGTH: AzureFormat = {
  pattern: '/vaults/[a-z0-9-]{3,24}$',
  caseInsensitive: true,
  maxLength: 512,
};

/** User-assigned identity names: 3-128 letters, digits, '-' and '_', starting with a letter or digit. */
export const USER_ASSIGNED_IDENTITY_ID: AzureFormat = {
  pattern: `^${SCOPE}/microsoft\\.managedidentity/userassignedidentities/[a-z0-9][-\\w]{2,127}$`,
  caseInsensitive: true,
  maxLength: 512,
};

/** Kubernetes object names (DNS subdomain), for references to ConfigMaps and workflows. */
export const KUBERNETES_NAME: AzureFormat = {
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  caseInsensitive: false,
  maxLength: 253,
};

export const CONFIG_MAP_KEY: AzureFormat = {
  pattern: '^[-._a-zA-Z0-9]+$',
  caseInsensitive: false,
  maxLength: 253,
};

/**
 * Workflow parameter names that receive a secret URI: safe inside `@parameters('…')` and not
 * one of the `$`-prefixed names Logic Apps reserves (such as `$connections`).
 */
export const WORKFLOW_PARAMETER_NAME: AzureFormat = {
  pattern: '^[A-Za-z_][-\\w.]{0,79}$',
  caseInsensitive: false,
  maxLength: 80,
};

/** The CEL expression that checks `self` against a format. */
export function celMatches(format: AzureFormat, subject = 'self'): string {
  const flags = format.caseInsensitive ? '(?i)' : '';
  if (format.pattern.includes("'")) throw new Error(`pattern must not contain a quote: ${format.pattern}`);
  return `${subject}.matches(r'${flags}${format.pattern}')`;
}

/** The same check in JavaScript, for controllers and tests. */
export function toRegExp(format: AzureFormat): RegExp {
  return new RegExp(format.pattern, format.caseInsensitive ? 'iu' : 'u');
}
