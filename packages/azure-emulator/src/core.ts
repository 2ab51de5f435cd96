// What every handler needs: the state store, the token signer, the configuration and the
// directory operations shared by several resource types.

import { VaultReadLag } from './faults/vault-read-lag.ts';
import { newGuid } from './ids.ts';
import type { PermissionCasing } from './permission-casing.ts';
import type { RateLimits } from './rate-limits.ts';
import type { PrincipalRecord, StateStore, SubscriptionRecord } from './state.ts';
import type { Telemetry } from './telemetry.ts';
import type { TokenSigner } from './tokens.ts';

export interface EmulatorLimits {
  /** Entries in one vault's access-policy list (Key Vault: 1,024). */
  accessPoliciesPerVault: number;
  /** Role assignments per subscription (Azure RBAC: 4,000). */
  roleAssignmentsPerSubscription: number;
}

export const DEFAULT_LIMITS: EmulatorLimits = {
  accessPoliciesPerVault: 1024,
  roleAssignmentsPerSubscription: 4000,
};

export interface EmulatorConfig {
  /** Items per page in ARM list responses before a `nextLink` is returned. */
  pageSize: number;
  tokenLifetimeSeconds: number;
  limits: EmulatorLimits;
  /** The `vaultUri` reported for a vault; the data plane answers for `{name}.vault.<any domain>`. */
  vaultUri: (vaultName: string) => string;
  /** How access-policy permissions are stored and returned (arm/access-policies.ts). */
  permissionCasing: PermissionCasing;
}

export class EmulatorCore {
  /**
   * Replication lag of new principals (fault, default 0): for this long after creation a
   * principal is invisible to directory lookups (role assignments, token issuance).
   */
  replicationLagSeconds = 0;
  /**
   * A role assignment with `principalType: ServicePrincipal` skips the directory lookup, but for
   * a principal still replicating it can fail all the same (fault, default off).
   */
  replicationLagIgnoresPrincipalType = false;
  /** Key Vault data plane: a new grant (access policy or role assignment) takes effect after this long. */
  grantPropagationSeconds = 0;
  /** Lifetime of the access tokens issued from now on; starts at the configured value, faults may change it. */
  tokenLifetimeSeconds: number;
  /** Key Vault reads that lag behind access-policy writes (fault `vaultReadLag`, default off). */
  readonly vaultReadLag: VaultReadLag;

  constructor(
    readonly store: StateStore,
    readonly signer: TokenSigner,
    readonly config: EmulatorConfig,
    readonly telemetry: Telemetry,
    readonly rateLimits: RateLimits,
    readonly now: () => number = Date.now,
  ) {
    this.tokenLifetimeSeconds = config.tokenLifetimeSeconds;
    this.vaultReadLag = new VaultReadLag(now);
  }

  get state() {
    return this.store.state;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Creates a managed-identity service principal (new object and client ids, unless a seed names them). */
  createManagedPrincipal(
    kind: 'SystemAssigned' | 'UserAssigned',
    resourceId: string,
    displayName: string,
    ids: { objectId?: string; clientId?: string } = {},
  ) {
    const principal: PrincipalRecord = {
      objectId: (ids.objectId ?? newGuid()).toLowerCase(),
      clientId: (ids.clientId ?? newGuid()).toLowerCase(),
      principalType: 'ServicePrincipal',
      kind,
      displayName,
      resourceId,
      tenantId: this.tenantOfResource(resourceId),
      createdAt: this.nowIso(),
    };
    this.state.principals[principal.objectId] = principal;
    return principal;
  }

  /** Removes a principal from the directory. Grants that name it stay behind, as in Azure. */
  deletePrincipal(objectId: string): void {
    delete this.state.principals[objectId.toLowerCase()];
  }

  /** A directory lookup: principals still replicating (see replicationLagSeconds) are not found. */
  findPrincipal(objectId: string): PrincipalRecord | undefined {
    const principal = this.state.principals[objectId.toLowerCase()];
    return principal && !this.isReplicating(principal) ? principal : undefined;
  }

  findPrincipalByClientId(clientId: string): PrincipalRecord | undefined {
    const wanted = clientId.toLowerCase();
    const principal = Object.values(this.state.principals).find((p) => p.clientId?.toLowerCase() === wanted);
    return principal && !this.isReplicating(principal) ? principal : undefined;
  }

  /** True when the principal exists but is younger than the replication lag. */
  isReplicating(principal: PrincipalRecord): boolean {
    if (this.replicationLagSeconds <= 0) return false;
    return this.now() - Date.parse(principal.createdAt) < this.replicationLagSeconds * 1000;
  }

  /** True when `objectId` exists but a lookup misses it because of replication lag. */
  hiddenByReplicationLag(objectId: string): boolean {
    const principal = this.state.principals[objectId.toLowerCase()];
    return principal !== undefined && this.isReplicating(principal);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscription(subscriptionId) !== undefined;
  }

  subscription(subscriptionId: string): SubscriptionRecord | undefined {
    return this.state.subscriptions[subscriptionId.toLowerCase()];
  }

  /** The tenant a subscription trusts; the default tenant for an unknown one. */
  tenantOfSubscription(subscriptionId: string | undefined): string {
    return (subscriptionId && this.subscription(subscriptionId)?.tenantId) || this.state.tenantId;
  }

  /** The tenant a resource lives in: that of the subscription in its ARM id (the default tenant otherwise). */
  tenantOfResource(resourceId: string): string {
    return this.tenantOfSubscription(/^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1]);
  }

  hasTenant(tenantId: string): boolean {
    return this.state.tenants[tenantId.toLowerCase()] !== undefined;
  }

  /** A directory object's tenant (objects created before tenants were modelled live in the default one). */
  tenantOfPrincipal(principal: Pick<PrincipalRecord, 'tenantId'>): string {
    return principal.tenantId ?? this.state.tenantId;
  }
}
