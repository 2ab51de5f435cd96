// OpenAPI v3 + CEL schema of VaultSecretBinding: what the API server checks at admission.
// Messages name the field and the rule; the API server prefixes them with the field path.
import { celMatches, SECRET_NAME, VAULT_ID, WORKFLOW_PARAMETER_NAME } from '../azure-formats.ts';
import { enumOf, immutable, object, string, withRules } from '../schema/builders.ts';
import {
  ageColumn,
  conditionsSchema,
  customResourceDefinition,
  deletionPolicySchema,
  type KindDefinition,
  lastHandledReconcileRequestSchema,
  observedGenerationSchema,
  quotaSchema,
  readyColumns,
  workflowRefSchema,
} from '../schema/common.ts';
import type { CustomResourceDefinitionManifest, JsonSchema } from '../schema/json-schema.ts';
import {
  AccessModel,
  GrantPhase,
  type GrantRecord,
  GrantScope,
  SecretPermission,
  VAULT_SECRET_BINDING,
  type VaultSecretBindingSpec,
  type VaultSecretBindingStatus,
} from './types.ts';

const EFFECTIVE_MODELS = [AccessModel.AccessPolicy, AccessModel.RBAC];

const permissionList = (description: string): JsonSchema => ({
  type: 'array',
  description,
  maxItems: 2,
  'x-kubernetes-list-type': 'set',
  items: enumOf('get or list.', Object.values(SecretPermission)),
});

const spec = object(
  'Grants one workflow read access to one Key Vault secret.',
  {
    workflowRef: workflowRefSchema('access', 'VaultSecretBinding'),
    vaultId: string(
      'ARM resource id of the vault: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>. Immutable.',
      {
        maxLength: VAULT_ID.maxLength,
        'x-kubernetes-validations': [
          {
            rule: celMatches(VAULT_ID),
            message:
              'vaultId must be the ARM resource id of a Key Vault: /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.KeyVault/vaults/<3-24 letters (a-z, A-Z), digits and single hyphens, starting with a letter and ending with a letter or digit>',
          },
          immutable('vaultId is immutable: create a new VaultSecretBinding for another vault'),
        ],
      },
    ),
    secretName: string('Name of the secret in the vault. Immutable.', {
      minLength: 1,
      maxLength: SECRET_NAME.maxLength,
      'x-kubernetes-validations': [
        { rule: celMatches(SECRET_NAME), message: 'secretName must be 1-127 letters, digits and hyphens' },
        immutable('secretName is immutable: create a new VaultSecretBinding for another secret'),
      ],
    }),
    permissions: {
      ...permissionList(
        'Secret permissions to grant: read-only, get (default) and optionally list. list needs access policies: where the vault uses Azure RBAC it is refused (InvalidSpec), since Key Vault Secrets User on one secret cannot list the vault.',
      ),
      minItems: 1,
      default: [SecretPermission.Get],
    },
    accessModel: enumOf(
      'Auto uses RBAC when the vault has enableRbacAuthorization, else an access policy; AccessPolicy or RBAC force one.',
      Object.values(AccessModel),
      AccessModel.Auto,
    ),
    parameterName: withRules(
      string(
        "Workflow parameter that receives the secret URI, so the definition can use @parameters('<name>') instead of a hard-coded vault URL.",
        { maxLength: WORKFLOW_PARAMETER_NAME.maxLength },
      ),
      {
        rule: celMatches(WORKFLOW_PARAMETER_NAME),
        message:
          'parameterName must be 1-80 letters, digits, _, - or ., starting with a letter or _ (names starting with $ are reserved by Logic Apps)',
      },
    ),
    deletionPolicy: deletionPolicySchema,
  } satisfies Record<keyof VaultSecretBindingSpec, JsonSchema>,
  {
    required: ['workflowRef', 'vaultId', 'secretName'],
    'x-kubernetes-validations': [
      {
        // Listing applies to the whole vault (Key Vault REST "Get Secrets"); RBAC mode grants
        // Key Vault Secrets User on the one secret, which cannot list (docs/design.md).
        rule: "!(has(self.accessModel) && self.accessModel == 'RBAC' && has(self.permissions) && self.permissions.exists(p, p == 'list'))",
        message:
          'permissions list cannot be granted with accessModel RBAC: logicops assigns Key Vault Secrets User on the one secret, which reads it but cannot list the vault. Remove list, or use accessModel AccessPolicy on a vault with access policies',
        fieldPath: '.permissions',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

const grant = object(
  'Report of the grant logicops made. The ledger itself is an operator record in the operator namespace (written before the Azure write); this copy is never read back.',
  {
    phase: enumOf('Intended (recorded before the write), Granted, or Revoking.', Object.values(GrantPhase)),
    principalId: string('Principal the grant was made to.', { maxLength: 36 }),
    tenantId: string('Tenant of the principal.', { maxLength: 36 }),
    vaultId: string('Vault the grant was made on.', { maxLength: 512 }),
    accessModel: enumOf('Model used for this grant.', EFFECTIVE_MODELS),
    permissionsAdded: permissionList('Access-policy permissions logicops added.'),
    permissionsPreExisting: permissionList(
      'Access-policy permissions that were there before; never removed.',
    ),
    roleAssignmentName: string('Deterministic role-assignment name (RBAC).', { maxLength: 36 }),
    roleAssignmentScope: string('Scope of the role assignment (RBAC).', { maxLength: 1024 }),
  } satisfies Record<keyof GrantRecord, JsonSchema>,
  { required: ['phase', 'principalId', 'vaultId', 'accessModel'] },
);

const status = object('What logicops granted and observed.', {
  observedGeneration: observedGenerationSchema(),
  conditions: conditionsSchema,
  accessModel: enumOf('Effective access model.', EFFECTIVE_MODELS),
  scope: enumOf('Effective scope: Vault (access policy) or Secret (RBAC).', Object.values(GrantScope)),
  principalId: string('Principal granted.', { maxLength: 36 }),
  secretUri: string('Versionless secret URI (never the value).', { maxLength: 2048 }),
  grant,
  quota: quotaSchema,
  lastHandledReconcileRequest: lastHandledReconcileRequestSchema(),
} satisfies Record<keyof VaultSecretBindingStatus, JsonSchema>);

export const vaultSecretBindingKind: KindDefinition = {
  names: VAULT_SECRET_BINDING,
  description:
    'VaultSecretBinding says "workflow W may read secret S of vault V"; logicops grants exactly that and revokes it on delete.',
  spec,
  status,
  printerColumns: [
    ...readyColumns,
    { name: 'Model', type: 'string', jsonPath: '.status.accessModel', description: 'Effective access model' },
    { name: 'Workflow', type: 'string', jsonPath: '.spec.workflowRef.name', priority: 1 },
    { name: 'Secret', type: 'string', jsonPath: '.spec.secretName', priority: 1 },
    ageColumn,
  ],
};

export function vaultSecretBindingCrd(): CustomResourceDefinitionManifest {
  return customResourceDefinition(vaultSecretBindingKind);
}
