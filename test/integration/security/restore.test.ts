// Issue 20, item 4 (must show): a restore that drops status (Velero's default) in the middle of a
// life with shared access-policy entries and pre-existing permissions loses nothing. Two teams'
// workflows share one user-assigned identity, whose entry in the vault had `list` before logicops
// came; a third workflow has its own principal. Every object's status is deleted and the operator
// restarted, as after a restore. Deleting the bindings afterwards must leave exactly the
// permissions that were there before: `list` for the shared identity, nothing for the other.
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RESOURCE_GROUP,
  DEMO_SECRET_NAME,
  demoSeed,
} from '@logicops/azure-emulator';
import { operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { eventually } from '../../support/eventually.ts';
import { createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { type EmulatorWorld, startEmulatorWorld } from '../support/emulator-world.ts';
import { type InProcessOperator, startInProcessOperator } from '../support/operator-env.ts';
import {
  adminClients,
  bindingManifest,
  createAs,
  type Kind,
  read,
  waitForReason,
  waitGone,
  workflowManifest,
} from './support/tenants.ts';

const VAULT = DEMO_ACCESS_POLICY_VAULT;

let world: EmulatorWorld;
let operator: InProcessOperator | undefined;
let recordsNamespace = '';
let teamA = '';
let teamB = '';
let sharedPrincipal = '';
let ownPrincipal = '';
const admin = adminClients();

function entry(principalId: string): string[] | undefined {
  const vault = Object.values(world.emulator.state.vaults).find((v) => v.name === VAULT);
  const found = vault?.accessPolicies.find((e) => e.objectId.toLowerCase() === principalId.toLowerCase());
  // Lower case: Key Vault returns its own spelling (`Get`), which logicops treats as `get`.
  return found ? (found.permissions.secrets ?? []).map((p) => p.toLowerCase()).sort() : undefined;
}

async function startOperator(instance: string) {
  operator = await startInProcessOperator(world.emulator, [teamA, teamB], {
    instance,
    flags: ['--records-namespace', recordsNamespace],
  });
}

async function dropStatus(plural: Kind, namespace: string, name: string) {
  await admin.admin.patch(
    plural === 'logicappworkflows' ? LOGIC_APP_WORKFLOW_RESOURCE : VAULT_SECRET_BINDING_RESOURCE,
    { namespace, name, subresource: 'status' },
    PatchStrategy.MergePatch,
    { status: null },
  );
}

beforeAll(async () => {
  world = await startEmulatorWorld({
    namespacePrefixes: ['restore-a', 'restore-b'],
    emulator: {
      seed: {
        ...demoSeed(),
        userAssignedIdentities: [{ resourceGroup: DEMO_RESOURCE_GROUP, name: 'shared-uai' }],
      },
    },
  });
  [teamA, teamB] = world.namespaces as [string, string];
  recordsNamespace = await createTestNamespace('restore-records');
  const identity = Object.values(world.emulator.state.userAssignedIdentities)[0];
  sharedPrincipal = identity?.principalId ?? '';
  expect(sharedPrincipal).not.toBe('');
  // A person gave the shared identity `list` long before logicops.
  const keyVault = new KeyVaultManagementClient(
    operatorCredential(world.emulator),
    world.emulator.subscriptionId,
    {
      endpoint: world.emulator.armEndpoint,
    },
  );
  await keyVault.vaults.updateAccessPolicy(DEMO_RESOURCE_GROUP, VAULT, 'add', {
    properties: {
      accessPolicies: [
        { tenantId: world.emulator.tenantId, objectId: sharedPrincipal, permissions: { secrets: ['list'] } },
      ],
    },
  });
  await startOperator('restore-1');
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await world?.stop();
  await deleteTestNamespace(recordsNamespace);
});

describe('a restore that drops every status (issue 20, item 4)', () => {
  it('leaves exactly the permissions that were there before once the bindings are deleted', async () => {
    const sub = world.emulator.subscriptionId;
    const vaultId = `/subscriptions/${sub}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${VAULT}`;
    const uai = {
      type: 'UserAssigned' as const,
      userAssignedIdentityId: Object.values(world.emulator.state.userAssignedIdentities)[0]?.id ?? '',
    };
    await createAs(
      admin.adminCustom,
      'logicappworkflows',
      workflowManifest(teamA, 'wf-a', {
        subscriptionId: sub,
        resourceGroup: DEMO_RESOURCE_GROUP,
        identity: uai,
      }),
    );
    await createAs(
      admin.adminCustom,
      'logicappworkflows',
      workflowManifest(teamB, 'wf-b', {
        subscriptionId: sub,
        resourceGroup: DEMO_RESOURCE_GROUP,
        identity: uai,
      }),
    );
    await createAs(
      admin.adminCustom,
      'logicappworkflows',
      workflowManifest(teamA, 'wf-own', { subscriptionId: sub, resourceGroup: DEMO_RESOURCE_GROUP }),
    );
    const bindings: Array<[string, string, string, string[]]> = [
      [teamA, 'a-shared', 'wf-a', ['get', 'list']],
      [teamB, 'b-shared', 'wf-b', ['get']],
      [teamA, 'a-own', 'wf-own', ['get']],
    ];
    for (const [namespace, name, workflow, permissions] of bindings) {
      await createAs(
        admin.adminCustom,
        'vaultsecretbindings',
        bindingManifest(
          namespace,
          name,
          workflow,
          vaultId,
          {},
          { secretName: DEMO_SECRET_NAME, permissions },
        ),
      );
    }
    for (const [namespace, name] of bindings)
      await waitForReason(admin, 'vaultsecretbindings', namespace, name, 'Succeeded');
    const own = await waitForReason(admin, 'logicappworkflows', teamA, 'wf-own', 'Succeeded');
    ownPrincipal = (own.status?.identity as { principalId?: string } | undefined)?.principalId ?? '';
    expect(entry(sharedPrincipal)).toEqual(['get', 'list']);
    expect(entry(ownPrincipal)).toEqual(['get']);

    // The restore: every object's status is gone, and a fresh operator starts.
    await operator?.stop();
    operator = undefined;
    for (const [namespace, name] of bindings) await dropStatus('vaultsecretbindings', namespace, name);
    for (const [namespace, name] of [
      [teamA, 'wf-a'],
      [teamB, 'wf-b'],
      [teamA, 'wf-own'],
    ] as const) {
      await dropStatus('logicappworkflows', namespace, name);
    }
    expect((await read(admin, 'vaultsecretbindings', teamA, 'a-shared'))?.status).toBeUndefined();
    const writesBefore = world.emulator.counters().writes;
    await startOperator('restore-2');
    for (const [namespace, name] of bindings) {
      const binding = await waitForReason(admin, 'vaultsecretbindings', namespace, name, 'Succeeded');
      // Status reports the grant again, from the operator's records.
      expect(binding.status?.grant).toMatchObject({ phase: 'Granted' });
    }
    expect(world.emulator.counters().writes).toBe(writesBefore);
    expect(entry(sharedPrincipal)).toEqual(['get', 'list']);

    // Deleting the bindings leaves exactly what was there before logicops.
    for (const [namespace, name] of bindings) {
      await admin.adminCustom.deleteNamespacedCustomObject({
        group: 'logicops.io',
        version: 'v1alpha1',
        namespace,
        plural: 'vaultsecretbindings',
        name,
      });
    }
    for (const [namespace, name] of bindings) await waitGone(admin, 'vaultsecretbindings', namespace, name);
    await eventually(async () => {
      expect(entry(sharedPrincipal)).toEqual(['list']);
      expect(entry(ownPrincipal)).toBeUndefined();
    });
  });
});
