// Every spec field that ends up in an ARM URL, with named values Azure accepts and values it
// refuses, and where each rule comes from. The unit tier runs these against the JavaScript
// patterns, the rendered CRD schema and the controllers' own check (azure-names.test.ts); the
// integration tier runs the same cases through a real API server (RE2), test/integration/crds/azure-names.test.ts.
//
// Sources (cited next to each rule below):
// [docs]   "Naming rules and restrictions for Azure resources",
//          https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
//          (version of 2023-11-20: tables for Microsoft.Logic, Microsoft.KeyVault, Microsoft.ManagedIdentity,
//          Microsoft.Resources). "Alphanumerics" there means a-z, A-Z and 0-9.
// [types]  Azure/azure-rest-api-specs specification/common-types/resource-management/v5/types.json:
//          SubscriptionIdParameter (format uuid), ResourceGroupNameParameter (^[-\w\._\(\)]+$, 1-90),
//          ScopeParameter (x-ms-skip-url-encoding: the scope goes into the URL unencoded).
// [kv]     Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/secrets.json:
//          vaultName ^[a-zA-Z0-9-]{3,24}$, secretName ^[a-zA-Z0-9-]{1,127}$.
// [logic]  Azure/azure-rest-api-specs specification/logic/resource-manager/Microsoft.Logic/stable/2019-05-01/logic.json:
//          workflowName is a plain string, no pattern.
// [msi]    Azure/azure-rest-api-specs specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json
//          (and @azure/arm-msi 2.2.0's parameters): resourceName has no pattern.
// [web]    Azure/azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/logicAppsManagementClient.json:
//          connectionName is a plain string, no pattern; [docs] has no row for Microsoft.Web/connections.
// [rfc]    RFC 3986 §5.2.4: '.' and '..' path segments are removed when a URL is resolved, so a
//          name of periods addresses another resource (PUT .../workflows/.. is PUT .../providers/Microsoft.Logic).
import type { AzureFormat } from '../../../src/crds/azure-formats.ts';
import {
  CONNECTION_NAME,
  LOCATION,
  RESOURCE_GROUP_NAME,
  SECRET_NAME,
  SUBSCRIPTION_ID,
  USER_ASSIGNED_IDENTITY_ID,
  VAULT_ID,
  WORKFLOW_NAME,
} from '../../../src/crds/azure-formats.ts';

export interface NamedValue {
  /** Test title: what the value is. */
  name: string;
  value: string;
}

export interface FieldNameRules {
  kind: 'LogicAppWorkflow' | 'VaultSecretBinding' | 'LogicAppConnection';
  /** The field path, as the API server and the controllers report it. */
  field: string;
  /** The format admission and the controllers check the field with. */
  format: AzureFormat;
  /** The rule and its sources, in words. */
  rule: string;
  valid: NamedValue[];
  invalid: NamedValue[];
}

export const GUID = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';
const KELVIN = '\u212a'; // KELVIN SIGN: folds to 'k' under (?i) in RE2 and in JavaScript's iu
const LONG_S = '\u017f'; // LATIN SMALL LETTER LONG S: folds to 's'
const CYRILLIC_O = '\u043e'; // looks like 'o'
const FULLWIDTH_A = '\uff41'; // looks like 'a'
const ZERO_WIDTH_SPACE = '\u200b';
const RTL_OVERRIDE = '\u202e';

/** Spellings that walk out of a path segment, for names whose rules forbid them. */
const traversal = (base: string): NamedValue[] => [
  { name: 'a single period (dot-segment) [rfc]', value: '.' },
  { name: 'two periods (dot-segment) [rfc]', value: '..' },
  { name: 'percent-encoded period', value: '%2e' },
  { name: 'percent-encoded dot-segment', value: '%2e%2e' },
  { name: 'a slash', value: `${base}/x` },
  { name: 'a slash and dot-segment', value: `../${base}` },
  { name: 'an encoded slash', value: `${base}%2Fx` },
  { name: 'a backslash', value: `${base}\\x` },
  { name: 'a query', value: `${base}?api-version=1` },
  { name: 'a fragment', value: `${base}#x` },
  { name: 'a leading space', value: ` ${base}` },
  { name: 'a trailing space', value: `${base} ` },
  { name: 'a tab', value: `${base}\tx` },
  { name: 'a newline', value: `${base}\nx` },
  { name: 'a zero-width space', value: `${base}${ZERO_WIDTH_SPACE}` },
  { name: 'a right-to-left override', value: `${RTL_OVERRIDE}${base}` },
  { name: 'empty', value: '' },
];

