// Fake Key Vault and role-assignment gateways with the semantics the real ones document:
// add merges permissions into the principal's entry, remove takes exactly the listed ones and
// drops an empty entry, role assignments are keyed by scope + name and a same grant under
// another name is reported as not owned. Writes go to the shared journal; `failNext` injects
// one Azure error.
import type {
  AccessPolicy,
  AccessPolicyAdditions,
  AccessPolicyPrincipal,
  AzureGateways,
  DesiredRoleAssignment,
  EnsuredRoleAssignment,
  ObservedVault,
  RoleAssignment,
  RoleAssignmentGateway,
  VaultGateway,
  VaultRef,
} from '../../../../../src/azure/index.ts';
import { roleAssignmentName } from '../../../../../src/azure/index.ts';

export class FakeAzure {
  readonly vaults = new Map<string, ObservedVault>();
  readonly secrets = new Set<string>();
  readonly assignments: RoleAssignment[] = [];
  /** Every read sent (`vaults.get`, `secrets.get`, role-assignment reads), to count what sharing saves. */
  readonly reads: string[] = [];
  /** Every access-policy remove sent (its permissions), whether or not it changed the vault. */
  readonly removesSent: string[] = [];
  /** An error the next call of this operation throws. */
  private readonly failures = new Map<string, Error>();
  /**
   * Key Vault's read-after-write lag (the emulator's `vaultReadLag`): after an access-policy write,
   * reads return the vault as it was before it, and a remove acts on that copy, until `catchUp()`.
   */
  lagging = false;
  private readonly stale = new Map<string, ObservedVault>();

  constructor(readonly journal: string[]) {}

  addVault(vault: Omit<ObservedVault, 'accessPolicies'> & { accessPolicies?: AccessPolicy[] }): void {
    this.vaults.set(vault.name, { accessPolicies: [], ...vault });
  }

  failNext(operation: string, error: Error): void {
    this.failures.set(operation, error);
  }

  /** Reads see every write made so far. */
  catchUp(): void {
    this.stale.clear();
  }

  /** Keeps the vault as it is now for lagging reads, unless an older copy is kept already. */
  private beforeWrite(vaultName: string): void {
    const vault = this.vaults.get(vaultName);
    if (this.lagging && vault && !this.stale.has(vaultName))
      this.stale.set(vaultName, structuredClone(vault));
  }

  entry(vaultName: string, objectId: string): string[] | undefined {
    return this.vaults
      .get(vaultName)
      ?.accessPolicies.find((p) => p.objectId === objectId)
      ?.permissions.secrets.slice()
      .sort();
  }

  gateways(): AzureGateways {
    return { vaults: this.vaultGateway(), roleAssignments: this.roleGateway() } as unknown as AzureGateways;
  }

  private check(operation: string): void {
    const failure = this.failures.get(operation);
    if (failure) {
      this.failures.delete(operation);
      throw failure;
    }
  }

  private merge(ref: VaultRef, principal: AccessPolicyPrincipal, permissions: readonly string[]): void {
    const vault = this.vaults.get(ref.name)!;
    let entry = vault.accessPolicies.find((p) => p.objectId === principal.objectId);
    if (!entry) {
      entry = { ...principal, permissions: { secrets: [], keys: [], certificates: [], storage: [] } };
      vault.accessPolicies.push(entry);
    }
    for (const p of permissions)
      if (!entry.permissions.secrets.includes(p)) entry.permissions.secrets.push(p);
  }

