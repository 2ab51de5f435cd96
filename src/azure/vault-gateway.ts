// Microsoft.KeyVault/vaults (api-version 2026-02-01 via @azure/arm-keyvault 5): read the vault,
// change one principal's secret permissions with the atomic accessPolicies/add|remove
// operations (never a PUT/PATCH of the vault: that is a read-modify-write that can drop
// entries written concurrently), and check that a secret exists without reading its value.
// Vault and secret names are checked before they become URL segments (arm-names.ts).
import type { AccessPolicyEntry, KeyVaultManagementClient, Vault } from '@azure/arm-keyvault';
import { checkSecretName, checkVaultRef } from './arm-names.ts';
import type { AzureCalls, CallOptions } from './instrumentation.ts';
import { isNotFound } from './not-found.ts';

export interface VaultRef {
  resourceGroup: string;
  name: string;
}

/** The principal an access-policy entry is for (no applicationId: compound identities are not used). */
export interface AccessPolicyPrincipal {
  tenantId: string;
  objectId: string;
}

/** One principal's permissions in a batched `accessPolicies/add`. */
export interface AccessPolicyAddition {
  principal: AccessPolicyPrincipal;
  secretPermissions: readonly string[];
}

/**
 * The entries of a batched add, or a function that composes them when the request actually
 * goes out (after the ARM budget wait and the leader fence), so a batch seals as late as possible.
 */
export type AccessPolicyAdditions =
  | readonly AccessPolicyAddition[]
  | (() => Promise<readonly AccessPolicyAddition[]>);

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { secrets: string[]; keys: string[]; certificates: string[]; storage: string[] };
}

export interface ObservedVault {
  id: string;
  name: string;
  location: string;
  tenantId: string;
  vaultUri?: string;
  /** True: data-plane access is Azure RBAC and access policies are ignored. Absent/null means access policies. */
  enableRbacAuthorization: boolean;
  accessPolicies: AccessPolicy[];
}

export interface VaultGateway {
  /** Undefined when the vault does not exist. */
  get(ref: VaultRef, options?: CallOptions): Promise<ObservedVault | undefined>;
  /** Adds `secretPermissions` to the principal's entry (creating it when absent). Idempotent. */
  addAccessPolicy(
    ref: VaultRef,
    principal: AccessPolicyPrincipal,
    secretPermissions: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Adds several principals' secret permissions in ONE `accessPolicies/add` (Key Vault merges
   * each into that principal's entry). Idempotent; nothing is sent for an empty list.
   */
  addAccessPolicies(ref: VaultRef, entries: AccessPolicyAdditions, options?: CallOptions): Promise<void>;
  /**
   * Removes exactly `secretPermissions` from the principal's entry; the entry disappears when
   * nothing is left. Other permissions and entries are untouched. Returns the permissions
   * actually removed (none when the entry or permissions were already gone: no write is sent).
   */
  removeAccessPolicy(
    ref: VaultRef,
    principal: AccessPolicyPrincipal,
    secretPermissions: readonly string[],
    options?: CallOptions,
  ): Promise<string[]>;
  /** Whether the secret exists (control plane: its value is never read). */
  secretExists(ref: VaultRef, secretName: string, options?: CallOptions): Promise<boolean>;
  /** Entries in the vault's access-policy list (Key Vault allows 1,024). */
  countAccessPolicies(ref: VaultRef, options?: CallOptions): Promise<number>;
}

export class SdkVaultGateway implements VaultGateway {
  constructor(
    private readonly client: KeyVaultManagementClient,
    private readonly calls: AzureCalls,
  ) {}

