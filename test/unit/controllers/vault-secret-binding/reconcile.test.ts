// Reconcile-level tests: the real reconcile against a fake API server and fake gateways, with
// the exact order of Kubernetes and Azure writes asserted (the write-ahead protocol).
import { beforeEach, describe, expect, it } from 'vitest';
import { AzureError, classifyAzureError } from '../../../../src/azure/index.ts';
import { roleAssignmentTarget } from '../../../../src/controllers/vault-secret-binding/plan/grant-model.ts';
import { StalledError, TerminalError } from '../../../../src/runtime/index.ts';
import { restError } from '../../azure/fake-errors.ts';
import {
  addTestVault,
  condition,
  createWorld,
  NAMESPACE,
  OTHER_PRINCIPAL,
  PRINCIPAL,
  TENANT,
  vaultId,
  type World,
} from './support/world.ts';

const azureError = (operation: string, status: number, code: string) =>
  new AzureError(operation, classifyAzureError(restError(status, code)), status, code);

function accessPolicyVault(
  world: World,
  accessPolicies: Parameters<World['azure']['addVault']>[0]['accessPolicies'] = [],
) {
  addTestVault(world, { accessPolicies });
}

const entryWith = (objectId: string, secrets: string[]) => ({
  tenantId: TENANT,
  objectId,
  permissions: { secrets, keys: [], certificates: [], storage: [] },
});

let world: World;
beforeEach(() => {
  world = createWorld();
  world.allowVaults();
  world.workflow('wf', PRINCIPAL);
});

