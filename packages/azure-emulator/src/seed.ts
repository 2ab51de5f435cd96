// Seed data: the resource groups, vaults, secrets, identities and app registrations an
// emulator starts with. The same shape serves the demo, the samples, the dev mode and the bench.

import type { JsonWebKey } from 'node:crypto';
import { normalizeLocation } from './arm/common.ts';
import { putUserAssignedIdentity } from './arm/identities.ts';
import { createResourceGroup } from './arm/resource-groups.ts';
import { BUILT_IN_ROLES } from './arm/role-assignments.ts';
import { addSecretVersion, putVault } from './arm/vaults.ts';
import { readProperties, writeWorkflow } from './arm/workflows.ts';
import type { EmulatorCore } from './core.ts';
import { armErrors } from './errors.ts';
import { isGuid, newGuid, normalizeArmPath } from './ids.ts';
import type {
  AccessPolicyEntry,
  ApplicationRecord,
  FederatedCredential,
  PrincipalRecord,
  PrincipalType,
  RoleAssignmentRecord,
} from './state.ts';
import { createSubscription, createTenant, registerOidcIssuer } from './tenants.ts';

export interface SeedApplication {
  clientId: string;
  /** The tenant it is registered in; default: the default tenant. */
  tenantId?: string;
  /** Service principal object id; generated when absent. */
  objectId?: string;
  displayName?: string;
  clientSecret?: string;
  federatedCredentials?: FederatedCredential[];
}

export interface SeedVault {
  /** Default: the default subscription (also for resource groups, identities and workflows). */
  subscriptionId?: string;
  resourceGroup: string;
  name: string;
  location?: string;
  enableRbacAuthorization: boolean;
  accessPolicies?: AccessPolicyEntry[];
  secrets?: { name: string; value: string; contentType?: string }[];
}

/** A workflow that exists before anyone asked logicops for it (someone else's, or one to adopt). */
export interface SeedWorkflow {
  subscriptionId?: string;
  resourceGroup: string;
  name: string;
  location?: string;
  tags?: Record<string, string>;
  /** Default `None`; a user-assigned identity by its ARM id (it must be seeded too). */
  identity?:
    | { type: 'None' }
    | { type: 'SystemAssigned' }
    | { type: 'UserAssigned'; userAssignedIdentityId: string };
  /** A system-assigned identity's principal id, so that seeded grants can name it; generated when absent. */
  principalId?: string;
  /** Workflow `properties` (definition, parameters, state), validated as a PUT's; default: an empty definition. */
  properties?: Record<string, unknown>;
}

const EMPTY_DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  triggers: {},
  actions: {},
};

export interface EmulatorSeed {
  /** More Entra tenants besides the default one. */
  tenants?: { tenantId: string; displayName?: string }[];
  /**
   * More subscriptions, each trusting one tenant (default: the default tenant). `standingOwners`:
   * principals with Owner there without a role assignment record (README, "Authorization").
   */
  subscriptions?: {
    subscriptionId: string;
    tenantId?: string;
    displayName?: string;
    standingOwners?: string[];
  }[];
  /** Signing keys of external OIDC issuers, for federated client assertions (README, "Entra ID"). */
  oidcIssuers?: { issuer: string; keys: JsonWebKey[] }[];
  resourceGroups?: {
    subscriptionId?: string;
    name: string;
    location: string;
    tags?: Record<string, string>;
  }[];
  vaults?: SeedVault[];
  /** `principalId`/`clientId` fix the identity's ids, so that seeded grants can name it; generated when absent. */
  userAssignedIdentities?: {
    subscriptionId?: string;
    resourceGroup: string;
    name: string;
    location?: string;
    principalId?: string;
    clientId?: string;
  }[];
  workflows?: SeedWorkflow[];
  applications?: SeedApplication[];
  /** Users and groups in the directory (for role assignments without principalType). */
  principals?: {
    objectId: string;
    principalType: 'User' | 'Group';
    displayName: string;
    tenantId?: string;
  }[];
  /**
   * Role assignments that exist from the start (an admin gave them): `scope` is an ARM id,
   * `roleDefinitionId` a built-in role's GUID (BUILT_IN_ROLES). Named by a fresh GUID.
   */
  roleAssignments?: {
    scope: string;
    roleDefinitionId: string;
    principalId: string;
    principalType: 'User' | 'Group' | 'ServicePrincipal';
  }[];
}