/** Unicode letters that look like (or fold to) ASCII ones, for names limited to ASCII. */
const lookalikes = (base: string): NamedValue[] => [
  { name: 'a Kelvin sign for k (folds to k under (?i))', value: `${base}${KELVIN}` },
  { name: 'a long s for s (folds to s under (?i))', value: `${base}${LONG_S}` },
  { name: 'a Cyrillic o', value: `${base}${CYRILLIC_O}` },
  { name: 'a fullwidth a', value: `${base}${FULLWIDTH_A}` },
  { name: 'an accented letter', value: `${base}é` },
];

const vaultIdWith = (vault: string, resourceGroup = 'rg-kv', subscription = GUID) =>
  `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault}`;
const identityIdWith = (identity: string, resourceGroup = 'rg-id', subscription = GUID) =>
  `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`;
const inId = (values: NamedValue[], build: (value: string) => string, where: string): NamedValue[] =>
  values.map(({ name, value }) => ({ name: `${where}: ${name}`, value: build(value) }));

export const nameRules: FieldNameRules[] = [
  {
    kind: 'LogicAppWorkflow',
    field: 'spec.subscriptionId',
    format: SUBSCRIPTION_ID,
    // [types] SubscriptionIdParameter: format uuid. The first segment of every URL the SDK builds.
    rule: 'a GUID [types]',
    valid: [
      { name: 'a lower-case GUID', value: GUID },
      { name: 'an upper-case GUID', value: GUID.toUpperCase() },
    ],
    invalid: [
      ...traversal(GUID).filter((c) => c.value !== ''),
      { name: 'a name, not a GUID', value: 'my-subscription' },
      { name: 'a GUID in braces', value: `{${GUID}}` },
      { name: 'a GUID without hyphens', value: GUID.replaceAll('-', '') },
      { name: 'a GUID one digit short', value: GUID.slice(0, -1) },
      { name: 'a GUID with a non-hex letter', value: `g${GUID.slice(1)}` },
    ],
  },
  {
    kind: 'LogicAppWorkflow',
    field: 'spec.resourceGroup',
    format: RESOURCE_GROUP_NAME,
    // [docs] resourcegroups: 1-90; underscores, hyphens, periods, parentheses, and letters or digits
    // as Char.IsLetterOrDigit defines them (Lu, Ll, Lt, Lm, Lo, Nd); can't end with period.
    // [types] ^[-\w\._\(\)]+$, 1-90: .NET's \w also admits marks and connector punctuation and
    // allows a trailing period, so the docs are stricter and win. Char.IsLetterOrDigit reads one
    // UTF-16 unit: a letter above U+FFFF is two surrogates (category Cs) and is refused (logicops
    // reads the docs this way; stricter than counting code points).
    rule: "1-90 letters (Unicode), digits, '_', '-', '.', '(' or ')', not ending with '.' [docs] (stricter than [types])",
    valid: [
      { name: 'letters, digits and every allowed symbol', value: 'rg_(prod).eu-1' },
      { name: 'one character', value: 'r' },
      { name: '90 characters', value: 'r'.repeat(90) },
      { name: 'Unicode letters (allowed for resource groups) [docs]', value: 'grüße-東京' },
      { name: 'a Cyrillic letter (a letter, so allowed) [docs]', value: `rg-pr${CYRILLIC_O}d` },
      { name: 'a period inside', value: 'rg.prod' },
    ],
    invalid: [
      ...traversal('rg'),
      { name: 'a trailing period [docs]', value: 'rg.' },
      { name: '91 characters', value: 'r'.repeat(91) },
      { name: 'a superscript digit (No, not Nd) [docs]', value: 'rg²' },
      { name: 'a combining mark (Mn) [docs]', value: 'rg\u0301' },
      { name: 'a letter above U+FFFF (two UTF-16 units)', value: 'rg\u{1d400}' },
      { name: 'an ampersand', value: 'rg&x' },
      { name: 'a percent sign', value: 'rg%' },
    ],
  },
  {
    kind: 'LogicAppWorkflow',
    field: 'spec.location',
    format: LOCATION,
    // Not a URL segment (it goes into the PUT body), but logicops compares it for immutability
    // and quota: the canonical lower-case region name, as `az account list-locations` prints it.
    rule: 'a canonical region name (logicops rule; the value goes into the body, not the URL)',
    valid: [
      { name: 'a region', value: 'westeurope' },
      { name: 'a region with a digit', value: 'eastus2' },
    ],
    invalid: [
      { name: 'the display name', value: 'West Europe' },
      { name: 'upper case', value: 'WestEurope' },
      { name: 'a slash', value: 'westeurope/..' },
      { name: 'a period', value: 'westeurope.' },
      { name: 'empty', value: '' },
    ],
  },
  {
    kind: 'LogicAppWorkflow',
    field: 'spec.azureName',
    format: WORKFLOW_NAME,
    // [docs] workflows: 1-43, alphanumerics, hyphens, underscores, periods and parenthesis (the
    // version before 2023-11-20 said 1-80; 43 is stricter and wins). [logic] has no pattern, so
    // the docs are the stricter source. logicops also refuses a trailing period (its own rule:
    // with it, '.' and '..' [rfc] cannot be spelled; Azure documents no such rule for workflows).
    rule: "1-43 a-z, A-Z, 0-9, '-', '_', '.', '(' or ')' [docs], not ending with '.' (logicops) [rfc]",
    valid: [
      { name: 'every allowed character', value: 'Orders(v2)_prod.1-' },
      { name: 'one character', value: 'a' },
      { name: '43 characters [docs]', value: 'a'.repeat(43) },
      { name: 'a period inside', value: 'orders.v2' },
      { name: 'a leading period', value: '.orders' },
    ],
    invalid: [
      ...traversal('orders'),
      ...lookalikes('orders'),
      { name: 'three periods', value: '...' },
      { name: 'a trailing period (logicops rule)', value: 'orders.' },
      { name: '44 characters (allowed before the 2023-11-20 docs) [docs]', value: 'a'.repeat(44) },
      { name: '80 characters', value: 'a'.repeat(80) },
      { name: 'a space', value: 'orders v2' },
      { name: 'a colon', value: 'orders:v2' },
    ],
  },
  {
    kind: 'LogicAppWorkflow',
    field: 'spec.identity.userAssignedIdentityId',
    format: USER_ASSIGNED_IDENTITY_ID,
    // [docs] userAssignedIdentities: 3-128, alphanumerics, hyphens and underscores, start with a
    // letter or number. [msi] has no pattern, so the docs are the stricter source. The id's
    // subscription and resource group follow the rules above.
    rule: "/subscriptions/<GUID>/resourceGroups/<resource group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<3-128 a-z, A-Z, 0-9, '-' or '_', starting with a letter or digit> [docs] [types]",
    valid: [
      { name: 'an identity id', value: identityIdWith('id-orders_1') },
      { name: 'the lower-case segments az prints', value: identityIdWith('id-orders').toLowerCase() },
      { name: 'a 3-character name [docs]', value: identityIdWith('abc') },
      { name: 'a 128-character name [docs]', value: identityIdWith('a'.repeat(128)) },
      { name: 'a name starting with a digit [docs]', value: identityIdWith('1-id') },
      { name: 'a Unicode resource group [docs]', value: identityIdWith('id-orders', 'grüße') },
    ],
    invalid: [
      ...inId(traversal('id-orders'), (v) => identityIdWith(v), 'name'),
      ...inId(lookalikes('id-orders'), (v) => identityIdWith(v), 'name'),
      { name: 'name: 2 characters [docs]', value: identityIdWith('ab') },
      { name: 'name: 129 characters [docs]', value: identityIdWith('a'.repeat(129)) },
      { name: 'name: starting with a hyphen [docs]', value: identityIdWith('-id') },
      { name: 'name: a period [docs]', value: identityIdWith('id.orders') },
      ...inId(traversal('rg'), (v) => identityIdWith('id-orders', v), 'resource group'),
      { name: 'resource group: a trailing period [docs]', value: identityIdWith('id-orders', 'rg.') },
      { name: 'subscription: not a GUID [types]', value: identityIdWith('id-orders', 'rg', 'sub') },
      {
        name: 'a long s in Microsoft',
        value: identityIdWith('id-orders').replace('Microsoft', `Micro${LONG_S}oft`),
      },
      { name: 'a vault id', value: vaultIdWith('kv-orders') },
      { name: 'a bare name', value: 'id-orders' },
      { name: 'a child path', value: `${identityIdWith('id-orders')}/extra` },
      { name: 'a trailing slash', value: `${identityIdWith('id-orders')}/` },
      {
        name: 'a doubled slash',
        value: identityIdWith('id-orders').replace('/resourceGroups/', '//resourceGroups/'),
      },
    ],
  },
  {
    kind: 'VaultSecretBinding',
    field: 'spec.vaultId',
    format: VAULT_ID,
    // [docs] vaults: 3-24, alphanumerics and hyphens; start with a letter, end with a letter or
    // digit, no consecutive hyphens. [kv] only says ^[a-zA-Z0-9-]{3,24}$: the docs are stricter and
    // win (Key Vault itself answers VaultNameNotValid with the docs' wording).
    rule: '/subscriptions/<GUID>/resourceGroups/<resource group>/providers/Microsoft.KeyVault/vaults/<3-24 a-z, A-Z, 0-9 and single hyphens, starting with a letter, ending with a letter or digit> [docs] (stricter than [kv])',
    valid: [
      { name: 'a vault id', value: vaultIdWith('kv-orders') },
      { name: 'the lower-case segments az prints', value: vaultIdWith('kv-orders').toLowerCase() },
      { name: 'a 3-character name [docs]', value: vaultIdWith('kv1') },
      { name: 'a 24-character name [docs]', value: vaultIdWith(`k${'v'.repeat(23)}`) },
      { name: 'upper-case letters [docs]', value: vaultIdWith('KV-Upper-9') },
    ],
    invalid: [
      ...inId(traversal('kv-orders'), (v) => vaultIdWith(v), 'name'),
      ...inId(lookalikes('kv-orders'), (v) => vaultIdWith(v), 'name'),
      { name: 'name: 2 characters [docs] [kv]', value: vaultIdWith('kv') },
      { name: 'name: 25 characters [docs] [kv]', value: vaultIdWith(`k${'v'.repeat(24)}`) },
      { name: 'name: starting with a digit ([kv] allows it) [docs]', value: vaultIdWith('9kv') },
      { name: 'name: starting with a hyphen ([kv] allows it) [docs]', value: vaultIdWith('-kv') },
      { name: 'name: ending with a hyphen ([kv] allows it) [docs]', value: vaultIdWith('kv-') },
      { name: 'name: two hyphens in a row ([kv] allows it) [docs]', value: vaultIdWith('kv--x') },
      { name: 'name: an underscore [docs] [kv]', value: vaultIdWith('kv_x') },
      { name: 'name: a Kelvin sign only (k→K)', value: vaultIdWith(`${KELVIN}v1`) },
      ...inId(traversal('rg'), (v) => vaultIdWith('kv-orders', v), 'resource group'),
      { name: 'resource group: a trailing period [docs]', value: vaultIdWith('kv-orders', 'rg.') },
      { name: 'subscription: not a GUID [types]', value: vaultIdWith('kv-orders', 'rg', 'sub') },
      {
        name: 'a long s in subscriptions',
        value: vaultIdWith('kv-orders').replace('subscriptions', `${LONG_S}ubscriptions`),
      },
      {
        name: 'a Kelvin sign in Microsoft.KeyVault',
        value: vaultIdWith('kv-orders').replace('KeyVault', `${KELVIN}eyVault`),
      },
      {
        name: 'another resource type',
        value: vaultIdWith('kv-orders').replace(
          'Microsoft.KeyVault/vaults',
          'Microsoft.Storage/storageAccounts',
        ),
      },
      { name: 'an identity id', value: identityIdWith('id-orders') },
      { name: 'a secret under the vault', value: `${vaultIdWith('kv-orders')}/secrets/s` },
      { name: 'a trailing slash', value: `${vaultIdWith('kv-orders')}/` },
      { name: 'a bare name', value: 'kv-orders' },
    ],
  },
  {
    kind: 'VaultSecretBinding',
    field: 'spec.secretName',
    format: SECRET_NAME,
    // [docs] vaults / secrets: 1-127, alphanumerics and hyphens. [kv] ^[a-zA-Z0-9-]{1,127}$: the same rule.
    rule: '1-127 a-z, A-Z, 0-9 and hyphens [docs] [kv]',
    valid: [
      { name: 'letters, digits and hyphens', value: 'partner-api-key-2' },
      { name: 'one character', value: 'k' },
      { name: '127 characters [docs] [kv]', value: 's'.repeat(127) },
      { name: 'a leading hyphen (allowed) [docs] [kv]', value: '-key' },
      { name: 'consecutive hyphens (allowed) [docs] [kv]', value: 'api--key' },
    ],
    invalid: [
      ...traversal('api-key'),
      ...lookalikes('api-key'),
      { name: '128 characters [docs] [kv]', value: 's'.repeat(128) },
      { name: 'an underscore [docs] [kv]', value: 'api_key' },
      { name: 'a period [docs] [kv]', value: 'api.key' },
      { name: 'a secret version path', value: 'api-key/0123456789abcdef' },
    ],
  },
  {
    kind: 'LogicAppConnection',
    field: 'spec.azureName',
    format: CONNECTION_NAME,
    // [web] has no pattern and [docs] no row for connections: logicops holds connection names to
    // the workflow's characters [docs] with ARM's usual 80 characters, not ending with '.' [rfc]
    // (its own, conservative rule: what it sends is a name Azure and a URL both take as it is).
    rule: "1-80 a-z, A-Z, 0-9, '-', '_', '.', '(' or ')', not ending with '.' (logicops) [web] [rfc]",
    valid: [
      { name: 'every allowed character', value: 'Orders_Bus(prod).1-' },
      { name: 'one character', value: 'a' },
      { name: '80 characters', value: 'c'.repeat(80) },
    ],
    invalid: [
      ...traversal('orders-bus'),
      ...lookalikes('orders-bus'),
      { name: 'a trailing period (logicops rule)', value: 'orders-bus.' },
      { name: '81 characters', value: 'c'.repeat(81) },
      { name: 'a colon', value: 'orders:bus' },
    ],
  },
];
