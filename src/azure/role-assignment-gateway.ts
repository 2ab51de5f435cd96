// Microsoft.Authorization/roleAssignments (api-version 2022-04-01). Creates use the
// deterministic name; when Azure answers 409 RoleAssignmentExists the same grant exists under
// another name — someone else's — and `ensure` reports it instead of failing.
import {
  type RoleAssignment as ArmRoleAssignment,
  type AuthorizationManagementClient,
  getContinuationToken,
} from '@azure/arm-authorization';
import { ROLE_ASSIGNMENT_NAME } from '../crds/azure-formats.ts';
import { checkName, checkRoleAssignmentScope } from './arm-names.ts';
import { isAzureError } from './azure-error.ts';
import type { AzureCalls, CallOptions, SdkCallOptions } from './instrumentation.ts';
import { isNotFound } from './not-found.ts';
import {
  type DesiredRoleAssignment,
  fromArmRoleAssignment,
  grantsExactly,
  type RoleAssignment,
  roleAssignmentName,
  toArmRoleAssignment,
} from './role-assignment-model.ts';

export interface EnsuredRoleAssignment {
  assignment: RoleAssignment;
  /** True when the assignment has logicops' deterministic name (created now or earlier by logicops). */
  ownedByLogicops: boolean;
}

export interface RoleAssignmentGateway {
  /** PUT under the deterministic name. A grant that exists under another name throws an AzureError of kind `conflict`. */
  create(desired: DesiredRoleAssignment, options?: CallOptions): Promise<RoleAssignment>;
  /** `create`, but an existing grant under another name is looked up and returned as not owned. */
  ensure(desired: DesiredRoleAssignment, options?: CallOptions): Promise<EnsuredRoleAssignment>;
  get(scope: string, name: string, options?: CallOptions): Promise<RoleAssignment | undefined>;
  /** A missing assignment counts as deleted. */
  delete(scope: string, name: string, options?: CallOptions): Promise<void>;
  /** Assignments at or above `scope` (`$filter=atScope()`). */
  listAtScope(scope: string, options?: CallOptions): Promise<RoleAssignment[]>;
  /**
   * Every assignment at, above or below `scope` (no filter): one listing of a vault shows the
   * assignments on all its secrets, plus those inherited from above.
   */
  listAround(scope: string, options?: CallOptions): Promise<RoleAssignment[]>;
  /** The principal's assignments at, above or below `scope` (`$filter=principalId eq '…'`). */
  listForPrincipal(scope: string, principalId: string, options?: CallOptions): Promise<RoleAssignment[]>;
  /** The assignment granting `roleDefinitionId` to `principalId` at exactly `scope`, under any name. */
  findExisting(
    scope: string,
    roleDefinitionId: string,
    principalId: string,
    options?: CallOptions,
  ): Promise<RoleAssignment | undefined>;
  /** Assignments in the subscription (at it or below; Azure's limit is 4,000). */
  countInSubscription(options?: CallOptions): Promise<number>;
}

export class SdkRoleAssignmentGateway implements RoleAssignmentGateway {
  constructor(
    private readonly client: AuthorizationManagementClient,
    private readonly subscriptionId: string,
    private readonly calls: AzureCalls,
  ) {}

  async create(desired: DesiredRoleAssignment, options: CallOptions = {}): Promise<RoleAssignment> {
    checkRoleAssignmentScope(desired.scope);
    const name = roleAssignmentName(desired.scope, desired.roleDefinitionId, desired.principalId);
    const created = await this.calls.write('roleAssignments.create', options, (sdk) =>
      this.client.roleAssignments.create(desired.scope, name, toArmRoleAssignment(desired), sdk),
    );
    return fromArmRoleAssignment(created);
  }

  async ensure(desired: DesiredRoleAssignment, options: CallOptions = {}): Promise<EnsuredRoleAssignment> {
    try {
      return { assignment: await this.create(desired, options), ownedByLogicops: true };
    } catch (error) {
      if (
        !(isAzureError(error) && error.failure.kind === 'conflict' && error.code === 'RoleAssignmentExists')
      ) {
        throw error;
      }
      const existing = await this.findExisting(
        desired.scope,
        desired.roleDefinitionId,
        desired.principalId,
        options,
      );
      // Deleted between the 409 and our list: let the caller retry the create.
      if (!existing) throw error;
      const ours = roleAssignmentName(desired.scope, desired.roleDefinitionId, desired.principalId);
      return { assignment: existing, ownedByLogicops: existing.name.toLowerCase() === ours };
    }
  }