  private vaultGateway(): VaultGateway {
    const get = async (ref: VaultRef) => {
      this.check('vaults.get');
      this.reads.push('vaults.get');
      const vault = this.stale.get(ref.name) ?? this.vaults.get(ref.name);
      return vault ? structuredClone(vault) : undefined;
    };
    return {
      get,
      addAccessPolicy: async (
        ref: VaultRef,
        principal: AccessPolicyPrincipal,
        permissions: readonly string[],
      ) => {
        this.check('vaults.add');
        this.beforeWrite(ref.name);
        this.merge(ref, principal, permissions);
        this.journal.push(`azure:add ${[...permissions].join(',')}`);
      },
      // One write for several principals: journaled as one line, entries separated by ' + '.
      addAccessPolicies: async (ref: VaultRef, entries: AccessPolicyAdditions) => {
        // A composer is called when the request would go out, as the real gateway does.
        const additions = typeof entries === 'function' ? await entries() : entries;
        if (additions.length === 0) return;
        this.check('vaults.add');
        this.beforeWrite(ref.name);
        for (const { principal, secretPermissions } of additions)
          this.merge(ref, principal, secretPermissions);
        this.journal.push(`azure:add ${additions.map((a) => a.secretPermissions.join(',')).join(' + ')}`);
      },
      removeAccessPolicy: async (
        ref: VaultRef,
        principal: AccessPolicyPrincipal,
        permissions: readonly string[],
      ) => {
        this.check('vaults.remove');
        const vault = this.vaults.get(ref.name);
        const entry = vault?.accessPolicies.find((p) => p.objectId === principal.objectId);
        // Lagging, the remove acts on the older copy: what it does not show is not removed.
        const seen = (this.stale.get(ref.name) ?? vault)?.accessPolicies.find(
          (p) => p.objectId === principal.objectId,
        );
        const removable = permissions.filter((p) => seen?.permissions.secrets.includes(p));
        const removed = entry ? entry.permissions.secrets.filter((p) => removable.includes(p)) : [];
        this.removesSent.push([...permissions].join(','));
        if (!vault || !entry || removed.length === 0) return [];
        this.beforeWrite(ref.name);
        entry.permissions.secrets = entry.permissions.secrets.filter((p) => !removable.includes(p));
        const empty = Object.values(entry.permissions).every((list) => list.length === 0);
        if (empty) vault.accessPolicies = vault.accessPolicies.filter((p) => p !== entry);
        this.journal.push(`azure:remove ${removed.join(',')}`);
        return removed;
      },
      secretExists: async (ref: VaultRef, secretName: string) => {
        this.reads.push('secrets.get');
        return this.secrets.has(`${ref.name}/${secretName}`);
      },
      countAccessPolicies: async (ref: VaultRef) => (await get(ref))?.accessPolicies.length ?? 0,
    };
  }

  private roleGateway(): RoleAssignmentGateway {
    const find = (scope: string, name: string) =>
      this.assignments.find((a) => a.scope === scope && a.name.toLowerCase() === name.toLowerCase());
    const create = async (desired: DesiredRoleAssignment): Promise<RoleAssignment> => {
      this.check('roleAssignments.create');
      const name = roleAssignmentName(desired.scope, desired.roleDefinitionId, desired.principalId);
      const assignment: RoleAssignment = {
        id: `${desired.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        scope: desired.scope,
        roleDefinitionId: desired.roleDefinitionId,
        principalId: desired.principalId,
        principalType: 'ServicePrincipal',
        description: `managed by logicops: ${desired.owner}`,
      };
      this.assignments.push(assignment);
      this.journal.push(`azure:assign ${name}`);
      return assignment;
    };
    return {
      create,
      ensure: async (desired: DesiredRoleAssignment): Promise<EnsuredRoleAssignment> => {
        const existing = this.assignments.find(
          (a) => a.scope === desired.scope && a.principalId === desired.principalId,
        );
        if (existing) return { assignment: existing, ownedByLogicops: false };
        return { assignment: await create(desired), ownedByLogicops: true };
      },
      get: async (scope: string, name: string) => {
        this.check('roleAssignments.get');
        this.reads.push('roleAssignments.get');
        return find(scope, name);
      },
      delete: async (scope: string, name: string) => {
        this.check('roleAssignments.delete');
        const found = find(scope, name);
        if (found) this.assignments.splice(this.assignments.indexOf(found), 1);
        this.journal.push(`azure:unassign ${name}`);
      },
      listAtScope: async () => [],
      // At, above or below the scope; this fake holds only secret-scope assignments.
      listAround: async (scope: string) => {
        this.check('roleAssignments.listAround');
        this.reads.push('roleAssignments.listAround');
        const prefix = `${scope.toLowerCase()}/`;
        return this.assignments
          .filter(
            (a) => a.scope.toLowerCase().startsWith(prefix) || a.scope.toLowerCase() === scope.toLowerCase(),
          )
          .map((a) => ({ ...a }));
      },
      listForPrincipal: async () => [],
      findExisting: async () => undefined,
      countInSubscription: async () => this.assignments.length,
    };
  }
}
