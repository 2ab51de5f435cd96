// What was in Azure before logicops and is not its own: a workflow tagged for another owner, an
// untagged one running as another team's user-assigned identity, their access-policy entries on
// the chaos vaults, and pre-existing permissions for the very principal logicops grants (the shared
// identity) — one the bindings also ask for, one they do not, one in a category logicops never
// writes. Everything goes into the world's seed, so the oracle's baseline holds it and any change
// to it is a foreign change. Intruders point objects at the foreign workflows: they must end
// Stalled (AlreadyOwned) or waiting, grant nothing, and their deletion must delete nothing.
import { randomUUID } from 'node:crypto';
import { DEMO_TENANT_ID } from '@logicops/azure-emulator';
import { API_VERSION } from '../../../src/crds/api-group.ts';
import { CHAOS_RESOURCE_GROUP, type ChaosWorld, LOCATION, type Manifest, VAULTS } from './world.ts';

export const FOREIGN_OWNED = 'foreign-owned';
export const FOREIGN_UNTAGGED = 'foreign-untagged';
const FOREIGN_IDENTITY = 'foreign-identity';

/** An object the operator must refuse to act for, and the Ready reasons it may show instead. */
export interface Intruder {
  manifest: Manifest;
  reasons: readonly string[];
}

export interface ForeignWorld {
  intruders: Intruder[];
  /** The principals of the foreign workflows (for the figures). */
  foreignPrincipals: string[];
}

/** Adds the foreign resources to `world.seed` and returns the intruders (in no namespace yet). */
export function addForeign(
  world: ChaosWorld,
  options: { subscriptionId: string; prefix?: string },
): ForeignWorld {
  const prefix = options.prefix ?? '';
  const rg = `/subscriptions/${options.subscriptionId}/resourceGroups/${CHAOS_RESOURCE_GROUP}`;
  const ownedPrincipal = randomUUID();
  const foreignIdentityPrincipal = randomUUID();
  const seed = world.seed;
  seed.userAssignedIdentities = [
    ...(seed.userAssignedIdentities ?? []),
    {
      resourceGroup: CHAOS_RESOURCE_GROUP,
      name: `${prefix}${FOREIGN_IDENTITY}`,
      location: LOCATION,
      principalId: foreignIdentityPrincipal,
    },
  ];
  seed.workflows = [
    ...(seed.workflows ?? []),
    {
      resourceGroup: CHAOS_RESOURCE_GROUP,
      name: FOREIGN_OWNED,
      tags: { 'logicops-owner': 'another-cluster/another-team/billing', team: 'billing' },
      identity: { type: 'SystemAssigned' },
      principalId: ownedPrincipal,
    },
    {
      resourceGroup: CHAOS_RESOURCE_GROUP,
      name: FOREIGN_UNTAGGED,
      identity: {
        type: 'UserAssigned',
        userAssignedIdentityId: `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${prefix}${FOREIGN_IDENTITY}`,
      },
      properties: { state: 'Disabled' },
    },
  ];
  const [ap0, ap1] = VAULTS.filter((v) => !v.rbac).map((v) => `${prefix}${v.name}`);
  const shared = world.sharedIdentityPrincipalId;
  const entries: Record<string, { objectId: string; permissions: Record<string, string[]> }[]> = {
    [ap0 ?? '']: [
      // No get: a get granted to this principal through the intruder's binding would show.
      { objectId: ownedPrincipal, permissions: { secrets: ['list'], keys: ['get'] } },
      // The shared identity's bindings on this vault ask for get (and some get+list): get was
      // there before, so no revoke may take it; certificates are never logicops' to touch.
      { objectId: shared, permissions: { secrets: ['get'], certificates: ['list'] } },
    ],
    [ap1 ?? '']: [
      { objectId: foreignIdentityPrincipal, permissions: { secrets: ['get'] } },
      // get+list bindings on this vault add get; list was there before and stays.
      { objectId: shared, permissions: { secrets: ['list'] } },
    ],
  };
  for (const vault of seed.vaults ?? []) {
    for (const entry of entries[vault.name] ?? []) {
      vault.accessPolicies = [...(vault.accessPolicies ?? []), { tenantId: DEMO_TENANT_ID, ...entry }];
    }
  }

  // Intruders ask to adopt: a team's own annotation must not be enough (the namespace has no
  // logicops.io/allow-adoption), and a workflow tagged for another owner is never adopted.
  const intruder = (name: string, azureName: string): Manifest => ({
    apiVersion: API_VERSION,
    kind: 'LogicAppWorkflow',
    metadata: { name, namespace: '', annotations: { 'logicops.io/adopt': 'true' } },
    spec: {
      subscriptionId: options.subscriptionId,
      resourceGroup: CHAOS_RESOURCE_GROUP,
      location: LOCATION,
      azureName,
      identity: { type: 'SystemAssigned' },
      definition: {
        $schema:
          'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        triggers: {},
        actions: {},
      },
    },
  });
  const intruders: Intruder[] = [
    { manifest: intruder('intruder-owned', FOREIGN_OWNED), reasons: ['AlreadyOwned'] },
    { manifest: intruder('intruder-untagged', FOREIGN_UNTAGGED), reasons: ['AlreadyOwned'] },
    {
      // Would grant the foreign workflow's principal, if the operator ever took it for this object's.
      manifest: {
        apiVersion: API_VERSION,
        kind: 'VaultSecretBinding',
        metadata: { name: 'intruder-owned-key', namespace: '' },
        spec: {
          workflowRef: { name: 'intruder-owned' },
          vaultId: `${rg}/providers/Microsoft.KeyVault/vaults/${ap0}`,
          secretName: 's0',
        },
      },
      reasons: ['WaitingForPrincipal'],
    },
  ];
  return { intruders, foreignPrincipals: [ownedPrincipal, foreignIdentityPrincipal] };
}