  async get(scope: string, name: string, options: CallOptions = {}): Promise<RoleAssignment | undefined> {
    checkRoleAssignmentScope(scope);
    checkRoleAssignmentName(name);
    try {
      const assignment = await this.calls.read('roleAssignments.get', options, (sdk) =>
        this.client.roleAssignments.get(scope, name, sdk),
      );
      return fromArmRoleAssignment(assignment);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(scope: string, name: string, options: CallOptions = {}): Promise<void> {
    checkRoleAssignmentScope(scope);
    checkRoleAssignmentName(name);
    try {
      await this.calls.write('roleAssignments.delete', options, (sdk) =>
        this.client.roleAssignments.delete(scope, name, sdk),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async listAtScope(scope: string, options: CallOptions = {}): Promise<RoleAssignment[]> {
    checkRoleAssignmentScope(scope);
    return this.#list(options, (sdk) =>
      this.client.roleAssignments.listForScope(scope, { ...sdk, filter: 'atScope()' }),
    );
  }

  async listAround(scope: string, options: CallOptions = {}): Promise<RoleAssignment[]> {
    checkRoleAssignmentScope(scope);
    return this.#list(options, (sdk) => this.client.roleAssignments.listForScope(scope, sdk));
  }

  async listForPrincipal(
    scope: string,
    principalId: string,
    options: CallOptions = {},
  ): Promise<RoleAssignment[]> {
    checkRoleAssignmentScope(scope);
    // Object ids are GUIDs; anything else would break out of the OData string literal.
    if (!/^[0-9a-f-]{36}$/i.test(principalId)) throw new Error(`principalId '${principalId}' is not a GUID`);
    return this.#list(options, (sdk) =>
      this.client.roleAssignments.listForScope(scope, { ...sdk, filter: `principalId eq '${principalId}'` }),
    );
  }

  async findExisting(
    scope: string,
    roleDefinitionId: string,
    principalId: string,
    options: CallOptions = {},
  ): Promise<RoleAssignment | undefined> {
    const candidates = await this.listForPrincipal(scope, principalId, options);
    return candidates.find((assignment) => grantsExactly(assignment, scope, roleDefinitionId, principalId));
  }

  async countInSubscription(options: CallOptions = {}): Promise<number> {
    const prefix = `/subscriptions/${this.subscriptionId.toLowerCase()}`;
    const all = await this.#list(
      options,
      (sdk) => this.client.roleAssignments.listForSubscription(sdk),
      'roleAssignments.listForSubscription',
    );
    // The list also shows assignments inherited from management groups; they do not count here.
    return all.filter((a) => {
      const scope = `/${a.scope.replace(/^\/+/, '')}`.toLowerCase();
      return scope === prefix || scope.startsWith(`${prefix}/`);
    }).length;
  }

  /** All pages of a listing, each page taking its own read token (AzureCalls.readPages). */
  async #list(
    options: CallOptions,
    open: (sdk: SdkCallOptions) => { byPage(): AsyncIterable<ArmRoleAssignment[]> },
    operation = 'roleAssignments.listForScope',
  ): Promise<RoleAssignment[]> {
    const pages = await this.calls.readPages(operation, options, (sdk) => open(sdk).byPage(), hasNextPage);
    return pages.flat().map(fromArmRoleAssignment);
  }
}

/** Assignment names are GUIDs (logicops' are UUIDv5); the name is the last URL segment. */
function checkRoleAssignmentName(name: string): void {
  checkName(ROLE_ASSIGNMENT_NAME, 'role assignment name', name);
}

/** Whether the SDK will request another page after `page` (it follows the page's nextLink). */
function hasNextPage(page: unknown): boolean {
  return getContinuationToken(page) !== undefined;
}
