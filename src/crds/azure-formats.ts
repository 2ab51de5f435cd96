// Azure name and ARM resource id formats, written once. Admission renders them as CEL
// `matches` rules (RE2), the operator checks every value with the same patterns in JavaScript
// before any of them becomes part of a URL (src/azure/arm-names.ts), and the emulator refuses
// what they refuse. The tests in test/unit/crds/azure-name-cases.ts cite the Microsoft source of
// each rule.
//
// Two dialect traps are avoided on purpose:
// - No `(?i)`: RE2 (and JavaScript's `iu`) fold case with Unicode's full orbits, so `(?i)[a-z]`
//   also matches the Kelvin sign (U+212A) and the long s (U+017F), letters Azure refuses in vault,
//   identity and workflow names. The case-insensitive parts of an ARM id (`resourceGroups` or
//   `resourcegroups`) are spelled out letter by letter instead.
// - Code points above U+FFFF are written `\x{…}` (RE2); toRegExp turns them into `\u{…}`.

export interface AzureFormat {
  /**
   * Anchored (or end-anchored) patterns a value must match, every one of them: RE2 cannot count
   * and alternate in one pattern, so a length bound can be its own pattern.
   */
  readonly patterns: readonly string[];
  /** Bounds for the OpenAPI schema; also what keeps the CEL cost estimate small. */
  readonly minLength: number;
  readonly maxLength: number;
  /** What Azure allows, in words: the end of every message about this format. */
  readonly allows: string;
}