describe('access-policy grant', () => {
  beforeEach(() => accessPolicyVault(world));

  it('adds the finalizer, records the intent, adds the permission, then records it as granted', async () => {
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.journal).toEqual(['finalizer:added', 'ledger:Intended', 'azure:add get', 'ledger:Granted']);
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    const status = world.get('b1').status;
    expect(status?.grant).toEqual({
      phase: 'Granted',
      principalId: PRINCIPAL,
      tenantId: TENANT,
      vaultId: vaultId('kv1'),
      accessModel: 'AccessPolicy',
      permissionsAdded: ['get'],
      permissionsPreExisting: [],
    });
    expect(status).toMatchObject({
      accessModel: 'AccessPolicy',
      scope: 'Vault',
      principalId: PRINCIPAL,
      secretUri: 'https://kv1.vault.azure.net/secrets/api-key',
      observedGeneration: 1,
      quota: [{ name: 'AccessPoliciesPerVault', scope: vaultId('kv1'), used: 1, limit: 1024 }],
    });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(condition(world.get('b1'), 'QuotaAvailable')).toMatchObject({
      status: 'True',
      reason: 'WithinLimit',
    });
    expect(world.events.map((e) => e.reason)).toEqual(['Granted']);
  });

  it('writes nothing on a pass that finds Azure in sync', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.journal.length = 0;
    await world.reconcile('b1');
    expect(world.journal).toEqual([]);
  });

  it('survives a crash between the Azure write and the record of Granted: the intent is on record', async () => {
    world.binding('b1');
    world.failLedgerWrite('Granted');
    expect(await world.reconcile('b1')).toBeInstanceOf(Error);
    expect(world.ledger('b1')).toMatchObject({ phase: 'Intended', permissionsAdded: ['get'] });
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    world.journal.length = 0;
    await world.reconcile('b1');
    // The permission it added before the crash is still recorded as its own, not as pre-existing.
    expect(world.get('b1').status?.grant).toMatchObject({
      phase: 'Granted',
      permissionsAdded: ['get'],
      permissionsPreExisting: [],
    });
    expect(world.journal).toEqual(['ledger:Granted']);
  });

  it('never writes to Azure when recording the intent fails', async () => {
    world.binding('b1');
    world.failLedgerWrite('Intended');
    expect(await world.reconcile('b1')).toBeInstanceOf(Error);
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.journal).toEqual(['finalizer:added']);
  });

  it('records permissions that were there before as pre-existing and leaves them on revoke', async () => {
    world.azure.vaults.get('kv1')?.accessPolicies.push(entryWith(PRINCIPAL, ['get', 'set']));
    world.binding('b1', { permissions: ['get', 'list'] });
    await world.reconcile('b1');
    expect(world.get('b1').status?.grant).toMatchObject({
      permissionsAdded: ['list'],
      permissionsPreExisting: ['get'],
    });
    world.markDeleted('b1');
    world.journal.length = 0;
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get', 'set']);
    expect(world.journal).toEqual([
      'ledger:Revoking',
      'azure:remove list',
      'ledger:cleared',
      'finalizer:removed',
    ]);
  });

  it('shares one entry between bindings: deleting one keeps what the other needs', async () => {
    world.binding('b1', { permissions: ['get'] });
    world.binding('b2', { permissions: ['get', 'list'], secretName: 'api-key' });
    await world.reconcile('b1');
    await world.reconcile('b2');
    expect(world.get('b2').status?.grant).toMatchObject({
      permissionsAdded: ['get', 'list'],
      permissionsPreExisting: [],
    });
    world.markDeleted('b2');
    await world.reconcile('b2');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
  });

  it('shares one entry across namespaces (a shared user-assigned identity)', async () => {
    world.allowVaults('team-b');
    world.workflow('wf', PRINCIPAL, 'team-b');
    world.binding('b1');
    world.binding('b1', {}, 'team-b');
    await world.reconcile('b1');
    await world.reconcile('b1', 'team-b');
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    world.markDeleted('b1', 'team-b');
    await world.reconcile('b1', 'team-b');
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
  });

  it('restores a wiped access policy on the next pass and says so in an Event', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.azure.vaults.get('kv1')!.accessPolicies = [];
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    expect(world.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'GrantRestored' });
  });

  it('removes a permission dropped from the spec', async () => {
    world.binding('b1', { permissions: ['get', 'list'] });
    await world.reconcile('b1');
    const object = world.get('b1');
    object.spec.permissions = ['get'];
    world.kube.put(object);
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    expect(world.get('b1').status?.grant?.permissionsAdded).toEqual(['get']);
  });

  it('stalls with QuotaExceeded before adding an entry the vault has no room for', async () => {
    world = createWorld({ quota: { accessPoliciesPerVault: 1, roleAssignmentsPerSubscription: 4000 } });
    world.allowVaults();
    world.workflow('wf', PRINCIPAL);
    accessPolicyVault(world, [entryWith(OTHER_PRINCIPAL, ['get'])]);
    world.binding('b1');
    const result = await world.reconcile('b1');
    expect(result).toBeInstanceOf(StalledError);
    expect((result as StalledError).reason).toBe('QuotaExceeded');
    expect(world.journal).toEqual(['finalizer:added']);
    const binding = world.get('b1');
    expect(condition(binding, 'Stalled')).toMatchObject({ status: 'True', reason: 'QuotaExceeded' });
    expect(condition(binding, 'QuotaAvailable')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(binding.status?.quota).toEqual([
      { name: 'AccessPoliciesPerVault', scope: vaultId('kv1'), used: 1, limit: 1 },
    ]);
  });

  it('treats PrincipalNotFound / AuthorizationFailed for a new principal as replication lag, later as stalled', async () => {
    world.binding('b1');
    world.azure.failNext(
      'vaults.add',
      azureError('vaults.updateAccessPolicy.add', 403, 'AuthorizationFailed'),
    );
    const first = await world.reconcile('b1');
    expect(first).toBeInstanceOf(AzureError);
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({ reason: 'WaitingForPrincipal' });
    await world.clock.advance(11 * 60_000);
    world.azure.failNext(
      'vaults.add',
      azureError('vaults.updateAccessPolicy.add', 403, 'AuthorizationFailed'),
    );
    const later = await world.reconcile('b1');
    expect(later).toBeInstanceOf(StalledError);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({ reason: 'AuthorizationFailed' });
  });

  it('waits out throttling for as long as Azure asks', async () => {
    world.binding('b1');
    world.azure.failNext(
      'vaults.get',
      new AzureError('vaults.get', { kind: 'throttled', retryAfterMs: 7000, message: 'slow down' }, 429),
    );
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 7000 });
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({ reason: 'Throttled' });
  });

  it('keeps a Ready binding Ready when its resync is throttled, and looks again after Retry-After', async () => {
    accessPolicyVault(world);
    world.binding('b1');
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
    world.azure.failNext(
      'vaults.get',
      new AzureError('vaults.get', { kind: 'throttled', retryAfterMs: 4000, message: 'slow down' }, 429),
    );
    await world.clock.advance(60_000);
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 4000 });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(condition(world.get('b1'), 'Reconciling')).toBeUndefined();
  });
});

