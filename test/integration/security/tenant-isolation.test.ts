// Issue 20's attack suite: team A, acting only through its own ServiceAccount (the two kinds, their
// status and ConfigMaps, in its own namespace), tries every path we know from a namespace to
// another team's Azure resources. One operator serves both teams. Each attack is judged from the
// emulator: no request after the attack began touched team B's resource group, and team B's Azure
// state (workflows, access-policy entries, role assignments, the shared vault's entries) is exactly
// what it was before the suite's attacks. Each attacker object shows a clear reason.
import { LogicManagementClient } from '@azure/arm-logic';
import { EventsV1Api } from '@kubernetes/client-node';
import { DEFINITION, operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  NAMESPACE_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import { recordName } from '../../../src/controllers/shared/records/record-configmap.ts';
import { PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { RECORD_LABEL, RECORD_NAMESPACE_LABEL, RECORD_OBJECT_ANNOTATION } from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import {
  ALLOWED_ROLE_NAMES,
  bindingManifest,
  CUSTOM_ROLE_ID,
  conditionOf,
  connectionManifest,
  createAs,
  deleteAs,
  FOREIGN_PRINCIPAL,
  type Kind,
  lastSeq,
  outsideAttackerScope,
  patchStatusAs,
  roleAssignmentManifest,
  startTenants,
  type Tenants,
  waitForReason,
  waitGone,
  workflowManifest,
} from './support/tenants.ts';

const FINALIZER = 'logicops.io/finalizer';
const RECEIVER = 'Azure Service Bus Data Receiver';
const ADOPT = { 'logicops.io/adopt': 'true' };

let t: Tenants;
let victimPrincipal = '';
let victimSharedPrincipal = '';
let attackerPrincipal = '';
let before = '';

/** Everything of team B's (and of the foreign principal) in Azure, for before/after comparison. */
function victimState(): string {
  const { state } = t.world.emulator;
  const attackerOwned = (tags: Record<string, string>) =>
    (tags['logicops-owner'] ?? '').includes(`/${t.attacker.namespace}/`);
  const workflows = Object.values(state.workflows)
    .filter((w) => w.resourceGroup.toLowerCase() !== 'rg-team-a' && !attackerOwned(w.tags))
    .map((w) => ({ id: w.id.toLowerCase(), tags: w.tags, identity: w.identity, properties: w.properties }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const entries = Object.values(state.vaults)
    .flatMap((v) =>
      v.accessPolicies
        .filter((e) => e.objectId.toLowerCase() !== attackerPrincipal.toLowerCase())
        .map((e) => ({ vault: v.name, objectId: e.objectId, permissions: e.permissions })),
    )
    .sort((a, b) => `${a.vault}${a.objectId}`.localeCompare(`${b.vault}${b.objectId}`));
  const assignments = Object.values(state.roleAssignments)
    .filter((a) => a.principalId.toLowerCase() !== attackerPrincipal.toLowerCase())
    .map((a) => ({ name: a.name, scope: a.scope.toLowerCase(), principalId: a.principalId }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const connections = Object.values(state.webConnections)
    .filter((c) => !attackerOwned(c.tags))
    .map((c) => ({
      id: c.id.toLowerCase(),
      tags: c.tags,
      displayName: c.displayName,
      set: c.parameterValueSet,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return JSON.stringify({ workflows, entries, assignments, connections }, null, 1);
}

function entriesOf(vaultName: string, principalId: string) {
  const vault = Object.values(t.world.emulator.state.vaults).find((v) => v.name === vaultName);
  return vault?.accessPolicies.filter((e) => e.objectId.toLowerCase() === principalId.toLowerCase()) ?? [];
}

/** Requests since `mark` whose path names this Azure workflow with this method. */
function requestsTo(mark: number, method: string, workflowName: string) {
  return t.world.emulator
    .requests(mark)
    .filter((r) => r.method === method && r.path.toLowerCase().endsWith(`/workflows/${workflowName}`));
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return value;
}

async function eventReasons(namespace: string, name: string): Promise<string[]> {
  const events = await adminKubeConfig()
    .makeApiClient(EventsV1Api)
    .listNamespacedEvent({ namespace, fieldSelector: `regarding.name=${name}` });
  return events.items.map((event) => event.reason ?? '');
}

/** Team A deletes one of its objects and it is gone (its finalizer ran). */
async function removeAsAttacker(plural: Kind, name: string) {
  await deleteAs(t.attacker, plural, name);
  await waitGone(t, plural, t.attacker.namespace, name);
}

/** Team A binds its own workflow's principal on `vaultId`, and the binding is Ready. */
async function grantedAsAttacker(name: string, vaultId: string) {
  await createAs(
    t.attacker,
    'vaultsecretbindings',
    bindingManifest(t.attacker.namespace, name, 'wf-a', vaultId),
  );
  return waitForReason(t, 'vaultsecretbindings', t.attacker.namespace, name, 'Succeeded');
}

async function victimApplies(plural: Kind, body: { metadata: { namespace: string } }) {
  await createAs(t.adminCustom, plural, body);
}

async function principalOf(namespace: string, name: string): Promise<string> {
  const workflow = await waitForReason(t, 'logicappworkflows', namespace, name, 'Succeeded');
  const principal = (workflow.status?.identity as { principalId?: string } | undefined)?.principalId;
  if (!principal) throw new Error(`${name} has no principal`);
  return principal;
}

beforeAll(async () => {
  t = await startTenants();
  const sub = t.subscriptionId;
  const b = t.victim.namespace;
  const a = t.attacker.namespace;
  // An untagged workflow someone made by hand in the shared group.
  const logic = new LogicManagementClient(operatorCredential(t.world.emulator), sub, {
    endpoint: t.world.emulator.armEndpoint,
  });
  await logic.workflows.createOrUpdate('rg-shared', 'legacy-shared', {
    location: 'westeurope',
    tags: { team: 'legacy' },
    definition: DEFINITION,
  });
  // Team B's life: a workflow in its own group and one in the shared group, each granted.
  await victimApplies(
    'logicappworkflows',
    workflowManifest(b, 'wf-b', { subscriptionId: sub, resourceGroup: 'rg-team-b' }),
  );
  await victimApplies(
    'logicappworkflows',
    workflowManifest(b, 'wf-b-shared', { subscriptionId: sub, resourceGroup: 'rg-shared' }),
  );
  await victimApplies('vaultsecretbindings', bindingManifest(b, 'bind-b', 'wf-b', t.vault('kv-team-b')));
  await victimApplies(
    'vaultsecretbindings',
    bindingManifest(b, 'bind-b-rbac', 'wf-b', t.vault('kv-team-b-rbac')),
  );
  await victimApplies(
    'vaultsecretbindings',
    bindingManifest(
      b,
      'bind-b-shared',
      'wf-b-shared',
      t.vault('kv-shared'),
      {},
      { permissions: ['get', 'list'] },
    ),
  );
  // Team A's own, legitimate life.
  await createAs(
    t.attacker,
    'logicappworkflows',
    workflowManifest(a, 'wf-a', { subscriptionId: sub, resourceGroup: 'rg-team-a' }),
  );
  await createAs(
    t.attacker,
    'vaultsecretbindings',
    bindingManifest(a, 'bind-a', 'wf-a', t.vault('kv-team-a')),
  );
  // Team B's role grant on the shared Service Bus namespace (issue 24).
  await victimApplies(
    'workflowroleassignments',
    roleAssignmentManifest(
      b,
      'wra-b-shared',
      'wf-b-shared',
      t.queue('rg-shared', 'sb-shared', 'orders'),
      RECEIVER,
    ),
  );
  // Team B's API connection in the shared group (issue 24).
  await victimApplies(
    'logicappconnections',
    connectionManifest(b, 'bus-b', sub, 'rg-shared', { azureName: 'shared-bus', displayName: 'Team B bus' }),
  );
  victimPrincipal = await principalOf(b, 'wf-b');
  victimSharedPrincipal = await principalOf(b, 'wf-b-shared');
  attackerPrincipal = await principalOf(a, 'wf-a');
  for (const name of ['bind-b', 'bind-b-rbac', 'bind-b-shared']) {
    await waitForReason(t, 'vaultsecretbindings', b, name, 'Succeeded');
  }
  await waitForReason(t, 'vaultsecretbindings', a, 'bind-a', 'Succeeded');
  await waitForReason(t, 'workflowroleassignments', b, 'wra-b-shared', 'Succeeded');
  await waitForReason(t, 'logicappconnections', b, 'bus-b', 'Succeeded');
  expect(entriesOf('kv-team-b', victimPrincipal)).toHaveLength(1);
  expect(entriesOf('kv-shared', victimSharedPrincipal)).toHaveLength(1);
  before = victimState();
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

afterEach(() => {
  // Whatever the attack, team B's Azure side and the foreign principal's entries are untouched.
  expect(victimState()).toBe(before);
});

describe('tenant isolation: what team A writes never reaches team B (issue 20)', () => {
  it('1. cannot delete team B workflow by adopting it with a finalizer in its own manifest', async () => {
    const mark = lastSeq(t);
    const manifest = workflowManifest(
      t.attacker.namespace,
      'steal-b',
      { subscriptionId: t.subscriptionId, resourceGroup: 'rg-team-b', azureName: 'wf-b' },
      { annotations: ADOPT, finalizers: [FINALIZER] },
    );
    await createAs(t.attacker, 'logicappworkflows', manifest);
    const denied = await waitForReason(
      t,
      'logicappworkflows',
      t.attacker.namespace,
      'steal-b',
      'NamespacePolicyDenied',
    );
    expect(conditionOf(denied, 'Stalled')?.message).toContain('rg-team-b');
    await removeAsAttacker('logicappworkflows', 'steal-b');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it('2. cannot adopt team B workflow in a shared resource group, even where an admin allows adoption', async () => {
    await t.admin.patch(NAMESPACE_RESOURCE, { name: t.attacker.namespace }, PatchStrategy.MergePatch, {
      metadata: { annotations: { 'logicops.io/allow-adoption': 'true' } },
    });
    try {
      const mark = lastSeq(t);
      const manifest = workflowManifest(
        t.attacker.namespace,
        'steal-shared',
        { subscriptionId: t.subscriptionId, resourceGroup: 'rg-shared', azureName: 'wf-b-shared' },
        { annotations: ADOPT },
      );
      await createAs(t.attacker, 'logicappworkflows', manifest);
      const refused = await waitForReason(
        t,
        'logicappworkflows',
        t.attacker.namespace,
        'steal-shared',
        'AlreadyOwned',
      );
      expect(conditionOf(refused, 'Ready')?.message).toContain(
        'never takes over a workflow tagged for another owner',
      );
      expect(refused.status?.identity).toBeUndefined();
      // A binding of the would-be adopter gets no principal to grant.
      await createAs(
        t.attacker,
        'vaultsecretbindings',
        bindingManifest(t.attacker.namespace, 'bind-steal-shared', 'steal-shared', t.vault('kv-team-a')),
      );
      await waitForReason(
        t,
        'vaultsecretbindings',
        t.attacker.namespace,
        'bind-steal-shared',
        'WaitingForPrincipal',
      );
      await deleteAs(t.attacker, 'logicappworkflows', 'steal-shared');
      await deleteAs(t.attacker, 'vaultsecretbindings', 'bind-steal-shared');
      await waitGone(t, 'logicappworkflows', t.attacker.namespace, 'steal-shared');
      expect(requestsTo(mark, 'PUT', 'wf-b-shared')).toEqual([]);
      expect(requestsTo(mark, 'DELETE', 'wf-b-shared')).toEqual([]);
      expect(entriesOf('kv-team-a', victimSharedPrincipal)).toEqual([]);
      expect(outsideAttackerScope(t, mark)).toEqual([]);
    } finally {
      await t.admin.patch(NAMESPACE_RESOURCE, { name: t.attacker.namespace }, PatchStrategy.MergePatch, {
        metadata: { annotations: { 'logicops.io/allow-adoption': null } },
      });
    }
  });

  it('3. cannot adopt an untagged workflow on its own say-so (its own allow-adoption annotation included)', async () => {
    const mark = lastSeq(t);
    const manifest = workflowManifest(
      t.attacker.namespace,
      'legacy-shared',
      { subscriptionId: t.subscriptionId, resourceGroup: 'rg-shared' },
      { annotations: { ...ADOPT, 'logicops.io/allow-adoption': 'true' } },
    );
    await createAs(t.attacker, 'logicappworkflows', manifest);
    const refused = await waitForReason(
      t,
      'logicappworkflows',
      t.attacker.namespace,
      'legacy-shared',
      'AlreadyOwned',
    );
    expect(conditionOf(refused, 'Ready')?.message).toContain('a cluster admin annotates the namespace');
    await removeAsAttacker('logicappworkflows', 'legacy-shared');
    expect(requestsTo(mark, 'PUT', 'legacy-shared')).toEqual([]);
    expect(requestsTo(mark, 'DELETE', 'legacy-shared')).toEqual([]);
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("4. cannot get team B's principal granted by forging its own workflow's status.identity", async () => {
    const mark = lastSeq(t);
    await patchStatusAs(t.attacker, 'logicappworkflows', 'wf-a', {
      identity: {
        type: 'SystemAssigned',
        principalId: victimPrincipal,
        principalObservedAt: '2020-01-01T00:00:00Z',
      },
    });
    await createAs(
      t.attacker,
      'vaultsecretbindings',
      bindingManifest(
        t.attacker.namespace,
        'bind-forged-identity',
        'wf-a',
        t.vault('kv-team-a'),
        {},
        {
          permissions: ['get', 'list'],
        },
      ),
    );
    const granted = await waitForReason(
      t,
      'vaultsecretbindings',
      t.attacker.namespace,
      'bind-forged-identity',
      'Succeeded',
    );
    expect(granted.status?.principalId).toBe(attackerPrincipal);
    expect(entriesOf('kv-team-a', victimPrincipal)).toEqual([]);
    await removeAsAttacker('vaultsecretbindings', 'bind-forged-identity');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("5. cannot revoke team B's permissions by forging a binding's status.grant (own vault, shared vault, B's vault)", async () => {
    for (const [name, vaultName, principal] of [
      ['forge-b', 'kv-team-b', victimPrincipal],
      ['forge-shared', 'kv-shared', victimSharedPrincipal],
    ] as const) {
      const mark = lastSeq(t);
      await grantedAsAttacker(name, t.vault('kv-team-a'));
      await patchStatusAs(t.attacker, 'vaultsecretbindings', name, {
        grant: {
          phase: 'Granted',
          principalId: principal,
          vaultId: t.vault(vaultName),
          accessModel: 'AccessPolicy',
          permissionsAdded: ['get', 'list'],
        },
      });
      await deleteAs(t.attacker, 'vaultsecretbindings', name);
      await waitGone(t, 'vaultsecretbindings', t.attacker.namespace, name);
      expect(outsideAttackerScope(t, mark)).toEqual([]);
    }
    expect(entriesOf('kv-team-b', victimPrincipal)).toHaveLength(1);
  });

  it("6. cannot delete team B's role assignment by forging an RBAC ledger with its computable name", async () => {
    const assignment = Object.values(t.world.emulator.state.roleAssignments).find(
      (a) => a.principalId.toLowerCase() === victimPrincipal.toLowerCase(),
    );
    expect(assignment).toBeDefined();
    const mark = lastSeq(t);
    await grantedAsAttacker('forge-rbac', t.vault('kv-team-a'));
    await patchStatusAs(t.attacker, 'vaultsecretbindings', 'forge-rbac', {
      grant: {
        phase: 'Granted',
        principalId: victimPrincipal,
        vaultId: t.vault('kv-team-b-rbac'),
        accessModel: 'RBAC',
        roleAssignmentName: assignment?.name,
        roleAssignmentScope: assignment?.scope,
      },
    });
    await removeAsAttacker('vaultsecretbindings', 'forge-rbac');
    expect(t.world.emulator.requests(mark).filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("7. cannot remove a foreign principal's pre-existing entry in its own vault with a forged ledger", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'vaultsecretbindings',
      bindingManifest(t.attacker.namespace, 'forge-foreign', 'wf-a', t.vault('kv-team-a'), {
        finalizers: [FINALIZER],
      }),
    );
    await waitForReason(t, 'vaultsecretbindings', t.attacker.namespace, 'forge-foreign', 'Succeeded');
    await patchStatusAs(t.attacker, 'vaultsecretbindings', 'forge-foreign', {
      grant: {
        phase: 'Revoking',
        principalId: FOREIGN_PRINCIPAL,
        vaultId: t.vault('kv-team-a'),
        accessModel: 'AccessPolicy',
        permissionsAdded: ['get', 'list'],
        permissionsPreExisting: [],
      },
    });
    await removeAsAttacker('vaultsecretbindings', 'forge-foreign');
    expect(entriesOf('kv-team-a', FOREIGN_PRINCIPAL)).toHaveLength(1);
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("8. cannot reach team B's workflow by naming it from its own namespace", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'vaultsecretbindings',
      bindingManifest(t.attacker.namespace, 'bind-cross', 'wf-b', t.vault('kv-team-a')),
    );
    const waiting = await waitForReason(
      t,
      'vaultsecretbindings',
      t.attacker.namespace,
      'bind-cross',
      'WaitingForWorkflow',
    );
    expect(conditionOf(waiting, 'Ready')?.message).toContain('does not exist');
    expect(entriesOf('kv-team-a', victimPrincipal)).toEqual([]);
    await removeAsAttacker('vaultsecretbindings', 'bind-cross');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("9. cannot run as team B's user-assigned identity", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'logicappworkflows',
      workflowManifest(t.attacker.namespace, 'uai-steal', {
        subscriptionId: t.subscriptionId,
        resourceGroup: 'rg-team-a',
        identity: { type: 'UserAssigned', userAssignedIdentityId: t.identity('rg-team-b', 'uai-b') },
      }),
    );
    const denied = await waitForReason(
      t,
      'logicappworkflows',
      t.attacker.namespace,
      'uai-steal',
      'NamespacePolicyDenied',
    );
    expect(conditionOf(denied, 'Ready')?.message).toContain('uai-b');
    expect(requestsTo(mark, 'PUT', 'uai-steal')).toEqual([]);
    await removeAsAttacker('logicappworkflows', 'uai-steal');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("10. cannot bind team B's vault", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'vaultsecretbindings',
      bindingManifest(t.attacker.namespace, 'bind-kv-b', 'wf-a', t.vault('kv-team-b')),
    );
    await waitForReason(t, 'vaultsecretbindings', t.attacker.namespace, 'bind-kv-b', 'NamespacePolicyDenied');
    await removeAsAttacker('vaultsecretbindings', 'bind-kv-b');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("11. cannot edit its namespace's policy annotations or the operator's records", async () => {
    const refused = (error: unknown) => (error as { code?: number }).code;
    await expect(
      t.attacker.kube
        .patch(NAMESPACE_RESOURCE, { name: t.attacker.namespace }, PatchStrategy.MergePatch, {
          metadata: {
            annotations: { 'logicops.io/allowed-vaults': '**', 'logicops.io/allow-adoption': 'true' },
          },
        })
        .catch(refused),
    ).resolves.toBe(403);
    await expect(
      t.attacker.core
        .createNamespacedConfigMap({
          namespace: t.recordsNamespace,
          body: { metadata: { name: 'planted' }, data: { record: '{}' } },
        })
        .catch(refused),
    ).resolves.toBe(403);
    await expect(
      t.attacker.core.listNamespacedConfigMap({ namespace: t.recordsNamespace }).catch(refused),
    ).resolves.toBe(403);
  });

  it('12. cannot plant an operator record in its own namespace', async () => {
    const mark = lastSeq(t);
    const name = recordName('identity', t.attacker.namespace, 'wf-a');
    await t.attacker.core.createNamespacedConfigMap({
      namespace: t.attacker.namespace,
      body: {
        metadata: {
          name,
          labels: { [RECORD_LABEL]: 'identity', [RECORD_NAMESPACE_LABEL]: t.attacker.namespace },
          annotations: { [RECORD_OBJECT_ANNOTATION]: `${t.attacker.namespace}/wf-a` },
        },
        data: {
          record: JSON.stringify({
            type: 'SystemAssigned',
            principalId: victimPrincipal,
            principalObservedAt: '2020-01-01T00:00:00Z',
          }),
        },
      },
    });
    await createAs(
      t.attacker,
      'vaultsecretbindings',
      bindingManifest(t.attacker.namespace, 'bind-planted', 'wf-a', t.vault('kv-shared')),
    );
    const granted = await waitForReason(
      t,
      'vaultsecretbindings',
      t.attacker.namespace,
      'bind-planted',
      'Succeeded',
    );
    expect(granted.status?.principalId).toBe(attackerPrincipal);
    expect(entriesOf('kv-shared', attackerPrincipal)).toHaveLength(1);
    await removeAsAttacker('vaultsecretbindings', 'bind-planted');
    expect(entriesOf('kv-shared', attackerPrincipal)).toEqual([]);
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("13. cannot move a Ready workflow or binding onto team B's scopes by editing its spec", async () => {
    const refused = (error: unknown) => (error as { code?: number }).code;
    const patchSpec = (plural: Kind, name: string, spec: Record<string, unknown>) =>
      t.attacker.custom
        .patchNamespacedCustomObject({
          group: 'logicops.io',
          version: 'v1alpha1',
          namespace: t.attacker.namespace,
          plural,
          name,
          body: [{ op: 'replace', path: `/spec/${Object.keys(spec)[0]}`, value: Object.values(spec)[0] }],
        })
        .then(() => 200)
        .catch(refused);
    expect(await patchSpec('logicappworkflows', 'wf-a', { resourceGroup: 'rg-team-b' })).toBe(422);
    expect(await patchSpec('logicappworkflows', 'wf-a', { azureName: 'wf-b' })).toBe(422);
    expect(await patchSpec('vaultsecretbindings', 'bind-a', { vaultId: t.vault('kv-team-b') })).toBe(422);
  });

  it('14. re-creating a binding under the same name takes nothing along: its old grant is revoked', async () => {
    const mark = lastSeq(t);
    await grantedAsAttacker('bind-renamed', t.vault('kv-shared'));
    // Deleted while no operator runs and its finalizer removed by hand (a force-delete), then
    // re-created under the same name on another vault.
    await t.stopOperator();
    await deleteAs(t.attacker, 'vaultsecretbindings', 'bind-renamed');
    await t.admin.patch(
      VAULT_SECRET_BINDING_RESOURCE,
      { namespace: t.attacker.namespace, name: 'bind-renamed' },
      PatchStrategy.JsonPatch,
      [{ op: 'remove', path: '/metadata/finalizers' }],
    );
    await waitGone(t, 'vaultsecretbindings', t.attacker.namespace, 'bind-renamed');
    expect(entriesOf('kv-shared', attackerPrincipal)).toHaveLength(1);
    await t.startOperator();
    await grantedAsAttacker('bind-renamed', t.vault('kv-team-a'));
    expect(entriesOf('kv-shared', attackerPrincipal)).toEqual([]);
    await removeAsAttacker('vaultsecretbindings', 'bind-renamed');
    // The restarted operator reads team B's objects once (its start-up pass), and writes nothing there.
    expect(outsideAttackerScope(t, mark).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('15. a policy narrowed by an admin revokes what falls outside it, with a reason', async () => {
    const mark = lastSeq(t);
    await grantedAsAttacker('bind-narrowed', t.vault('kv-shared'));
    expect(entriesOf('kv-shared', attackerPrincipal)).toHaveLength(1);
    const namespace = await t.admin.get<{ metadata: { annotations: Record<string, string> } }>(
      NAMESPACE_RESOURCE,
      undefined,
      t.attacker.namespace,
    );
    const vaults = namespace.metadata.annotations['logicops.io/allowed-vaults'] ?? '';
    await t.admin.patch(NAMESPACE_RESOURCE, { name: t.attacker.namespace }, PatchStrategy.MergePatch, {
      metadata: { annotations: { 'logicops.io/allowed-vaults': vaults.split(',')[0] } },
    });
    try {
      const denied = await waitForReason(
        t,
        'vaultsecretbindings',
        t.attacker.namespace,
        'bind-narrowed',
        'NamespacePolicyDenied',
      );
      expect(conditionOf(denied, 'Stalled')?.message).toContain('namespace policy denies vault');
      await eventually(async () =>
        expect(await eventReasons(t.attacker.namespace, 'bind-narrowed')).toEqual(
          expect.arrayContaining(['Granted', 'Revoked', 'NamespacePolicyDenied']),
        ),
      );
      expect(entriesOf('kv-shared', attackerPrincipal)).toEqual([]);
      // bind-a is on a vault still allowed: untouched.
      expect(entriesOf('kv-team-a', attackerPrincipal)).toHaveLength(1);
    } finally {
      await t.admin.patch(NAMESPACE_RESOURCE, { name: t.attacker.namespace }, PatchStrategy.MergePatch, {
        metadata: { annotations: { 'logicops.io/allowed-vaults': vaults } },
      });
    }
    await removeAsAttacker('vaultsecretbindings', 'bind-narrowed');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
  });

  it("16. cannot turn an Azure name into another URL ('.', '..', encoded and slashed names)", async () => {
    const mark = lastSeq(t);
    for (const azureName of ['..', '.', '%2e%2e', 'wf-b/../wf-b', 'wf-b?api-version=1']) {
      const code = await createAs(
        t.attacker,
        'logicappworkflows',
        workflowManifest(t.attacker.namespace, `dots-${Math.abs(hash(azureName))}`, {
          subscriptionId: t.subscriptionId,
          resourceGroup: 'rg-team-a',
          azureName,
        }),
      ).then(
        () => 201,
        (error: unknown) => (error as { code?: number }).code,
      );
      expect({ azureName, code }).toEqual({ azureName, code: 422 });
    }
    const workflowWrites = t.world.emulator
      .requests(mark)
      .filter(
        (r) => r.method !== 'GET' && r.path.toLowerCase().includes('/providers/microsoft.logic/workflows'),
      );
    expect(workflowWrites).toEqual([]);
  });
});

describe('role grants (issue 24): what team A grants never escalates or reaches team B', () => {
  /** Role assignments in Azure for team A's principal. */
  const attackerAssignments = () =>
    Object.values(t.world.emulator.state.roleAssignments).filter(
      (a) => a.principalId.toLowerCase() === attackerPrincipal.toLowerCase(),
    );

  it('24. cannot grant its workflow a role that changes authorization, even where its namespace lists it', async () => {
    const mark = lastSeq(t);
    const ownQueue = t.queue('rg-team-a', 'sb-team-a', 'orders');
    const attempts = [
      ...ALLOWED_ROLE_NAMES.filter((role) => role !== RECEIVER),
      `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_ROLE_ID}`,
    ];
    for (const [i, role] of attempts.entries()) {
      await createAs(
        t.attacker,
        'workflowroleassignments',
        roleAssignmentManifest(t.attacker.namespace, `escalate-${i}`, 'wf-a', ownQueue, role),
      );
    }
    for (const [i] of attempts.entries()) {
      const refused = await waitForReason(
        t,
        'workflowroleassignments',
        t.attacker.namespace,
        `escalate-${i}`,
        'InvalidSpec',
      );
      expect(conditionOf(refused, 'Stalled')?.status).toBe('True');
      expect(await eventReasons(t.attacker.namespace, `escalate-${i}`)).toContain('InvalidSpec');
    }
    expect(t.world.emulator.requests(mark).filter((r) => r.plane === 'arm' && r.method !== 'GET')).toEqual(
      [],
    );
    expect(attackerAssignments()).toEqual([]);
    for (const [i] of attempts.entries()) await removeAsAttacker('workflowroleassignments', `escalate-${i}`);
  });

  it("25. cannot grant a role on team B's resources, or a role its namespace does not list", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'workflowroleassignments',
      roleAssignmentManifest(
        t.attacker.namespace,
        'on-b',
        'wf-a',
        t.queue('rg-team-b', 'sb-team-b', 'orders'),
        RECEIVER,
      ),
    );
    await createAs(
      t.attacker,
      'workflowroleassignments',
      roleAssignmentManifest(
        t.attacker.namespace,
        'unlisted-role',
        'wf-a',
        t.queue('rg-team-a', 'sb-team-a', 'orders'),
        'Azure Service Bus Data Sender',
      ),
    );
    for (const name of ['on-b', 'unlisted-role']) {
      await waitForReason(t, 'workflowroleassignments', t.attacker.namespace, name, 'NamespacePolicyDenied');
    }
    expect(outsideAttackerScope(t, mark)).toEqual([]);
    expect(t.world.emulator.requests(mark).filter((r) => r.plane === 'arm' && r.method !== 'GET')).toEqual(
      [],
    );
    for (const name of ['on-b', 'unlisted-role']) await removeAsAttacker('workflowroleassignments', name);
  });

  it("26. cannot have team B's role assignment deleted: same scope and role, a forged status.grant naming B's", async () => {
    const shared = t.queue('rg-shared', 'sb-shared', 'orders');
    const victims = Object.values(t.world.emulator.state.roleAssignments).filter(
      (a) =>
        a.principalId.toLowerCase() === victimSharedPrincipal.toLowerCase() &&
        a.scope.toLowerCase() === shared.toLowerCase(),
    );
    expect(victims).toHaveLength(1);
    await createAs(
      t.attacker,
      'workflowroleassignments',
      roleAssignmentManifest(t.attacker.namespace, 'same-scope', 'wf-a', shared, RECEIVER),
    );
    await waitForReason(t, 'workflowroleassignments', t.attacker.namespace, 'same-scope', 'Succeeded');
    const [own] = attackerAssignments();
    expect(own?.scope.toLowerCase()).toBe(shared.toLowerCase());
    const mark = lastSeq(t);
    await patchStatusAs(t.attacker, 'workflowroleassignments', 'same-scope', {
      grant: {
        phase: 'Granted',
        principalId: victimSharedPrincipal,
        workflowName: 'wf-a',
        scope: shared,
        roleDefinitionId: victims[0]?.roleDefinitionId,
        roleAssignmentName: victims[0]?.name,
      },
    });
    await removeAsAttacker('workflowroleassignments', 'same-scope');
    const deletes = t.world.emulator.requests(mark).filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path.split('/').at(-1))).toEqual([own?.name]);
    expect(attackerAssignments()).toEqual([]);
  });
});

describe('API connections (issue 24): what team A connects never reaches team B', () => {
  /** Team B's connection in the shared group, as the emulator holds it. */
  const victimConnection = () =>
    Object.values(t.world.emulator.state.webConnections).find((c) => c.name === 'shared-bus');

  it("27. cannot create a connection in team B's resource group", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'logicappconnections',
      connectionManifest(t.attacker.namespace, 'in-b', t.subscriptionId, 'rg-team-b'),
    );
    const refused = await waitForReason(
      t,
      'logicappconnections',
      t.attacker.namespace,
      'in-b',
      'NamespacePolicyDenied',
    );
    expect(conditionOf(refused, 'Stalled')?.status).toBe('True');
    await removeAsAttacker('logicappconnections', 'in-b');
    expect(outsideAttackerScope(t, mark)).toEqual([]);
    expect(t.world.emulator.requests(mark).filter((r) => r.plane === 'arm' && r.method !== 'GET')).toEqual(
      [],
    );
  });

  it("28. cannot take over team B's connection by naming it, nor have it deleted with a forged status", async () => {
    const victim = victimConnection();
    expect(victim?.tags['logicops-owner']).toContain(`/${t.victim.namespace}/bus-b`);
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'logicappconnections',
      connectionManifest(t.attacker.namespace, 'same-name', t.subscriptionId, 'rg-shared', {
        azureName: 'shared-bus',
        displayName: 'Team A now',
      }),
    );
    const refused = await waitForReason(
      t,
      'logicappconnections',
      t.attacker.namespace,
      'same-name',
      'AlreadyOwned',
    );
    expect(conditionOf(refused, 'Stalled')?.message).toContain('owned by');
    // Status is the operator's report, never read back: pointing it at B's connection changes nothing.
    await patchStatusAs(t.attacker, 'logicappconnections', 'same-name', { resourceId: victim?.id });
    await removeAsAttacker('logicappconnections', 'same-name');
    const writes = t.world.emulator
      .requests(mark)
      .filter(
        (r) => r.plane === 'arm' && r.method !== 'GET' && r.path.toLowerCase().includes('/connections/'),
      );
    expect(writes).toEqual([]);
    expect(victimConnection()).toEqual(victim);
  });
});

describe("API connections (issue 24): team A's workflow cannot use team B's connection or identity", () => {
  const DEFINITION_WITH_CONNECTIONS = {
    ...DEFINITION,
    parameters: { $connections: { type: 'Object', defaultValue: {} } },
  };
  const victimConnection = () =>
    `/subscriptions/${t.subscriptionId}/resourceGroups/rg-team-b/providers/Microsoft.Web/connections/bus-b`;
  const managedApi = () =>
    `/subscriptions/${t.subscriptionId}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`;

  it("29. cannot point a hand-written $connections at team B's connection, or authenticate it as team B's identity", async () => {
    const mark = lastSeq(t);
    await createAs(
      t.attacker,
      'logicappworkflows',
      workflowManifest(t.attacker.namespace, 'via-b-connection', {
        subscriptionId: t.subscriptionId,
        resourceGroup: 'rg-team-a',
        definition: DEFINITION_WITH_CONNECTIONS,
        parameters: {
          $connections: {
            servicebus: { connectionId: victimConnection(), connectionName: 'bus-b', id: managedApi() },
          },
        },
      }),
    );
    const victimIdentity = `/subscriptions/${t.subscriptionId}/resourceGroups/rg-team-b/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-b`;
    await createAs(
      t.attacker,
      'logicappworkflows',
      workflowManifest(t.attacker.namespace, 'as-b-identity', {
        subscriptionId: t.subscriptionId,
        resourceGroup: 'rg-team-a',
        definition: DEFINITION_WITH_CONNECTIONS,
        parameters: {
          $connections: {
            servicebus: {
              connectionId: `/subscriptions/${t.subscriptionId}/resourceGroups/rg-team-a/providers/Microsoft.Web/connections/bus-a`,
              connectionName: 'bus-a',
              id: managedApi(),
              connectionProperties: {
                authentication: { type: 'ManagedServiceIdentity', identity: victimIdentity },
              },
            },
          },
        },
      }),
    );
    const denied = await waitForReason(
      t,
      'logicappworkflows',
      t.attacker.namespace,
      'via-b-connection',
      'NamespacePolicyDenied',
    );
    expect(conditionOf(denied, 'Ready')?.message).toContain('rg-team-b');
    const invalid = await waitForReason(
      t,
      'logicappworkflows',
      t.attacker.namespace,
      'as-b-identity',
      'InvalidSpec',
    );
    expect(conditionOf(invalid, 'Ready')?.message).toContain("is not this workflow's");
    expect(outsideAttackerScope(t, mark)).toEqual([]);
    const writes = t.world.emulator
      .requests(mark)
      .filter(
        (r) => r.plane === 'arm' && r.method !== 'GET' && /via-b-connection|as-b-identity/.test(r.path),
      );
    expect(writes).toEqual([]);
    for (const name of ['via-b-connection', 'as-b-identity'])
      await removeAsAttacker('logicappworkflows', name);
  });
});
