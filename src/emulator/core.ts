// What every handler needs: the state store, the token signer, the configuration and the
// directory operations shared by several resource types.
import { newGuid } from './ids.ts';
import type { RateLimits } from './rate-limits.ts';
import type { PrincipalRecord, StateStore } from './state.ts';
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
  /** The `vaultUri` reported for a vault (the data plane arrives in part 2). */
  vaultUri: (vaultName: string) => string;
}

export class EmulatorCore {
  constructor(
    readonly store: StateStore,
    readonly signer: TokenSigner,
    readonly config: EmulatorConfig,
    readonly telemetry: Telemetry,
    readonly rateLimits: RateLimits,
    readonly now: () => number = Date.now,
  ) {}

  get state() {
    return this.store.state;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Creates a managed-identity service principal (new object and client ids). */
  createManagedPrincipal(kind: 'SystemAssigned' | 'UserAssigned', resourceId: string, displayName: string) {
    const principal: PrincipalRecord = {
      objectId: newGuid(),
      clientId: newGuid(),
      principalType: 'ServicePrincipal',
      kind,
      displayName,
      resourceId,
      createdAt: this.nowIso(),
    };
    this.state.principals[principal.objectId] = principal;
    return principal;
  }

  /** Removes a principal from the directory. Grants that name it stay behind, as in Azure. */
  deletePrincipal(objectId: string): void {
    delete this.state.principals[objectId.toLowerCase()];
  }

  findPrincipal(objectId: string): PrincipalRecord | undefined {
    return this.state.principals[objectId.toLowerCase()];
  }

  findPrincipalByClientId(clientId: string): PrincipalRecord | undefined {
    const wanted = clientId.toLowerCase();
    return Object.values(this.state.principals).find((p) => p.clientId?.toLowerCase() === wanted);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.state.subscriptionIds.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
  }
}
