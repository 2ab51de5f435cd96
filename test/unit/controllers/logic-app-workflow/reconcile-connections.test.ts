// spec.connections through the whole reconcile (issue 24): the frame and its steps against the
// fake gateways, the LogicAppConnections in a fake cache. The `$connections` entry shape is
// Microsoft Learn's ("ARM template for API connections and managed identities",
// learn.microsoft.com/azure/logic-apps/create-managed-service-identity).
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppConnection, LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { StalledError, TerminalError } from '../../../../src/runtime/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { NS, ReconcileHarness, SUBSCRIPTION_ID, workflowObject } from './support/reconcile-harness.ts';

const DEFINITION = {
  parameters: { $connections: { type: 'Object', defaultValue: {} } },
  triggers: {
    'When_a_message_is_received_in_a_queue_(auto-complete)': {
      type: 'ApiConnection',
      recurrence: { frequency: 'Minute', interval: 1 },
      inputs: {
        host: { connection: { name: "@parameters('$connections')['servicebus']['connectionId']" } },
        method: 'get',
        path: "/@{encodeURIComponent(encodeURIComponent('orders'))}/messages/head",
      },
    },
  },
  actions: {},
};

function connection(ready: boolean, generation = 1): LogicAppConnection {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name: 'orders-bus', namespace: NS, generation },
    spec: {
      subscriptionId: SUBSCRIPTION_ID,
      resourceGroup: 'rg',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://orders.servicebus.windows.net' },
      deletionPolicy: 'Delete',
    },
    status: {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'Succeeded' : 'Progressing',
          message: '',
          lastTransitionTime: '2026-12-07T00:00:00Z',
        },
      ],
    },
  };
}

function workflow(overrides: Partial<LogicAppWorkflow['spec']> = {}): LogicAppWorkflow {
  return workflowObject({
    definition: DEFINITION,
    connections: [{ name: 'servicebus', connectionRef: { name: 'orders-bus' } }],
    ...overrides,
  });
}

describe('LogicAppWorkflow reconcile: $connections from spec.connections', () => {
  let h: ReconcileHarness;
  const clock = new FakeClock();

  beforeEach(() => {
    h = new ReconcileHarness({ clock });
  });

  const connectionsInAzure = () => h.azure.workflows.get('wf')?.parameters.$connections?.value;

  it('waits without writing while the connection is missing or not Ready, then writes $connections once', async () => {
    await h.run(workflow());
    expect(h.writes()).toBe(0);
    expect(h.condition('Ready')).toMatchObject({ status: 'False', reason: 'WaitingForConnections' });
    expect(h.condition('Ready')?.message).toContain("'orders-bus' (not found)");

    h.connections.set([connection(false)]);
    await h.run();
    expect(h.writes()).toBe(0);
    expect(h.condition('Ready')?.message).toContain("'orders-bus' (not Ready: Progressing)");

    h.connections.set([connection(true)]);
    await h.run();
    expect(h.writes()).toBe(1);
    expect(h.condition('Ready')).toMatchObject({ status: 'True' });
    expect(connectionsInAzure()).toEqual({
      servicebus: {
        connectionId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Web/connections/orders-bus`,
        connectionName: 'orders-bus',
        id: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
        connectionProperties: { authentication: { type: 'ManagedServiceIdentity' } },
      },
    });

    // Steady state: no further write.
    await h.run();
    await h.run();
    expect(h.writes()).toBe(1);
  });

  it('refuses spec.parameters.$connections next to spec.connections, with no Azure write', async () => {
    await expect(h.run(workflow({ parameters: { $connections: { servicebus: {} } } }))).rejects.toThrow(
      TerminalError,
    );
    expect(h.writes()).toBe(0);
    expect(h.condition('Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(h.condition('Ready')?.message).toContain('remove $connections from spec.parameters');
  });

  const handWritten = (resourceGroup: string, identity?: string) => ({
    servicebus: {
      connectionId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/connections/bus`,
      connectionName: 'bus',
      id: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
      ...(identity
        ? { connectionProperties: { authentication: { type: 'ManagedServiceIdentity', identity } } }
        : {}),
    },
  });

  it('without spec.connections, a hand-written $connections in an allowed resource group is written as given', async () => {
    const given = handWritten('rg');
    await h.run(workflow({ connections: [], parameters: { $connections: given } }));
    expect(h.writes()).toBe(1);
    expect(connectionsInAzure()).toEqual(given);
  });

  it('refuses a hand-written $connections naming a connection in a resource group the namespace may not use', async () => {
    await expect(
      h.run(workflow({ connections: [], parameters: { $connections: handWritten('rg-team-b') } })),
    ).rejects.toThrow(StalledError);
    expect(h.writes()).toBe(0);
    expect(h.condition('Stalled')).toMatchObject({ status: 'True', reason: 'NamespacePolicyDenied' });
    expect(h.condition('Ready')?.message).toContain('rg-team-b');
  });

  it.each([
    [
      'another identity',
      handWritten(
        'rg',
        `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/theirs`,
      ),
      "is not this workflow's",
    ],
    [
      'a connection id that climbs out of its resource group',
      {
        servicebus: {
          connectionId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Web/connections/../../../../rg-team-b/providers/Microsoft.Web/connections/bus`,
        },
      },
      'has no connectionId of the form',
    ],
    ['no connection id', { servicebus: { connectionName: 'bus' } }, 'has no connectionId of the form'],
    ['not an object', 'bus', 'must be an object'],
  ])('refuses a hand-written $connections with %s, writing nothing', async (_case, value, said) => {
    await expect(h.run(workflow({ connections: [], parameters: { $connections: value } }))).rejects.toThrow(
      TerminalError,
    );
    expect(h.writes()).toBe(0);
    expect(h.condition('Ready')?.message).toContain(said);
  });

  it('a Key Vault connector read through spec.connections is hidden from run history', async () => {
    const keyVault = connection(true);
    keyVault.metadata.name = 'vault-conn';
    keyVault.spec = { ...keyVault.spec, api: 'keyvault', parameters: { vaultName: 'kv1' } };
    h.connections.set([keyVault]);
    const definition = {
      parameters: { $connections: { type: 'Object', defaultValue: {} } },
      triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
      actions: {
        Get_secret: {
          type: 'ApiConnection',
          inputs: {
            host: { connection: { name: "@parameters('$connections')['keyvault']['connectionId']" } },
            method: 'get',
            path: "/secrets/@{encodeURIComponent('db-password')}/value",
          },
          runAfter: {},
        },
      },
    };
    await h.run(
      workflow({ definition, connections: [{ name: 'keyvault', connectionRef: { name: 'vault-conn' } }] }),
    );
    expect(h.writes()).toBe(1);
    const written = h.azure.workflows.get('wf')?.definition as {
      actions: Record<string, { runtimeConfiguration?: unknown }>;
    };
    expect(written.actions.Get_secret?.runtimeConfiguration).toEqual({
      secureData: { properties: ['inputs', 'outputs'] },
    });
  });
});
