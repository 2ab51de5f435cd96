// The `$connections` parameter logicops writes from spec.connections (issue 24). The entry shape
// is Microsoft Learn's: "Authenticate access and connections to Azure resources with managed
// identities in Azure Logic Apps" (learn.microsoft.com/azure/logic-apps/create-managed-service-identity),
// section "ARM template for API connections and managed identities": connectionId,
// connectionName, id (the managed API), and connectionProperties.authentication
// {type: ManagedServiceIdentity[, identity: <user-assigned identity id>]}.
import { describe, expect, it } from 'vitest';
import {
  type ConnectionsInput,
  resolveConnectionsParameter,
} from '../../../../src/controllers/logic-app-workflow/connections-parameter.ts';
import type { LogicAppConnection, LogicAppWorkflowSpec } from '../../../../src/crds/index.ts';

const SUB = '00000000-0000-0000-0000-0000000000aa';
const UAI = `/subscriptions/${SUB}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders`;

function connection(name: string, overrides: Partial<LogicAppConnection['spec']> = {}, ready = true) {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name, namespace: 'team-a', generation: 2 },
    spec: {
      subscriptionId: SUB,
      resourceGroup: 'rg-conn',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://orders.servicebus.windows.net' },
      deletionPolicy: 'Delete',
      ...overrides,
    },
    status: {
      observedGeneration: 2,
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
  } as LogicAppConnection;
}

function spec(overrides: Partial<LogicAppWorkflowSpec> = {}): LogicAppWorkflowSpec {
  return {
    subscriptionId: SUB,
    resourceGroup: 'rg-app',
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    deletionPolicy: 'Delete',
    secureRunHistory: true,
    connections: [{ name: 'servicebus', connectionRef: { name: 'orders-bus' } }],
    ...overrides,
  };
}

const DEFINITION = { parameters: { $connections: { type: 'Object', defaultValue: {} } } };

function input(
  workflow: LogicAppWorkflowSpec,
  connections: LogicAppConnection[],
  definition: Record<string, unknown> = DEFINITION,
): ConnectionsInput {
  return {
    spec: workflow,
    definition,
    connectionNamed: (name) => connections.find((c) => c.metadata.name === name),
  };
}

describe('resolveConnectionsParameter', () => {
  it('writes nothing without spec.connections', () => {
    expect(resolveConnectionsParameter(input(spec({ connections: [] }), []))).toEqual({ kind: 'none' });
    const { connections: _unused, ...without } = spec();
    expect(resolveConnectionsParameter(input(without, [])).kind).toBe('none');
  });

  it('a system-assigned identity: the connection and API ids from the connection spec, no identity named', () => {
    const resolution = resolveConnectionsParameter(input(spec(), [connection('orders-bus')]));
    expect(resolution).toEqual({
      kind: 'resolved',
      value: {
        servicebus: {
          connectionId: `/subscriptions/${SUB}/resourceGroups/rg-conn/providers/Microsoft.Web/connections/orders-bus`,
          connectionName: 'orders-bus',
          id: `/subscriptions/${SUB}/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus`,
          connectionProperties: { authentication: { type: 'ManagedServiceIdentity' } },
        },
      },
    });
  });

  it('a user-assigned identity is named in the authentication; azureName names the connection in Azure', () => {
    const resolution = resolveConnectionsParameter(
      input(spec({ identity: { type: 'UserAssigned', userAssignedIdentityId: UAI } }), [
        connection('orders-bus', { azureName: 'orders-sb-conn' }),
      ]),
    );
    expect(resolution.kind).toBe('resolved');
    if (resolution.kind !== 'resolved') return;
    expect(resolution.value.servicebus?.connectionName).toBe('orders-sb-conn');
    expect(resolution.value.servicebus?.connectionId).toMatch(/\/connections\/orders-sb-conn$/);
    expect(resolution.value.servicebus?.connectionProperties.authentication).toEqual({
      type: 'ManagedServiceIdentity',
      identity: UAI,
    });
  });

  it('never reads the connection id from status: a forged status.resourceId changes nothing', () => {
    const forged = connection('orders-bus');
    forged.status = {
      ...forged.status,
      resourceId: '/subscriptions/other/resourceGroups/team-b/providers/Microsoft.Web/connections/theirs',
    };
    const resolution = resolveConnectionsParameter(input(spec(), [forged]));
    expect(resolution.kind === 'resolved' && resolution.value.servicebus?.connectionId).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-conn/providers/Microsoft.Web/connections/orders-bus`,
    );
  });

  it.each([
    ['missing', [], 'not found'],
    ['not Ready', [connection('orders-bus', {}, false)], 'not Ready: Progressing'],
    [
      'Ready for an older generation',
      [{ ...connection('orders-bus'), metadata: { name: 'orders-bus', namespace: 'team-a', generation: 3 } }],
      'not reconciled yet',
    ],
    [
      'being deleted',
      [
        {
          ...connection('orders-bus'),
          metadata: {
            name: 'orders-bus',
            namespace: 'team-a',
            generation: 2,
            deletionTimestamp: '2026-12-07T00:00:00Z',
          },
        },
      ],
      'being deleted',
    ],
  ])('waits for a connection that is %s', (_case, connections, why) => {
    const resolution = resolveConnectionsParameter(input(spec(), connections as LogicAppConnection[]));
    expect(resolution.kind).toBe('waiting');
    expect(resolution.kind === 'waiting' && resolution.message).toContain(`'orders-bus' (${why})`);
  });

  it.each([
    [
      'spec.parameters also sets $connections',
      spec({ parameters: { $connections: {} } }),
      DEFINITION,
      'remove $connections from spec.parameters',
    ],
    [
      'the identity is None',
      spec({ identity: { type: 'None' } }),
      DEFINITION,
      'set SystemAssigned or UserAssigned',
    ],
    ['the definition does not declare $connections', spec(), { parameters: {} }, 'does not declare'],
  ])('refuses the spec when %s', (_case, workflow, definition, hint) => {
    const resolution = resolveConnectionsParameter(input(workflow, [connection('orders-bus')], definition));
    expect(resolution.kind).toBe('invalid');
    expect(resolution.kind === 'invalid' && resolution.message).toContain(hint);
  });

  it('refuses a connection in another region than the workflow, naming both', () => {
    const resolution = resolveConnectionsParameter(
      input(spec(), [connection('orders-bus', { location: 'northeurope' })]),
    );
    expect(resolution.kind).toBe('invalid');
    expect(resolution.kind === 'invalid' && resolution.message).toMatch(/'northeurope'.*'westeurope'/);
  });
});