export function registerApplication(core: EmulatorCore, seed: SeedApplication): ApplicationRecord {
  if (!isGuid(seed.clientId))
    throw armErrors.badRequest('BadRequest', `clientId '${seed.clientId}' must be a GUID.`);
  const tenantId = (seed.tenantId ?? core.state.tenantId).toLowerCase();
  if (!core.hasTenant(tenantId)) {
    throw armErrors.badRequest(
      'TenantNotFound',
      `Tenant '${tenantId}' does not exist in the emulator: create it first (POST /_emulator/tenants).`,
    );
  }
  for (const credential of seed.federatedCredentials ?? []) {
    if (typeof credential?.issuer !== 'string' || typeof credential.subject !== 'string') {
      throw armErrors.badRequest('BadRequest', 'federatedCredentials: each needs an issuer and a subject.');
    }
    if (credential.audiences !== undefined && !Array.isArray(credential.audiences)) {
      throw armErrors.badRequest('BadRequest', 'federatedCredentials: audiences must be a list of strings.');
    }
  }
  const objectId = (seed.objectId ?? newGuid()).toLowerCase();
  const app: ApplicationRecord = {
    clientId: seed.clientId.toLowerCase(),
    tenantId,
    objectId,
    displayName: seed.displayName ?? `app-${seed.clientId.slice(0, 8)}`,
    clientSecrets: seed.clientSecret ? [seed.clientSecret] : [],
    ...(seed.federatedCredentials ? { federatedCredentials: seed.federatedCredentials } : {}),
  };
  core.state.applications[app.clientId] = app;
  core.state.principals[objectId] = {
    objectId,
    clientId: app.clientId,
    principalType: 'ServicePrincipal',
    kind: 'Application',
    displayName: app.displayName,
    tenantId,
    createdAt: core.nowIso(),
  };
  return app;
}

export function addDirectoryPrincipal(
  core: EmulatorCore,
  objectId: string,
  principalType: Exclude<PrincipalType, 'ServicePrincipal'>,
  displayName: string,
  tenantId?: string,
): PrincipalRecord {
  if (!isGuid(objectId)) throw armErrors.badRequest('BadRequest', `objectId '${objectId}' must be a GUID.`);
  const record: PrincipalRecord = {
    objectId: objectId.toLowerCase(),
    principalType,
    kind: principalType,
    displayName,
    ...(tenantId ? { tenantId: tenantId.toLowerCase() } : {}),
    createdAt: core.nowIso(),
  };
  core.state.principals[record.objectId] = record;
  return record;
}

export type SeedRoleAssignment = NonNullable<EmulatorSeed['roleAssignments']>[number];

/**
 * A role assignment an admin made (seed and admin API; ARM's PUT is `arm/role-assignments.ts`).
 * `roleDefinitionId` is a built-in role's GUID or its full id; the name is a fresh GUID.
 */
export function addRoleAssignment(
  core: EmulatorCore,
  assignment: SeedRoleAssignment,
  defaultSubscriptionId: string,
): RoleAssignmentRecord {
  const role = (assignment.roleDefinitionId.split('/').at(-1) ?? '').toLowerCase();
  if (!BUILT_IN_ROLES[role]) {
    throw armErrors.badRequest(
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${assignment.roleDefinitionId}' does not exist (the emulator knows the built-in roles in BUILT_IN_ROLES).`,
    );
  }
  if (!isGuid(assignment.principalId)) {
    throw armErrors.badRequest('BadRequest', `principalId '${assignment.principalId}' must be a GUID.`);
  }
  const scope = normalizeArmPath(assignment.scope);
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? defaultSubscriptionId;
  const name = newGuid();
  const at = core.nowIso();
  const record: RoleAssignmentRecord = {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: assignment.principalId.toLowerCase(),
    principalType: assignment.principalType,
    createdOn: at,
    updatedOn: at,
  };
  core.state.roleAssignments[name] = record;
  return record;
}