describe('waiting and policy', () => {
  it('waits for a missing workflow, then for the principal of one that has none', async () => {
    accessPolicyVault(world);
    world.workflows.clear();
    world.binding('b1');
    // No poll: the workflow watch wakes the binding (resync backs it up).
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({
      status: 'True',
      reason: 'WaitingForWorkflow',
      message: expect.stringContaining('does not exist'),
    });
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForWorkflow',
    });
    world.workflow('wf', undefined);
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({
      reason: 'WaitingForPrincipal',
      message: expect.stringMatching(
        /no managed identity principal that logicops vouches for \(yet\): the workflow is not Ready/,
      ),
    });
    expect(world.get('b1').status?.observedGeneration).toBeUndefined();
  });

  it('waits for a secret that does not exist yet, then grants', async () => {
    accessPolicyVault(world);
    world.azure.secrets.clear();
    world.binding('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'requeueAfter', delayMs: 30_000 });
    expect(condition(world.get('b1'), 'Reconciling')).toMatchObject({ reason: 'WaitingForSecret' });
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    world.azure.secrets.add('kv1/api-key');
    await world.reconcile('b1');
    expect(condition(world.get('b1'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('stalls with NamespacePolicyDenied and touches nothing in Azure', async () => {
    accessPolicyVault(world);
    world.namespaces.clear();
    world.binding('b1');
    const result = await world.reconcile('b1');
    expect(result).toBeInstanceOf(StalledError);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({ reason: 'NamespacePolicyDenied' });
    expect(world.journal).toEqual(['finalizer:added']);
    expect(world.events.map((e) => e.reason)).toEqual(['NamespacePolicyDenied']);
  });

  it('rejects a vault id that is not one as an invalid spec', async () => {
    world.binding('b1', {
      vaultId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa',
    });
    expect(await world.reconcile('b1')).toBeInstanceOf(TerminalError);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({ reason: 'InvalidSpec' });
  });

  // Admission refuses these; these objects slipped past it. No finalizer, no Azure read or
  // write, InvalidSpec naming the field and what Azure allows.
  it.each([
    ['a vault named ..', { vaultId: vaultId('..') }, 'spec.vaultId: vault name of vault id'],
    ['a vault named %2e%2e', { vaultId: vaultId('%2e%2e') }, 'spec.vaultId: vault name of vault id'],
    ['a two-letter vault', { vaultId: vaultId('kv') }, 'vault names are 3-24'],
    ['a vault id with a Kelvin sign', { vaultId: vaultId('\u212av1') }, 'spec.vaultId: vault name'],
    [
      'a resource group ..',
      { vaultId: vaultId('kv1').replace('/rg/', '/../') },
      'spec.vaultId: resource group',
    ],
    ['a secret named ..', { secretName: '..' }, 'spec.secretName: secret name ".."'],
    ['a secret name with a path', { secretName: 'api-key/../../x' }, 'spec.secretName: secret name'],
    ['a secret name with a query', { secretName: 'api-key?api-version=1' }, 'spec.secretName: secret name'],
  ])('refuses %s before the finalizer and before any Azure call', async (_name, spec, said) => {
    accessPolicyVault(world);
    world.binding('b1', spec);
    expect(await world.reconcile('b1')).toBeInstanceOf(TerminalError);
    expect(world.journal).toEqual([]);
    expect(world.azure.reads).toEqual([]);
    expect(world.get('b1').metadata.finalizers ?? []).toEqual([]);
    expect(condition(world.get('b1'), 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: expect.stringContaining(said),
    });
    expect(condition(world.get('b1'), 'Stalled')?.message).toContain('is not valid in Azure');
  });

  it('still releases a binding with an unusable vault id on deletion', async () => {
    world.binding('b1', { vaultId: 'not-a-vault' });
    expect(await world.reconcile('b1')).toBeInstanceOf(TerminalError);
    const object = world.get('b1');
    object.metadata.finalizers = ['logicops.io/finalizer']; // e.g. left by an earlier operator version
    world.kube.put(object);
    world.markDeleted('b1');
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.journal).toEqual(['finalizer:removed']);
  });

  it('observes only while paused: no Azure writes, and says what it would do', async () => {
    accessPolicyVault(world);
    world.binding('b1');
    world.annotate('b1', { 'logicops.io/paused': 'true', 'logicops.io/reconcile-request': 'r1' });
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.journal.filter((j) => j.startsWith('azure') || j.startsWith('ledger'))).toEqual([]);
    expect(condition(world.get('b1'), 'Reconciling')?.message).toMatch(/Paused.*would add get/);
    expect(world.get('b1').status?.lastHandledReconcileRequest).toBe('r1');
  });
});

describe('RBAC grant', () => {
  beforeEach(() => {
    addTestVault(world, { rbac: true });
  });
  const target = () => roleAssignmentTarget(vaultId('kv1'), 'api-key', PRINCIPAL);

  it('assigns Key Vault Secrets User on the secret under the deterministic name, intent first', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    expect(world.journal).toEqual([
      'finalizer:added',
      'ledger:Intended',
      `azure:assign ${target().name}`,
      'ledger:Granted',
    ]);
    expect(world.azure.assignments).toMatchObject([
      {
        scope: `${vaultId('kv1')}/secrets/api-key`,
        principalId: PRINCIPAL,
        principalType: 'ServicePrincipal',
      },
    ]);
    expect(world.get('b1').status).toMatchObject({
      accessModel: 'RBAC',
      scope: 'Secret',
      grant: { phase: 'Granted', roleAssignmentName: target().name, roleAssignmentScope: target().scope },
      quota: [{ name: 'RoleAssignmentsPerSubscription', used: 1, limit: 4000 }],
    });
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.assignments).toEqual([]);
  });

  it('uses an assignment someone else made under another name, and never deletes it', async () => {
    world.azure.assignments.push({
      id: 'x',
      name: 'ffffffff-0000-4000-8000-000000000000',
      scope: target().scope,
      roleDefinitionId: target().roleDefinitionId,
      principalId: PRINCIPAL,
    });
    world.binding('b1');
    await world.reconcile('b1');
    expect(world.get('b1').status?.grant?.roleAssignmentName).toBe('ffffffff-0000-4000-8000-000000000000');
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.assignments).toHaveLength(1);
    expect(world.journal).not.toContain('azure:unassign ffffffff-0000-4000-8000-000000000000');
  });

  it('recreates a role assignment deleted out of band', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.azure.assignments.length = 0;
    await world.reconcile('b1');
    expect(world.azure.assignments).toHaveLength(1);
    expect(world.events.at(-1)).toMatchObject({ reason: 'GrantRestored' });
  });

  it('keeps an assignment two bindings share until the last one goes', async () => {
    world.binding('b1');
    world.binding('b2');
    await world.reconcile('b1');
    await world.reconcile('b2');
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.assignments).toHaveLength(1);
    world.markDeleted('b2');
    await world.reconcile('b2');
    expect(world.azure.assignments).toHaveLength(0);
  });
});

