// Every admission rule of VaultSecretBinding with accepted and rejected variants.
import { binding, SUBSCRIPTION, VAULT_ID } from '../support/fixtures.ts';
import { deletionPolicyRule, type RuleCase, repeat, workflowRefNameRule } from './rule-case.ts';

const base = () => binding('rules');
const vault = (name: string) => VAULT_ID.replace(/vaults\/.*$/, `vaults/${name}`);

export const bindingRules: RuleCase[] = [
  workflowRefNameRule(base),
  {
    rule: 'vaultId is a Key Vault ARM id',
    base,
    accepted: [
      (o) => (o.spec.vaultId = vault('kv1')),
      (o) => (o.spec.vaultId = vault(`k${repeat('v', 23)}`)),
      (o) =>
        (o.spec.vaultId = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-secrets/providers/microsoft.keyvault/vaults/KV-Partner-1`),
    ],
    rejected: [
      (o) => (o.spec.vaultId = 'https://kv-partner-keys.vault.azure.net'),
      (o) => (o.spec.vaultId = vault('kv')),
      (o) => (o.spec.vaultId = vault(`k${repeat('v', 24)}`)),
      (o) => (o.spec.vaultId = vault('kv--partner')),
      (o) => (o.spec.vaultId = vault('1kv')),
      (o) => (o.spec.vaultId = vault('kv-partner-')),
      (o) => (o.spec.vaultId = `${VAULT_ID}/secrets/partner-api-key`),
      (o) => (o.spec.vaultId = VAULT_ID.replace(SUBSCRIPTION, 'not-a-guid')),
      (o) => (o.spec.vaultId = vault('..')),
      (o) => (o.spec.vaultId = vault('\u212av1')),
    ],
    field: 'spec.vaultId',
    message:
      'vaultId must be the ARM resource id of a Key Vault: /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.KeyVault/vaults/<3-24 letters (a-z, A-Z), digits and single hyphens, starting with a letter and ending with a letter or digit>',
  },
  {
    rule: 'secretName is 1-127 of [0-9a-zA-Z-]',
    base,
    accepted: [(o) => (o.spec.secretName = repeat('s', 127)), (o) => (o.spec.secretName = 'A-1')],
    rejected: [
      (o) => (o.spec.secretName = 'partner_api_key'),
      (o) => (o.spec.secretName = 'partner.key'),
      (o) => (o.spec.secretName = '..'),
    ],
    field: 'spec.secretName',
    message: 'secretName must be 1-127 letters, digits and hyphens',
  },
  {
    rule: 'secretName is at most 127 characters',
    base,
    accepted: [(o) => (o.spec.secretName = repeat('s', 127))],
    rejected: [(o) => (o.spec.secretName = repeat('s', 128))],
    field: 'spec.secretName',
    message: 'Too long: may not be more than 127 bytes',
  },
  {
    rule: 'secretName is not empty',
    base,
    accepted: [(o) => (o.spec.secretName = 's')],
    rejected: [(o) => (o.spec.secretName = '')],
    field: 'spec.secretName',
    message: 'spec.secretName in body should be at least 1 chars long',
  },
  {
    rule: 'permissions are read-only (get, list)',
    base,
    accepted: [(o) => (o.spec.permissions = ['get', 'list']), (o) => (o.spec.permissions = ['list'])],
    rejected: [(o) => (o.spec.permissions = ['get', 'set'])],
    field: 'spec.permissions[1]',
    message: 'Unsupported value: "set": supported values: "get", "list"',
  },
  {
    rule: 'permissions have no duplicates',
    base,
    accepted: [(o) => (o.spec.permissions = ['list', 'get'])],
    rejected: [(o) => (o.spec.permissions = ['get', 'get'])],
    field: 'spec.permissions[1]',
    message: 'Duplicate value: "get"',
  },
  {
    rule: 'permissions are not empty',
    base,
    accepted: [(o) => (o.spec.permissions = ['get'])],
    rejected: [(o) => (o.spec.permissions = [])],
    field: 'spec.permissions',
    message: 'spec.permissions in body should have at least 1 items',
  },
  {
    rule: 'list is not asked for with accessModel RBAC (Secrets User on one secret cannot list the vault)',
    base,
    accepted: [
      (o) => Object.assign(o.spec, { accessModel: 'RBAC', permissions: ['get'] }),
      (o) => Object.assign(o.spec, { accessModel: 'AccessPolicy', permissions: ['get', 'list'] }),
      (o) => Object.assign(o.spec, { accessModel: 'Auto', permissions: ['get', 'list'] }),
    ],
    rejected: [
      (o) => Object.assign(o.spec, { accessModel: 'RBAC', permissions: ['get', 'list'] }),
      (o) => Object.assign(o.spec, { accessModel: 'RBAC', permissions: ['list'] }),
    ],
    field: 'spec.permissions',
    message:
      'permissions list cannot be granted with accessModel RBAC: logicops assigns Key Vault Secrets User on the one secret, which reads it but cannot list the vault. Remove list, or use accessModel AccessPolicy on a vault with access policies',
  },
  {
    rule: 'accessModel is Auto, AccessPolicy or RBAC',
    base,
    accepted: [(o) => (o.spec.accessModel = 'RBAC'), (o) => (o.spec.accessModel = 'AccessPolicy')],
    rejected: [(o) => (o.spec.accessModel = 'Rbac')],
    field: 'spec.accessModel',
    message: 'Unsupported value: "Rbac": supported values: "Auto", "AccessPolicy", "RBAC"',
  },
  {
    rule: 'parameterName is usable in @parameters() and not reserved',
    base,
    accepted: [
      (o) => (o.spec.parameterName = 'partnerApiKeyUri'),
      (o) => (o.spec.parameterName = '_key.uri-1'),
    ],
    rejected: [
      (o) => (o.spec.parameterName = '$connections'),
      (o) => (o.spec.parameterName = "key')"),
      (o) => (o.spec.parameterName = '1key'),
    ],
    field: 'spec.parameterName',
    message:
      'parameterName must be 1-80 letters, digits, _, - or ., starting with a letter or _ (names starting with $ are reserved by Logic Apps)',
  },
  deletionPolicyRule(base),
];