export function applySeed(core: EmulatorCore, seed: EmulatorSeed, defaultSubscriptionId: string): void {
  const nowSeconds = Math.floor(core.now() / 1000);
  for (const tenant of seed.tenants ?? []) createTenant(core, tenant);
  for (const subscription of seed.subscriptions ?? []) createSubscription(core, subscription);
  for (const issuer of seed.oidcIssuers ?? []) registerOidcIssuer(core, issuer);
  for (const app of seed.applications ?? []) registerApplication(core, app);
  for (const p of seed.principals ?? [])
    addDirectoryPrincipal(core, p.objectId, p.principalType, p.displayName, p.tenantId);
  for (const rg of seed.resourceGroups ?? [])
    createResourceGroup(
      core,
      rg.subscriptionId ?? defaultSubscriptionId,
      rg.name,
      rg.location,
      rg.tags ?? {},
    );
  const locationOf = (resourceGroup: string, location?: string) =>
    location ??
    seed.resourceGroups?.find((rg) => rg.name.toLowerCase() === resourceGroup.toLowerCase())?.location ??
    'westeurope';
  for (const identity of seed.userAssignedIdentities ?? []) {
    putUserAssignedIdentity(
      core,
      identity.subscriptionId ?? defaultSubscriptionId,
      identity.resourceGroup,
      identity.name,
      locationOf(identity.resourceGroup, identity.location),
      {},
      {
        ...(identity.principalId ? { objectId: identity.principalId } : {}),
        ...(identity.clientId ? { clientId: identity.clientId } : {}),
      },
    );
  }
  for (const workflow of seed.workflows ?? []) {
    const identity = workflow.identity ?? { type: 'None' };
    writeWorkflow(core, {
      subscriptionId: workflow.subscriptionId ?? defaultSubscriptionId,
      resourceGroup: workflow.resourceGroup,
      name: workflow.name,
      location: normalizeLocation(locationOf(workflow.resourceGroup, workflow.location)),
      tags: workflow.tags ?? {},
      properties: readProperties({ properties: { definition: EMPTY_DEFINITION, ...workflow.properties } }),
      identity:
        identity.type === 'UserAssigned'
          ? { type: 'UserAssigned', id: identity.userAssignedIdentityId }
          : identity.type === 'SystemAssigned'
            ? {
                type: 'SystemAssigned',
                ...(workflow.principalId ? { principalId: workflow.principalId } : {}),
              }
            : { type: 'None' },
    });
  }
  for (const assignment of seed.roleAssignments ?? [])
    addRoleAssignment(core, assignment, defaultSubscriptionId);
  for (const vault of seed.vaults ?? []) {
    const subscriptionId = vault.subscriptionId ?? defaultSubscriptionId;
    const { record } = putVault(
      core,
      subscriptionId,
      vault.resourceGroup,
      vault.name,
      {
        location: locationOf(vault.resourceGroup, vault.location),
        properties: {
          tenantId: core.tenantOfSubscription(subscriptionId),
          sku: { family: 'A', name: 'standard' },
          enableRbacAuthorization: vault.enableRbacAuthorization,
          accessPolicies: vault.accessPolicies ?? [],
        },
      },
      '2026-02-01',
    );
    for (const secret of vault.secrets ?? []) {
      addSecretVersion(record, secret.name, secret.value, {
        ...(secret.contentType ? { contentType: secret.contentType } : {}),
        nowSeconds,
      });
    }
  }
}
