// WorkflowRoleAssignment through its real reconcile, against fake Azure and in-memory records:
// the grant at exactly the scope, drift repair, exact revocation from the record, the shared
// quota, and the refusals — each with its reason, a Warning Event and no Azure call at all.
import { describe, expect, it } from 'vitest';
import { roleAssignmentName, roleDefinitionResourceId } from '../../../../src/azure/index.ts';
import { LOGICOPS_FINALIZER } from '../../../../src/vocabulary.ts';
import {
  condition,
  createRoleWorld,
  NAMESPACE,
  PRINCIPAL,
  QUEUE,
  RECEIVER,
  SB_NAMESPACE,
  SUBSCRIPTION,
} from './support/world.ts';

const RECEIVER_ID = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
const receiverDefinition = roleDefinitionResourceId(SUBSCRIPTION, RECEIVER_ID);
const expectedName = roleAssignmentName(QUEUE, receiverDefinition, PRINCIPAL);

function readyWorld() {
  const world = createRoleWorld();
  world.allow();
  world.workflow('wf', PRINCIPAL);
  world.assignment('orders');
  return world;
}

describe('granting', () => {
  it('assigns the role at exactly the scope to the vouched principal, recorded before the write', async () => {
    const world = readyWorld();
    await world.pass('orders');

    expect(world.azure.assignments).toEqual([
      expect.objectContaining({
        name: expectedName,
        scope: QUEUE,
        roleDefinitionId: receiverDefinition,
        principalId: PRINCIPAL,
        principalType: 'ServicePrincipal',
      }),
    ]);
    const intended = world.journal.indexOf('ledger:Intended');
    const assigned = world.journal.indexOf(`azure:assign ${expectedName}`);
    expect(intended).toBeGreaterThanOrEqual(0);
    expect(assigned).toBeGreaterThan(intended);
    expect(world.record('orders')).toMatchObject({
      phase: 'Granted',
      principalId: PRINCIPAL,
      workflowName: 'wf',
      scope: QUEUE,
      roleDefinitionId: receiverDefinition,
      roleAssignmentName: expectedName,
    });
    const stored = world.get('orders');
    expect(condition(stored, 'Ready')?.status).toBe('True');
    expect(stored.status).toMatchObject({
      roleName: RECEIVER,
      roleDefinitionId: receiverDefinition,
      principalId: PRINCIPAL,
    });
    expect(stored.status?.quota?.[0]).toMatchObject({ name: 'RoleAssignmentsPerSubscription', used: 1 });
    expect(world.events.map((e) => e.reason)).toEqual(['Granted']);
  });

  it('writes nothing at steady state', async () => {
    const world = readyWorld();
    await world.pass('orders');
    const before = world.journal.length;
    await world.pass('orders');
    expect(world.journal.slice(before)).toEqual([]);
  });

  it('restores an assignment deleted out of band, with a Warning Event', async () => {
    const world = readyWorld();
    await world.pass('orders');
    world.azure.assignments.splice(0);
    await world.pass('orders');
    expect(world.azure.assignments.map((a) => [a.name, a.scope])).toEqual([[expectedName, QUEUE]]);
    expect(world.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'GrantRestored' });
  });

  it('waits for the workflow principal, and grants nothing meanwhile', async () => {
    const world = createRoleWorld();
    world.allow();
    world.workflow('wf', undefined);
    world.assignment('orders');
    await world.pass('orders');
    expect(condition(world.get('orders'), 'Ready')?.reason).toBe('WaitingForPrincipal');
    expect(world.azureWrites()).toEqual([]);
  });

  it('does not create past the subscription quota shared with bindings', async () => {
    const world = createRoleWorld({ roleAssignmentsPerSubscription: 1 });
    world.allow();
    world.workflow('wf', PRINCIPAL);
    world.azure.assignments.push({
      id: 'x',
      name: 'bbbbbbbb-0000-4000-8000-000000000001',
      scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`,
      roleDefinitionId: receiverDefinition,
      principalId: 'cccccccc-0000-4000-8000-000000000001',
    });
    world.assignment('orders');
    await world.pass('orders');
    expect(condition(world.get('orders'), 'Stalled')?.reason).toBe('QuotaExceeded');
    expect(world.azureWrites()).toEqual([]);
  });
});

describe('revoking', () => {
  it('deletes exactly the recorded assignment when the object is deleted, and leaves others alone', async () => {
    const world = readyWorld();
    world.workflow('other-wf', 'aaaaaaaa-0000-4000-8000-000000000009');
    world.assignment('other', { workflowRef: { name: 'other-wf' } });
    await world.pass('orders');
    await world.pass('other');
    world.markDeleted('orders');
    await world.pass('orders');
    expect(world.azure.assignments.map((a) => a.principalId)).toEqual([
      'aaaaaaaa-0000-4000-8000-000000000009',
    ]);
    expect(world.record('orders')).toBeUndefined();
    expect(world.find('orders')).toBeUndefined();
    expect(world.events.at(-1)).toMatchObject({ reason: 'Revoked' });
  });

  it('keeps an assignment another record holds (the same grant made by a binding)', async () => {
    const world = readyWorld();
    await world.pass('orders');
    world.records.seed(
      'grant',
      { namespace: NAMESPACE, name: 'binding' },
      {
        phase: 'Granted',
        principalId: PRINCIPAL,
        vaultId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
        accessModel: 'RBAC',
        roleAssignmentName: expectedName,
        roleAssignmentScope: QUEUE,
      },
    );
    world.markDeleted('orders');
    await world.pass('orders');
    expect(world.azure.assignments.map((a) => a.name)).toEqual([expectedName]);
    expect(world.azureWrites().filter((w) => w.startsWith('azure:unassign'))).toEqual([]);
  });

  it('revokes when the workflow is being deleted, and waits for it', async () => {
    const world = readyWorld();
    await world.pass('orders');
    world.workflow('wf', PRINCIPAL, NAMESPACE, true);
    await world.pass('orders');
    expect(world.azure.assignments).toEqual([]);
    expect(condition(world.get('orders'), 'Ready')?.reason).toBe('WaitingForWorkflow');
  });

  it('revokes when an admin narrows the policy, then stalls', async () => {
    const world = readyWorld();
    await world.pass('orders');
    world.allow(`${SB_NAMESPACE}/queues/invoices`);
    await world.pass('orders');
    expect(world.azure.assignments).toEqual([]);
    expect(condition(world.get('orders'), 'Stalled')?.reason).toBe('NamespacePolicyDenied');
  });
});

describe('refusals: a reason, a Warning Event, and no Azure call', () => {
  const CUSTOM = 'dddddddd-0000-4000-8000-000000000001';
  it.each([
    ['Owner', { role: 'Owner' }, 'InvalidSpec', 'can change authorization'],
    [
      'User Access Administrator',
      { role: 'User Access Administrator' },
      'InvalidSpec',
      'Microsoft.Authorization/*',
    ],
    [
      'Role Based Access Control Administrator',
      { role: 'Role Based Access Control Administrator' },
      'InvalidSpec',
      'Microsoft.Authorization/roleAssignments/write',
    ],
    [
      'Owner by id',
      { role: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' },
      'InvalidSpec',
      'can change authorization',
    ],
    ['Contributor', { role: 'Contributor' }, 'InvalidSpec', 'can change authorization'],
    [
      'a custom role id (its definition could carry Microsoft.Authorization/*/write)',
      { role: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM}` },
      'InvalidSpec',
      'Custom roles are refused',
    ],
    ['an unknown role name', { role: 'Storage Blob Data Owner' }, 'InvalidSpec', 'not a built-in role'],
    [
      'a scope outside the allowed scopes',
      {
        scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/team-b/providers/Microsoft.ServiceBus/namespaces/sb-b/queues/x`,
      },
      'NamespacePolicyDenied',
      'logicops.io/allowed-role-scopes',
    ],
    [
      'a role outside the allowed roles',
      { role: 'Azure Service Bus Data Sender' },
      'NamespacePolicyDenied',
      'logicops.io/allowed-roles',
    ],
  ])('%s', async (_case, spec, reason, said) => {
    const world = createRoleWorld();
    // The namespace allows everything it can: escalation is refused whatever the policy says.
    world.allow(
      `${SB_NAMESPACE}, /subscriptions/${SUBSCRIPTION}/resourceGroups/team-a`,
      `${RECEIVER}, Owner, User Access Administrator, Role Based Access Control Administrator, Contributor, ${CUSTOM}, 8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
    );
    world.workflow('wf', PRINCIPAL);
    world.assignment('bad', spec);
    await world.pass('bad');

    const stored = world.get('bad');
    expect(condition(stored, 'Stalled')).toMatchObject({ status: 'True', reason });
    expect(condition(stored, 'Stalled')?.message).toContain(said);
    expect(world.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason, object: 'bad' }));
    expect(world.azureWrites()).toEqual([]);
    expect(world.azure.reads).toEqual([]);
    expect(world.record('bad')).toBeUndefined();
    if (reason === 'InvalidSpec') expect(stored.metadata.finalizers ?? []).not.toContain(LOGICOPS_FINALIZER);
  });
});