describe('migration, workflow deletion, deletion policy', () => {
  beforeEach(() => accessPolicyVault(world));

  it('migrates to RBAC when the vault switches: assign first, then remove the access policy', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.azure.vaults.get('kv1')!.enableRbacAuthorization = true;
    world.journal.length = 0;
    await world.reconcile('b1');
    const name = roleAssignmentTarget(vaultId('kv1'), 'api-key', PRINCIPAL).name;
    expect(world.journal).toEqual([
      'ledger:Intended',
      `azure:assign ${name}`,
      'azure:remove get',
      'ledger:Granted',
    ]);
    const grant = world.get('b1').status?.grant;
    expect(grant).toMatchObject({ accessModel: 'RBAC', roleAssignmentName: name });
    expect(grant?.permissionsAdded).toBeUndefined();
    expect(world.events.at(-1)).toMatchObject({ reason: 'GrantMigrated' });
  });

  it('migrates back to an access policy: add first, then delete the assignment', async () => {
    world.azure.vaults.get('kv1')!.enableRbacAuthorization = true;
    world.binding('b1');
    await world.reconcile('b1');
    world.azure.vaults.get('kv1')!.enableRbacAuthorization = false;
    world.journal.length = 0;
    await world.reconcile('b1');
    expect(world.journal[0]).toBe('ledger:Intended');
    expect(world.journal[1]).toBe('azure:add get');
    expect(world.journal[2]).toMatch(/^azure:unassign /);
    expect(world.azure.assignments).toEqual([]);
    expect(world.get('b1').status?.grant).toMatchObject({
      accessModel: 'AccessPolicy',
      permissionsAdded: ['get'],
    });
  });

  it('revokes the old principal first when the workflow identity changes', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.workflow('wf', OTHER_PRINCIPAL);
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    expect(world.azure.entry('kv1', OTHER_PRINCIPAL)).toEqual(['get']);
  });

  it('revokes and waits when its workflow is being deleted', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.workflow('wf', PRINCIPAL, NAMESPACE, true);
    expect(await world.reconcile('b1')).toEqual({ type: 'done' });
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
    const binding = world.get('b1');
    expect(binding.status?.grant).toBeUndefined();
    expect(binding.status?.principalId).toBeUndefined();
    expect(condition(binding, 'Reconciling')).toMatchObject({ reason: 'WaitingForWorkflow' });
  });

  it('leaves the grant in place with deletionPolicy Orphan', async () => {
    world.binding('b1', { deletionPolicy: 'Orphan' });
    await world.reconcile('b1');
    world.markDeleted('b1');
    await world.reconcile('b1');
    expect(world.azure.entry('kv1', PRINCIPAL)).toEqual(['get']);
    // Its finalizer released, Kubernetes deletes the object.
    expect(world.find('b1')).toBeUndefined();
  });

  it('keeps the finalizer when the revoke fails', async () => {
    world.binding('b1');
    await world.reconcile('b1');
    world.markDeleted('b1');
    world.azure.failNext(
      'vaults.remove',
      azureError('vaults.updateAccessPolicy.remove', 500, 'InternalServerError'),
    );
    expect(await world.reconcile('b1')).toBeInstanceOf(AzureError);
    const binding = world.get('b1');
    expect(binding.metadata.finalizers).toEqual(['logicops.io/finalizer']);
    expect(binding.status?.grant?.phase).toBe('Revoking');
    expect(condition(binding, 'Reconciling')).toMatchObject({ reason: 'Deleting' });
    await world.reconcile('b1');
    expect(world.find('b1')).toBeUndefined();
    expect(world.azure.entry('kv1', PRINCIPAL)).toBeUndefined();
  });
});
