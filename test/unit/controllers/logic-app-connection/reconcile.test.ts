// LogicAppConnection through its real reconcile, against an in-memory connection gateway: the
// managed-identity connection written once with the owner tag, drift repaired, nothing written
// at steady state, and the refusals — each with its reason and no Azure write (most with no
// Azure call at all).
import { describe, expect, it } from 'vitest';
import { managedApiId } from '../../../../src/azure/index.ts';
import { connectionResourceId } from '../../../../src/controllers/shared/connection-ids.ts';
import { LOGICOPS_FINALIZER, OWNER_TAG } from '../../../../src/vocabulary.ts';
import {
  condition,
  createConnectionWorld,
  NAMESPACE,
  OWNER,
  RESOURCE_GROUP,
  SUBSCRIPTION,
} from './support/world.ts';

function readyWorld() {
  const world = createConnectionWorld();
  world.allow();
  world.connection('orders-bus');
  return world;
}

describe('writing the connection', () => {
  it("writes the connector's managed-identity set, the API id and the owner tag, then is Ready", async () => {
    const world = readyWorld();
    await world.pass('orders-bus');

    expect(world.connections.calls).toEqual(['get orders-bus', 'put orders-bus']);
    expect(world.connections.stored.get('orders-bus')).toMatchObject({
      displayName: 'orders-bus',
      apiId: managedApiId(SUBSCRIPTION, 'westeurope', 'servicebus'),
      parameterValueSet: {
        name: 'managedIdentityAuth',
        values: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' },
      },
      tags: { [OWNER_TAG]: OWNER },
    });
    const stored = world.get('orders-bus');
    expect(stored.metadata.finalizers).toContain(LOGICOPS_FINALIZER);
    expect(condition(stored, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(stored.status).toMatchObject({
      observedGeneration: 1,
      resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Web/connections/orders-bus`,
      apiId: managedApiId(SUBSCRIPTION, 'westeurope', 'servicebus'),
      overallStatus: 'Connected',
    });
    expect(world.events.map((e) => e.reason)).toEqual(['Created']);
  });

  it('uses spec.azureName, spec.displayName and spec.tags, and the oauthMI set for Key Vault', async () => {
    const world = createConnectionWorld();
    world.allow();
    world.connection('vault', {
      api: 'keyvault',
      azureName: 'Vault_Conn(1)',
      displayName: 'Team vault',
      parameters: { vaultName: 'team-a-kv' },
      tags: { cost: 'a' },
    });
    await world.pass('vault');
    expect(world.connections.stored.get('Vault_Conn(1)')).toMatchObject({
      displayName: 'Team vault',
      parameterValueSet: { name: 'oauthMI', values: { vaultName: 'team-a-kv' } },
      tags: { cost: 'a', [OWNER_TAG]: `test-cluster/${NAMESPACE}/vault` },
    });
    expect(world.get('vault').status?.resourceId).toBe(connectionResourceId(world.get('vault')));
  });

  it('writes nothing at steady state: one read per pass', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    const before = world.connections.calls.length;
    await world.pass('orders-bus');
    expect(world.connections.calls.slice(before)).toEqual(['get orders-bus']);
  });

  it.each([
    [
      'a display name changed in Azure',
      'displayName',
      (c: { displayName?: string }) => (c.displayName = 'renamed'),
    ],
    ['a tag added in Azure', 'tags', (c: { tags: Record<string, string> }) => (c.tags.extra = 'x')],
    [
      'the parameter value changed in Azure',
      'parameterValueSet.values',
      (c: { parameterValueSet?: { values: Record<string, string> } }) => {
        if (c.parameterValueSet)
          c.parameterValueSet.values.namespaceEndpoint = 'sb://other.servicebus.windows.net/';
      },
    ],
  ])('repairs %s with one PUT, saying what differed', async (_what, field, change) => {
    const world = readyWorld();
    await world.pass('orders-bus');
    const stored = world.connections.stored.get('orders-bus');
    if (stored) change(stored as never);
    const before = world.connections.calls.length;
    await world.pass('orders-bus');
    expect(world.connections.calls.slice(before)).toEqual(['get orders-bus', 'put orders-bus']);
    expect(world.connections.stored.get('orders-bus')).toMatchObject({
      displayName: 'orders-bus',
      tags: { [OWNER_TAG]: OWNER },
      parameterValueSet: { values: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' } },
    });
    expect(Object.keys(world.connections.stored.get('orders-bus')?.tags ?? {})).toEqual([OWNER_TAG]);
    expect(world.events.at(-1)).toMatchObject({ reason: 'Updated' });
    expect(world.events.at(-1)?.note).toContain(field);
  });

  it('recreates a connection deleted in Azure', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.connections.stored.clear();
    await world.pass('orders-bus');
    expect(world.connections.stored.has('orders-bus')).toBe(true);
    expect(condition(world.get('orders-bus'), 'Ready')?.status).toBe('True');
  });

  it('applies a spec change (new display name) with one PUT and reports the new generation', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.update('orders-bus', (o) => {
      o.spec.displayName = 'Orders';
    });
    await world.pass('orders-bus');
    expect(world.connections.stored.get('orders-bus')?.displayName).toBe('Orders');
    expect(world.get('orders-bus').status?.observedGeneration).toBe(2);
  });

  it('is not Ready while Azure does not report the connection Connected', async () => {
    const world = readyWorld();
    world.connections.overallStatus = 'Error';
    const result = await world.pass('orders-bus');
    const stored = world.get('orders-bus');
    expect(condition(stored, 'Ready')).toMatchObject({ status: 'False', reason: 'Progressing' });
    expect(condition(stored, 'Ready')?.message).toContain('overallStatus as Error');
    expect(stored.status?.overallStatus).toBe('Error');
    expect(result).toEqual({ type: 'requeueAfter', delayMs: 30_000 });
  });
});

describe('refusals', () => {
  it('stalls AlreadyOwned on a connection without an owner tag, writing nothing and showing none of it', async () => {
    const world = readyWorld();
    world.connections.seed('orders-bus', { team: 'b' });
    await world.pass('orders-bus');
    expect(world.connections.writes()).toEqual([]);
    const stored = world.get('orders-bus');
    expect(condition(stored, 'Ready')).toMatchObject({ status: 'False', reason: 'AlreadyOwned' });
    expect(condition(stored, 'Ready')?.message).toContain(`has no ${OWNER_TAG} tag`);
    expect(stored.status?.resourceId).toBeUndefined();
    expect(stored.status?.overallStatus).toBeUndefined();
    expect(world.events.map((e) => e.reason)).toEqual(['AlreadyOwned']);
  });

  it("stalls AlreadyOwned on another object's connection, and its delete leaves that connection", async () => {
    const world = readyWorld();
    world.connections.seed('orders-bus', { [OWNER_TAG]: 'test-cluster/team-b/orders-bus' });
    await world.pass('orders-bus');
    expect(condition(world.get('orders-bus'), 'Ready')?.message).toContain(
      "owned by 'test-cluster/team-b/orders-bus'",
    );
    world.markDeleted('orders-bus');
    await world.pass('orders-bus');
    expect(world.connections.writes()).toEqual([]);
    expect(world.connections.stored.has('orders-bus')).toBe(true);
    expect(world.find('orders-bus')?.metadata.finalizers ?? []).not.toContain(LOGICOPS_FINALIZER);
  });

  it('refuses a resource group outside the namespace policy with no Azure call at all', async () => {
    const world = createConnectionWorld();
    world.allow(`/subscriptions/${SUBSCRIPTION}/resourceGroups/team-b-rg`);
    world.connection('orders-bus');
    await world.pass('orders-bus');
    expect(world.connections.calls).toEqual([]);
    const ready = condition(world.get('orders-bus'), 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'NamespacePolicyDenied' });
    expect(ready?.message).toContain(
      `resource group /subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`,
    );
  });

  it.each([
    [
      'an unknown parameter',
      {
        parameters: { namespaceEndpoint: 'sb://a/', connectionString: 'Endpoint=sb://a/;SharedAccessKey=x' },
      },
      'spec.parameters.connectionString',
    ],
    ['a missing required parameter', { parameters: {} }, 'spec.parameters.namespaceEndpoint'],
    ['a connection name Azure refuses', { azureName: 'orders..' }, 'spec.azureName'],
    ['a location that is not a region name', { location: 'westeurope/../x' }, 'spec.location'],
  ])(
    'stalls InvalidSpec on %s, naming the field, with no finalizer and no Azure call',
    async (_what, spec, field) => {
      const world = createConnectionWorld();
      world.allow();
      world.connection('orders-bus', spec);
      await world.pass('orders-bus');
      expect(world.connections.calls).toEqual([]);
      const stored = world.get('orders-bus');
      expect(stored.metadata.finalizers ?? []).not.toContain(LOGICOPS_FINALIZER);
      expect(condition(stored, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(condition(stored, 'Ready')?.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
      // Never echo a value that looks like a secret.
      expect(condition(stored, 'Ready')?.message).not.toContain('SharedAccessKey');
    },
  );
});

describe('deletion', () => {
  it('deletes the connection it owns, then releases the finalizer', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.markDeleted('orders-bus');
    await world.pass('orders-bus');
    expect(world.connections.stored.has('orders-bus')).toBe(false);
    expect(world.connections.writes()).toEqual(['put orders-bus', 'delete orders-bus']);
    expect(world.find('orders-bus')?.metadata.finalizers ?? []).not.toContain(LOGICOPS_FINALIZER);
  });

  it('waits while a workflow names it in spec.connections, naming the workflow, then deletes it', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.workflowUsing('orders', ['orders-bus']);
    world.workflowUsing('other', ['another-bus']);
    world.workflowUsing('leaving', ['orders-bus'], true);
    world.markDeleted('orders-bus');
    await world.pass('orders-bus');
    expect(world.connections.writes()).toEqual(['put orders-bus']);
    const waiting = world.get('orders-bus');
    expect(waiting.metadata.finalizers).toContain(LOGICOPS_FINALIZER);
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False', reason: 'Deleting' });
    expect(condition(waiting, 'Ready')?.message).toContain("LogicAppWorkflow 'orders' to stop using");
    expect(condition(waiting, 'Ready')?.message).not.toContain('leaving');

    world.forgetWorkflow('orders');
    await world.pass('orders-bus');
    expect(world.connections.writes()).toEqual(['put orders-bus', 'delete orders-bus']);
    expect(world.find('orders-bus')?.metadata.finalizers ?? []).not.toContain(LOGICOPS_FINALIZER);
  });

  it('leaves the connection with deletionPolicy Orphan', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.update('orders-bus', (o) => {
      o.spec.deletionPolicy = 'Orphan';
    });
    world.markDeleted('orders-bus');
    await world.pass('orders-bus');
    expect(world.connections.stored.has('orders-bus')).toBe(true);
    expect(world.connections.writes()).toEqual(['put orders-bus']);
  });

  it('leaves Azure alone when the policy no longer allows the resource group', async () => {
    const world = readyWorld();
    await world.pass('orders-bus');
    world.allow(`/subscriptions/${SUBSCRIPTION}/resourceGroups/elsewhere`);
    world.markDeleted('orders-bus');
    const before = world.connections.calls.length;
    await world.pass('orders-bus');
    expect(world.connections.calls.slice(before)).toEqual([]);
    expect(world.connections.stored.has('orders-bus')).toBe(true);
    expect(world.events.at(-1)).toMatchObject({ reason: 'NamespacePolicyDenied', type: 'Warning' });
  });
});