/** `resourceGroups` → `[rR][eE]…`: ARM compares these segments case-insensitively, without Unicode folding. */
export function anyCase(literal: string): string {
  return [...literal]
    .map((c) => {
      if (c === '.') return '\\.';
      const lower = c.toLowerCase();
      const upper = c.toUpperCase();
      return lower === upper ? c : `[${lower}${upper}]`;
    })
    .join('');
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

// Resource groups: '_', '-', '.', '(', ')' and letters or digits as Char.IsLetterOrDigit sees
// them (Unicode categories Lu, Ll, Lt, Lm, Lo = \p{L}, and Nd), 1-90, not ending with '.'.
// `\w` is ASCII in RE2 and in JavaScript without the `i` flag.
const RG_CHAR = '[-\\w.()\\p{L}\\p{Nd}]';
const RG_LAST = '[-\\w()\\p{L}\\p{Nd}]';
const RESOURCE_GROUP = `${RG_CHAR}{0,89}${RG_LAST}`;
/**
 * Char.IsLetterOrDigit looks at one UTF-16 unit: a letter above U+FFFF is two surrogates
 * (category Cs) to Azure, so it is refused, and would count twice towards 90.
 */
const BASIC_PLANE_ONLY = '^[^\\x{10000}-\\x{10FFFF}]*$';

const VAULT_NAME_SHAPE = '[a-zA-Z](-?[a-zA-Z0-9])+';
const IDENTITY_NAME_SHAPE = '[a-zA-Z0-9][-\\w]{2,127}';

const SCOPE = `/${anyCase('subscriptions')}/${GUID}/${anyCase('resourceGroups')}/${RESOURCE_GROUP}/${anyCase('providers')}`;

export const SUBSCRIPTION_ID: AzureFormat = {
  patterns: [`^${GUID}$`],
  minLength: 36,
  maxLength: 36,
  allows: 'a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000',
};

/** Role assignment names (Microsoft.Authorization/roleAssignments): a GUID. */
export const ROLE_ASSIGNMENT_NAME: AzureFormat = {
  patterns: [`^${GUID}$`],
  minLength: 36,
  maxLength: 36,
  allows: 'a role assignment name is a GUID',
};

export const RESOURCE_GROUP_NAME: AzureFormat = {
  patterns: [`^${RESOURCE_GROUP}$`, BASIC_PLANE_ONLY],
  minLength: 1,
  maxLength: 90,
  allows: "resource group names are 1-90 letters, digits, '_', '-', '.', '(' or ')' and do not end with '.'",
};

/** Canonical region names only ("westeurope"), so immutability compares like with like. */
export const LOCATION: AzureFormat = {
  patterns: ['^[a-z][a-z0-9]{1,49}$'],
  minLength: 2,
  maxLength: 50,
  allows: 'a location is a region name in lower case without spaces, such as westeurope',
};

/**
 * Consumption workflows: 1-43 ASCII letters, digits, '-', '_', '.', '(' and ')'. logicops also
 * refuses a trailing '.', which makes '.' and '..' (URL dot-segments) impossible.
 */
export const WORKFLOW_NAME: AzureFormat = {
  patterns: ['^[-\\w.()]{0,42}[-\\w()]$'],
  minLength: 1,
  maxLength: 43,
  allows:
    "workflow names are 1-43 letters (a-z, A-Z), digits, '-', '_', '.', '(' or ')' and do not end with '.'",
};

/**
 * A trigger name of a workflow definition, as it goes into a callback-URL path: at most 80
 * characters (Microsoft Learn, "Limits and configuration reference for Azure Logic Apps": action
 * or trigger name, 80 characters). The SDK percent-encodes path values, so only what would
 * still change the path is refused: `/`, `\`, `?`, `#`, `%`, control characters, and names of
 * periods only (RFC 3986 dot segments).
 */
export const TRIGGER_NAME: AzureFormat = {
  patterns: ['^[^\\p{Cc}/\\\\?#%]*[^\\p{Cc}/\\\\?#%.][^\\p{Cc}/\\\\?#%]*$'],
  minLength: 1,
  maxLength: 80,
  allows:
    "trigger names are 1-80 characters, not only periods, without '/', '\\', '?', '#', '%' or control characters",
};

/**
 * API connections (Microsoft.Web/connections). The 2016-06-01 REST spec
 * (logicAppsManagementClient.json) types `connectionName` as a plain string, and Microsoft
 * Learn's "Naming rules and restrictions for Azure resources" has no row for it: logicops
 * holds it to the workflow's character set with the 80 characters ARM's resource names
 * generally allow (its own, conservative rule), so every name it sends is one Azure and a
 * URL both take as it is.
 */
export const CONNECTION_NAME: AzureFormat = {
  patterns: ['^[-\\w.()]{0,79}[-\\w()]$'],
  minLength: 1,
  maxLength: 80,
  allows:
    "connection names are 1-80 letters (a-z, A-Z), digits, '-', '_', '.', '(' or ')' and do not end with '.'",
};

export const VAULT_NAME: AzureFormat = {
  patterns: [`^${VAULT_NAME_SHAPE}$`, '^[a-zA-Z0-9-]{3,24}$'],
  minLength: 3,
  maxLength: 24,
  allows:
    'vault names are 3-24 letters (a-z, A-Z), digits and hyphens, start with a letter, end with a letter or digit and have no two hyphens in a row',
};

export const SECRET_NAME: AzureFormat = {
  patterns: ['^[0-9a-zA-Z-]{1,127}$'],
  minLength: 1,
  maxLength: 127,
  allows: 'secret names are 1-127 letters (a-z, A-Z), digits and hyphens',
};

export const USER_ASSIGNED_IDENTITY_NAME: AzureFormat = {
  patterns: [`^${IDENTITY_NAME_SHAPE}$`],
  minLength: 3,
  maxLength: 128,
  allows:
    "user-assigned identity names are 3-128 letters (a-z, A-Z), digits, '-' and '_', starting with a letter or digit",
};

export const VAULT_ID: AzureFormat = {
  patterns: [
    `^${SCOPE}/${anyCase('Microsoft.KeyVault')}/${anyCase('vaults')}/${VAULT_NAME_SHAPE}$`,
    `/${anyCase('vaults')}/[a-zA-Z0-9-]{3,24}$`,
    BASIC_PLANE_ONLY,
  ],
  minLength: 1,
  maxLength: 512,
  allows: `a vault id is /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.KeyVault/vaults/<vault name>, where ${RESOURCE_GROUP_NAME.allows} and ${VAULT_NAME.allows}`,
};

export const USER_ASSIGNED_IDENTITY_ID: AzureFormat = {
  patterns: [
    `^${SCOPE}/${anyCase('Microsoft.ManagedIdentity')}/${anyCase('userAssignedIdentities')}/${IDENTITY_NAME_SHAPE}$`,
    BASIC_PLANE_ONLY,
  ],
  minLength: 1,
  maxLength: 512,
  allows: `a user-assigned identity id is /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<identity name>, where ${RESOURCE_GROUP_NAME.allows} and ${USER_ASSIGNED_IDENTITY_NAME.allows}`,
};

/**
 * The scope of a WorkflowRoleAssignment: one resource (or a child resource) in a resource group,
 * such as a Service Bus queue or a storage container. Each segment starts with a letter or digit
 * and is a plain name (letters, digits, '-', '_', '.', '(' and ')'), so no `.`/`..` segment, no
 * `?`, `#`, `%` or space can reach a URL: the scope goes into the role-assignment URL as it is.
 */
const SCOPE_NAME = '[a-zA-Z0-9]([-\\w.()]{0,258}[-\\w()])?';
const SCOPE_PROVIDER = '[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)+';
const SCOPE_TYPE = '[a-zA-Z][a-zA-Z0-9]{0,79}';
export const ROLE_SCOPE: AzureFormat = {
  patterns: [
    `^${SCOPE}/${SCOPE_PROVIDER}/${SCOPE_TYPE}/${SCOPE_NAME}(/${SCOPE_TYPE}/${SCOPE_NAME})*$`,
    BASIC_PLANE_ONLY,
  ],
  minLength: 1,
  maxLength: 1024,
  allows: `a scope is the ARM id of a resource: /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/<Provider.Namespace>/<type>/<name>, optionally followed by /<child type>/<name> pairs (a queue, a container), where ${RESOURCE_GROUP_NAME.allows} and every name starts with a letter or digit and is letters, digits, '-', '_', '.', '(' or ')'`,
};

/**
 * A role: a built-in role's name as Microsoft publishes it ("Azure Service Bus Data Receiver"),
 * or a role definition id (its GUID, or /subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<GUID>).
 */
export const ROLE: AzureFormat = {
  patterns: [
    `^([a-zA-Z][-a-zA-Z0-9 ().]{0,127}|${GUID}|(/${anyCase('subscriptions')}/${GUID})?/${anyCase('providers')}/${anyCase('Microsoft.Authorization')}/${anyCase('roleDefinitions')}/${GUID})$`,
  ],
  minLength: 1,
  maxLength: 256,
  allows:
    'a role is a built-in role name (letters, digits, spaces, -, ( ) and .), a role definition GUID, or /subscriptions/<subscription GUID>/providers/Microsoft.Authorization/roleDefinitions/<GUID>',
};

/** Kubernetes object names (DNS subdomain), for references to ConfigMaps and workflows. */
export const KUBERNETES_NAME: AzureFormat = {
  patterns: ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'],
  minLength: 1,
  maxLength: 253,
  allows: 'a Kubernetes name is lower-case letters, digits, - and .',
};

export const CONFIG_MAP_KEY: AzureFormat = {
  patterns: ['^[-._a-zA-Z0-9]+$'],
  minLength: 1,
  maxLength: 253,
  allows: 'a ConfigMap key is letters, digits, -, _ and .',
};

/**
 * Workflow parameter names that receive a secret URI: safe inside `@parameters('…')` and not
 * one of the `$`-prefixed names Logic Apps reserves (such as `$connections`).
 */
export const WORKFLOW_PARAMETER_NAME: AzureFormat = {
  patterns: ['^[A-Za-z_][-\\w.]{0,79}$'],
  minLength: 1,
  maxLength: 80,
  allows: 'a parameter name is 1-80 letters, digits, _, - or ., starting with a letter or _',
};

/** The CEL expression that checks `subject` against every pattern of a format. */
export function celMatches(format: AzureFormat, subject = 'self'): string {
  return format.patterns
    .map((pattern) => {
      if (pattern.includes("'")) throw new Error(`pattern must not contain a quote: ${pattern}`);
      return `${subject}.matches(r'${pattern}')`;
    })
    .join(' && ');
}

/** One pattern in JavaScript (`u` flag: `\p{…}` and code points, as RE2 reads them). */
export function toRegExp(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\\x\{/g, '\\u{'), 'u');
}

const compiled = new Map<string, RegExp>();

/** The same check admission makes, in JavaScript: length in code points, then every pattern. */
export function matchesFormat(format: AzureFormat, value: string): boolean {
  const length = [...value].length;
  if (length < format.minLength || length > format.maxLength) return false;
  return format.patterns.every((pattern) => {
    let re = compiled.get(pattern);
    if (!re) {
      re = toRegExp(pattern);
      compiled.set(pattern, re);
    }
    return re.test(value);
  });
}
