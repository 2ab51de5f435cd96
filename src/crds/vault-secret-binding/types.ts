// TypeScript view of a VaultSecretBinding. schema.ts types its `properties` against these
// interfaces, so a field added here without a schema (or the reverse) fails the typecheck.
import type { KindNames } from '../api-group.ts';
import type { Condition, DeletionPolicy, ObjectMeta, QuotaUsage } from '../common-types.ts';

export const VAULT_SECRET_BINDING: KindNames = {
  kind: 'VaultSecretBinding',
  listKind: 'VaultSecretBindingList',
  plural: 'vaultsecretbindings',
  singular: 'vaultsecretbinding',
  shortNames: ['vsb'],
};
export const VAULT_SECRET_BINDING_KIND = 'VaultSecretBinding';
export const VAULT_SECRET_BINDING_PLURAL = 'vaultsecretbindings';

/** Read-only by construction: nothing else can be granted. */
export const SecretPermission = { Get: 'get', List: 'list' } as const;
export type SecretPermission = (typeof SecretPermission)[keyof typeof SecretPermission];

export const AccessModel = { Auto: 'Auto', AccessPolicy: 'AccessPolicy', RBAC: 'RBAC' } as const;
export type AccessModel = (typeof AccessModel)[keyof typeof AccessModel];
/** What Auto resolved to. */
export type EffectiveAccessModel = Exclude<AccessModel, 'Auto'>;

/** Vault for access policies (vault-wide), Secret for an RBAC assignment on the one secret. */
export const GrantScope = { Vault: 'Vault', Secret: 'Secret' } as const;
export type GrantScope = (typeof GrantScope)[keyof typeof GrantScope];

/** Write-ahead state of the grant: Intended is recorded before the Azure write. */
export const GrantPhase = { Intended: 'Intended', Granted: 'Granted', Revoking: 'Revoking' } as const;
export type GrantPhase = (typeof GrantPhase)[keyof typeof GrantPhase];

export interface WorkflowReference {
  /** A LogicAppWorkflow in the binding's own namespace. */
  name: string;
}

export interface VaultSecretBindingSpec {
  workflowRef: WorkflowReference;
  vaultId: string;
  secretName: string;
  permissions: SecretPermission[];
  accessModel: AccessModel;
  parameterName?: string;
  deletionPolicy: DeletionPolicy;
}

/** The ledger of what logicops granted, so revocation removes exactly that and nothing else. */
export interface GrantRecord {
  phase: GrantPhase;
  principalId: string;
  tenantId?: string;
  vaultId: string;
  accessModel: EffectiveAccessModel;
  /** Access-policy mode: permissions logicops added to the principal's entry. */
  permissionsAdded?: SecretPermission[];
  /** Access-policy mode: permissions the entry already had; never removed by logicops. */
  permissionsPreExisting?: SecretPermission[];
  /** RBAC mode: the deterministic (UUIDv5) role-assignment name. */
  roleAssignmentName?: string;
  /** RBAC mode: the scope the role was assigned at (the secret). */
  roleAssignmentScope?: string;
}

export interface VaultSecretBindingStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  accessModel?: EffectiveAccessModel;
  scope?: GrantScope;
  principalId?: string;
  /** Versionless secret URI (`https://<vault>.vault.azure.net/secrets/<name>`), never its value. */
  secretUri?: string;
  grant?: GrantRecord;
  quota?: QuotaUsage[];
  lastHandledReconcileRequest?: string;
}

export interface VaultSecretBinding {
  apiVersion: 'logicops.io/v1alpha1';
  kind: 'VaultSecretBinding';
  metadata: ObjectMeta;
  spec: VaultSecretBindingSpec;
  status?: VaultSecretBindingStatus;
}
