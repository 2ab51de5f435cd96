// What the crash and fault suites create, as plain data: an emulator seed (vaults of both access
// models with random secret values, a shared user-assigned identity, a pre-existing access-policy
// entry logicops must leave alone) and N workflows with one binding each. Every fifth workflow
// uses the shared identity, so several bindings share one access-policy entry — the case where a
// lost ledger would revoke too much or too little.
import { randomBytes, randomUUID } from 'node:crypto';
import { DEMO_TENANT_ID, demoSeed, type EmulatorSeed } from '@logicops/azure-emulator';
import { sampleDefinition } from '../../../bench/scenario.ts';

import { API_VERSION } from '../../../src/crds/api-group.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION, ALLOWED_VAULTS_ANNOTATION } from '../../../src/vocabulary.ts';
import type { Needle } from '../security/leak-scanner.ts';

export const CHAOS_RESOURCE_GROUP = 'logicops-chaos';
export const LOCATION = 'westeurope';
const SECRETS_PER_VAULT = 3;

export interface Manifest {
  apiVersion: string;
  kind: 'LogicAppWorkflow' | 'VaultSecretBinding';
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface ChaosWorld {
  seed: EmulatorSeed;
  namespaceAnnotations: Record<string, string>;
  workflows: Manifest[];
  bindings: Manifest[];
  /** Objects the deletion phase removes: whole pairs, and bindings whose workflow stays. */
  toDelete: Manifest[];
  /** Every secret value in the seed, for the leak scan. */
  secretNeedles: Needle[];
  /** The shared user-assigned identity's principal (fixed in the seed, so seeded grants can name it). */
  sharedIdentityPrincipalId: string;
}

export const VAULTS = [
  { name: 'chaos-ap-0', rbac: false },
  { name: 'chaos-ap-1', rbac: false },
  { name: 'chaos-rbac-0', rbac: true },
  { name: 'chaos-rbac-1', rbac: true },
] as const;

export function buildWorld(options: {
  subscriptionId: string;
  namespace: string;
  workflows: number;
  /** Vault names are globally unique in the emulator; a prefix keeps two worlds apart. */
  prefix?: string;
}): ChaosWorld {
  const { subscriptionId, namespace } = options;
  const prefix = options.prefix ?? '';
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${CHAOS_RESOURCE_GROUP}`;
  const vaultId = (name: string) => `${rg}/providers/Microsoft.KeyVault/vaults/${prefix}${name}`;
  const sharedIdentity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${prefix}chaos-shared`;
  const bystander = randomUUID();
  const sharedIdentityPrincipalId = randomUUID();
  const demo = demoSeed();
  const secretNeedles: Needle[] = (demo.vaults ?? []).flatMap((vault) =>
    (vault.secrets ?? []).map((secret) => ({
      label: `secret ${vault.name}/${secret.name}`,
      value: secret.value,
    })),
  );
  const seed: EmulatorSeed = {
    ...demo,
    resourceGroups: [...(demo.resourceGroups ?? []), { name: CHAOS_RESOURCE_GROUP, location: LOCATION }],
    principals: [{ objectId: bystander, principalType: 'User', displayName: 'bystander' }],
    userAssignedIdentities: [
      {
        resourceGroup: CHAOS_RESOURCE_GROUP,
        name: `${prefix}chaos-shared`,
        location: LOCATION,
        principalId: sharedIdentityPrincipalId,
      },
    ],
    vaults: [
      ...(demo.vaults ?? []),
      ...VAULTS.map((vault) => ({
        resourceGroup: CHAOS_RESOURCE_GROUP,
        name: `${prefix}${vault.name}`,
        location: LOCATION,
        enableRbacAuthorization: vault.rbac,
        // A grant made by someone else: logicops may share the entry but never take from it.
        accessPolicies: vault.rbac
          ? []
          : [
              {
                tenantId: DEMO_TENANT_ID,
                objectId: bystander,
                permissions: { secrets: ['get'], keys: ['get'] },
              },
            ],
        secrets: Array.from({ length: SECRETS_PER_VAULT }, (_, s) => {
          const value = `chaos-secret-${randomBytes(18).toString('base64url')}`;
          secretNeedles.push({ label: `secret ${prefix}${vault.name}/s${s}`, value });
          return { name: `s${s}`, value };
        }),
      })),
    ],
  };

  const workflows: Manifest[] = [];
  const bindings: Manifest[] = [];
  const toDelete: Manifest[] = [];
  const width = String(options.workflows - 1).length;
  for (let i = 0; i < options.workflows; i++) {
    const name = `wf-${String(i).padStart(width, '0')}`;
    const workflow: Manifest = {
      apiVersion: API_VERSION,
      kind: 'LogicAppWorkflow',
      metadata: { name, namespace },
      spec: {
        subscriptionId,
        resourceGroup: CHAOS_RESOURCE_GROUP,
        location: LOCATION,
        identity:
          i % 5 === 4
            ? { type: 'UserAssigned', userAssignedIdentityId: sharedIdentity }
            : { type: 'SystemAssigned' },
        definition: outlivesItsBinding(sampleDefinition(1)),
        parameters: { partnerEndpoint: 'https://api.partner.example/v1/orders' },
      },
    };
    const { name: vault, rbac } = VAULTS[i % VAULTS.length] ?? { name: '', rbac: false };
    const binding: Manifest = {
      apiVersion: API_VERSION,
      kind: 'VaultSecretBinding',
      metadata: { name: `${name}-key`, namespace },
      spec: {
        workflowRef: { name },
        vaultId: vaultId(vault),
        secretName: `s${i % SECRETS_PER_VAULT}`,
        parameterName: 'partnerApiKeyUri',
        // list only where access policies can grant it: under RBAC it is refused (InvalidSpec).
        ...(i % 3 === 0 && !rbac ? { permissions: ['get', 'list'] } : {}),
      },
    };
    workflows.push(workflow);
    bindings.push(binding);
    // 30 % of the pairs go whole, 40 % lose only their binding: half of all objects.
    const decile = i % 10;
    if (decile >= 1 && decile <= 3) toDelete.push(binding, workflow);
    else if (decile >= 4 && decile <= 7) toDelete.push(binding);
  }
  const subscription = `/subscriptions/${subscriptionId}`;
  return {
    seed,
    namespaceAnnotations: {
      [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${subscription}/resourceGroups/*`,
      [ALLOWED_VAULTS_ANNOTATION]: `${subscription}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
    },
    workflows,
    bindings,
    toDelete,
    secretNeedles,
    sharedIdentityPrincipalId,
  };
}

/**
 * The sample with a default for the parameter its binding fills: 40 % of the pairs lose only
 * their binding, and those workflows must stay Ready. Without a default, Azure refuses the
 * workflow once nothing gives the parameter a value (400 InvalidTemplate, Azure/LogicAppsUX
 * #4404), so logicops leaves it as it is and waits (WaitingForBindings) — right for a workflow
 * that cannot run without its secret, not for this world's.
 */
function outlivesItsBinding(definition: Record<string, unknown>): Record<string, unknown> {
  const parameters = definition.parameters as Record<string, Record<string, unknown>>;
  return {
    ...definition,
    parameters: { ...parameters, partnerApiKeyUri: { ...parameters.partnerApiKeyUri, defaultValue: '' } },
  };
}