  async get(ref: VaultRef, options: CallOptions = {}): Promise<ObservedVault | undefined> {
    checkVaultRef(ref);
    try {
      const vault = await this.calls.read('vaults.get', options, (sdk) =>
        this.client.vaults.get(ref.resourceGroup, ref.name, sdk),
      );
      return fromArmVault(vault);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  addAccessPolicy(
    ref: VaultRef,
    principal: AccessPolicyPrincipal,
    secretPermissions: readonly string[],
    options: CallOptions = {},
  ): Promise<void> {
    return this.addAccessPolicies(ref, [{ principal, secretPermissions }], options);
  }

  async addAccessPolicies(
    ref: VaultRef,
    entries: AccessPolicyAdditions,
    options: CallOptions = {},
  ): Promise<void> {
    checkVaultRef(ref);
    const toPolicies = (list: readonly AccessPolicyAddition[]) =>
      list
        .filter((addition) => addition.secretPermissions.length > 0)
        .map((addition) => entry(addition.principal, addition.secretPermissions));
    if (typeof entries !== 'function' && toPolicies(entries).length === 0) return;
    await this.calls.write('vaults.updateAccessPolicy.add', options, async (sdk) => {
      // A composer runs here: after the budget wait and the fence, right before the request.
      const accessPolicies = toPolicies(typeof entries === 'function' ? await entries() : entries);
      if (accessPolicies.length === 0) return;
      await this.client.vaults.updateAccessPolicy(
        ref.resourceGroup,
        ref.name,
        'add',
        { properties: { accessPolicies } },
        sdk,
      );
    });
  }

  async removeAccessPolicy(
    ref: VaultRef,
    principal: AccessPolicyPrincipal,
    secretPermissions: readonly string[],
    options: CallOptions = {},
  ): Promise<string[]> {
    checkVaultRef(ref);
    // Key Vault's `remove` matches permission names case-sensitively and silently does nothing
    // on a casing mismatch, while the service may store `Get` for a requested `get`
    // (azure-wire.md §2). So read the entry and send the names exactly as stored.
    const vault = await this.get(ref, options);
    const current = vault?.accessPolicies.find((p) => samePrincipal(p, principal) && !p.applicationId);
    if (!current) return [];
    const wanted = new Set(secretPermissions.map((p) => p.toLowerCase()));
    const toRemove = current.permissions.secrets.filter((p) => wanted.has(p.toLowerCase()));
    if (toRemove.length === 0) return [];
    await this.calls.write('vaults.updateAccessPolicy.remove', options, (sdk) =>
      this.client.vaults.updateAccessPolicy(
        ref.resourceGroup,
        ref.name,
        'remove',
        {
          properties: {
            accessPolicies: [entry({ tenantId: current.tenantId, objectId: current.objectId }, toRemove)],
          },
        },
        sdk,
      ),
    );
    return toRemove;
  }

  async secretExists(ref: VaultRef, secretName: string, options: CallOptions = {}): Promise<boolean> {
    checkVaultRef(ref);
    checkSecretName(secretName);
    try {
      await this.calls.read('secrets.get', options, (sdk) =>
        this.client.secrets.get(ref.resourceGroup, ref.name, secretName, sdk),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async countAccessPolicies(ref: VaultRef, options: CallOptions = {}): Promise<number> {
    const vault = await this.get(ref, options);
    return vault?.accessPolicies.length ?? 0;
  }
}

function entry(principal: AccessPolicyPrincipal, secretPermissions: readonly string[]): AccessPolicyEntry {
  return {
    tenantId: principal.tenantId,
    objectId: principal.objectId,
    permissions: { secrets: [...secretPermissions] },
  };
}

function samePrincipal(a: AccessPolicyPrincipal, b: AccessPolicyPrincipal): boolean {
  return (
    a.objectId.toLowerCase() === b.objectId.toLowerCase() &&
    a.tenantId.toLowerCase() === b.tenantId.toLowerCase()
  );
}

export function fromArmVault(vault: Vault): ObservedVault {
  const properties = vault.properties;
  const observed: ObservedVault = {
    id: vault.id ?? '',
    name: vault.name ?? '',
    location: vault.location ?? '',
    tenantId: properties.tenantId,
    enableRbacAuthorization: properties.enableRbacAuthorization === true,
    accessPolicies: (properties.accessPolicies ?? []).map(fromArmAccessPolicy),
  };
  if (properties.vaultUri) observed.vaultUri = properties.vaultUri;
  return observed;
}

function fromArmAccessPolicy(policy: AccessPolicyEntry): AccessPolicy {
  const result: AccessPolicy = {
    tenantId: policy.tenantId,
    objectId: policy.objectId,
    permissions: {
      secrets: [...(policy.permissions.secrets ?? [])],
      keys: [...(policy.permissions.keys ?? [])],
      certificates: [...(policy.permissions.certificates ?? [])],
      storage: [...(policy.permissions.storage ?? [])],
    },
  };
  if (policy.applicationId) result.applicationId = policy.applicationId;
  return result;
}
