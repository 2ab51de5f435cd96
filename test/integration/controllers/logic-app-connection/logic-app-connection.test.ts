// LogicAppConnection through the whole operator (`logicops run` wiring, in process) against the
// real API server and the Azure emulator over HTTPS: a Service Bus API connection authenticated
// by the managed identity, Ready; drift made in Azure (a changed display name, a deleted
// connection) repaired; deleted with the object; a connection someone else made left alone; a
// resource group outside the namespace policy refused — the write counts judged from the
// emulator's request log.
//
// What the emulator and the operator share about Azure, and where it comes from:
// - a connection is `PUT /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/connections/{name}`
//   (api-version 2016-06-01) with `properties.api.id` naming
//   `/subscriptions/{s}/providers/Microsoft.Web/locations/{location}/managedApis/{api}`, and a GET
//   reports `overallStatus` (azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/
//   stable/2016-06-01/logicAppsManagementClient.json, Connections_CreateOrUpdate / _Get / _Delete
//   and their examples);
// - a connection authenticated by the managed identity carries `parameterValueSet` with the
//   connector's managed-identity set, `managedIdentityAuth` for Service Bus with its
//   `namespaceEndpoint` ("Authenticate access and connections to Azure resources with managed
//   identities in Azure Logic Apps", https://learn.microsoft.com/azure/logic-apps/create-managed-service-identity,
//   "ARM template for API connections and managed identities"; the emulator's catalogue records
//   the evidence per connector).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP, type Emulator } from '@logicops/azure-emulator';
import { operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AzureCalls,
  type AzureGateways,
  createAzureClients,
  createAzureGateways,
  managedApiId,
} from '../../../../src/azure/index.ts';
import { GROUP, VERSION } from '../../../../src/crds/index.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  OWNER_TAG,
  RECONCILE_REQUEST_ANNOTATION,
} from '../../../../src/vocabulary.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';
import { type EmulatorWorld, startEmulatorWorld } from '../../support/emulator-world.ts';
import {
  type InProcessOperator,
  startInProcessOperator,
  TEST_CLUSTER_ID,
} from '../../support/operator-env.ts';

const PLURAL = 'logicappconnections';
const ENDPOINT = 'sb://sb-orders.servicebus.windows.net/';
let world: EmulatorWorld;
let operator: InProcessOperator;
let emu: Emulator;
let namespace = '';
/** The same ARM as someone else (a portal user, another tool) reaches it. */
let someoneElse: AzureGateways;
const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);

type Stored = {
  metadata: { name: string; generation?: number; finalizers?: string[] };
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    resourceId?: string;
    apiId?: string;
    overallStatus?: string;
  };
};

async function read(name: string): Promise<Stored | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
    })) as Stored;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

async function waitFor(name: string, type: 'Ready' | 'Stalled', reason: string): Promise<Stored> {
  return eventually(async () => {
    const object = await read(name);
    const condition = object?.status?.conditions?.find((c) => c.type === type);
    if (condition?.status !== 'True') throw new Error(`${name}: ${type} is not True yet`);
    if (condition.reason !== reason) {
      throw new Error(
        `${name}: ${type} is ${condition.reason} (${condition.message}), waiting for ${reason}`,
      );
    }
    if (object?.status?.observedGeneration !== object?.metadata.generation) {
      throw new Error(`${name}: generation not observed yet`);
    }
    return object as Stored;
  }, 60_000);
}

function createConnection(name: string, spec: Record<string, unknown> = {}) {
  return custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'LogicAppConnection',
      metadata: { name, namespace },
      spec: {
        subscriptionId: emu.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: 'westeurope',
        api: 'servicebus',
        displayName: 'Orders bus',
        parameters: { namespaceEndpoint: ENDPOINT },
        ...spec,
      },
    },
  });
}

const refOf = (name: string, resourceGroup = DEMO_RESOURCE_GROUP) => ({
  subscriptionId: emu.subscriptionId,
  resourceGroup,
  name,
});
const connectionPath = (name: string, resourceGroup = DEMO_RESOURCE_GROUP) =>
  `/subscriptions/${emu.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/connections/${name}`;
const mark = () => emu.requests().at(-1)?.seq ?? 0;
/** ARM writes the emulator logged since `since` to connections named `name`. */
const writesTo = (since: number, name: string) =>
  emu
    .requests(since)
    .filter(
      (r) => r.plane === 'arm' && r.method !== 'GET' && r.path.toLowerCase().endsWith(`/connections/${name}`),
    )
    .map((r) => `${r.method} ${r.status}`);

async function requestReconcile(name: string, value: string): Promise<void> {
  await kubectl([
    '-n',
    namespace,
    'annotate',
    '--overwrite',
    `${PLURAL}/${name}`,
    `${RECONCILE_REQUEST_ANNOTATION}=${value}`,
  ]);
}

beforeAll(async () => {
  world = await startEmulatorWorld({
    namespacePrefixes: ['connections'],
    annotations: (root) => ({
      [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${root}/resourceGroups/${DEMO_RESOURCE_GROUP}`,
    }),
  });
  emu = world.emulator;
  [namespace] = world.namespaces as [string];
  operator = await startInProcessOperator(emu, world.namespaces, { instance: namespace });
  const clients = createAzureClients({
    armEndpoint: emu.armEndpoint,
    subscriptionId: emu.subscriptionId,
    credential: operatorCredential(emu),
    maxRetries: 0,
  });
  someoneElse = createAzureGateways(clients, new AzureCalls());
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await world?.stop();
});

describe('a Service Bus LogicAppConnection', () => {
  it('is Ready, and the emulator holds the connection with managed-identity authentication and the owner tag', async () => {
    const since = mark();
    await createConnection('orders-bus');
    const stored = await waitFor('orders-bus', 'Ready', 'Succeeded');
    expect(stored.status).toMatchObject({
      resourceId: connectionPath('orders-bus'),
      apiId: managedApiId(emu.subscriptionId, 'westeurope', 'servicebus'),
      overallStatus: 'Connected',
    });
    const held = await someoneElse.connections.get(refOf('orders-bus'));
    expect(held).toMatchObject({
      displayName: 'Orders bus',
      apiId: managedApiId(emu.subscriptionId, 'westeurope', 'servicebus'),
      parameterValueSet: { name: 'managedIdentityAuth', values: { namespaceEndpoint: ENDPOINT } },
      tags: { [OWNER_TAG]: `${TEST_CLUSTER_ID}/${namespace}/orders-bus` },
      overallStatus: 'Connected',
    });
    expect(writesTo(since, 'orders-bus')).toEqual(['PUT 200']);
  });

  it('writes nothing at steady state', async () => {
    const since = mark();
    await requestReconcile('orders-bus', 'steady-1');
    await eventually(async () => {
      const reads = emu
        .requests(since)
        .filter((r) => r.method === 'GET' && r.path.toLowerCase().endsWith('/connections/orders-bus'));
      if (reads.length === 0) throw new Error('not read yet');
    }, 30_000);
    await waitFor('orders-bus', 'Ready', 'Succeeded');
    expect(writesTo(since, 'orders-bus')).toEqual([]);
  });

  it('repairs a display name someone changed in Azure', async () => {
    const current = await someoneElse.connections.get(refOf('orders-bus'));
    await someoneElse.connections.createOrUpdate(refOf('orders-bus'), {
      location: 'westeurope',
      api: 'servicebus',
      displayName: 'renamed in the portal',
      parameterValueSet: { name: 'managedIdentityAuth', values: { namespaceEndpoint: ENDPOINT } },
      tags: current?.tags ?? {},
    });
    await requestReconcile('orders-bus', 'drift-1');
    await eventually(async () => {
      const held = await someoneElse.connections.get(refOf('orders-bus'));
      if (held?.displayName !== 'Orders bus') throw new Error(`display name is ${held?.displayName}`);
    }, 30_000);
  });

  it('recreates the connection after someone deleted it in Azure', async () => {
    await someoneElse.connections.delete(refOf('orders-bus'));
    expect(await someoneElse.connections.get(refOf('orders-bus'))).toBeUndefined();
    await requestReconcile('orders-bus', 'drift-2');
    const recreated = await eventually(async () => {
      const held = await someoneElse.connections.get(refOf('orders-bus'));
      if (!held) throw new Error('not recreated yet');
      return held;
    }, 30_000);
    expect(recreated.parameterValueSet).toEqual({
      name: 'managedIdentityAuth',
      values: { namespaceEndpoint: ENDPOINT },
    });
  });

  it('deletes the connection in Azure when the object is deleted', async () => {
    await kubectl(['-n', namespace, 'delete', `${PLURAL}/orders-bus`, '--wait=true', '--timeout=60s']);
    expect(await read('orders-bus')).toBeUndefined();
    expect(await someoneElse.connections.get(refOf('orders-bus'))).toBeUndefined();
  });
});

describe('refusals', () => {
  it('leaves a connection someone else made alone: AlreadyOwned, no write, not deleted with the object', async () => {
    await someoneElse.connections.createOrUpdate(refOf('made-by-hand'), {
      location: 'westeurope',
      api: 'servicebus',
      displayName: 'hand-made',
      parameterValueSet: { name: 'managedIdentityAuth', values: { namespaceEndpoint: ENDPOINT } },
      tags: { team: 'b' },
    });
    const since = mark();
    await createConnection('made-by-hand');
    const stalled = await waitFor('made-by-hand', 'Stalled', 'AlreadyOwned');
    expect(stalled.status?.conditions?.find((c) => c.type === 'Stalled')?.message).toContain(
      `has no ${OWNER_TAG} tag`,
    );
    expect(stalled.status?.resourceId).toBeUndefined();
    await kubectl(['-n', namespace, 'delete', `${PLURAL}/made-by-hand`, '--wait=true', '--timeout=60s']);
    expect(writesTo(since, 'made-by-hand')).toEqual([]);
    expect(await someoneElse.connections.get(refOf('made-by-hand'))).toMatchObject({
      displayName: 'hand-made',
      tags: { team: 'b' },
    });
  });

  it('refuses a resource group outside the namespace policy with no Azure request at all', async () => {
    const since = mark();
    await createConnection('elsewhere', { resourceGroup: 'other-team-rg' });
    const stalled = await waitFor('elsewhere', 'Stalled', 'NamespacePolicyDenied');
    expect(stalled.status?.conditions?.find((c) => c.type === 'Stalled')?.message).toContain(
      ALLOWED_RESOURCE_GROUPS_ANNOTATION,
    );
    await kubectl(['-n', namespace, 'delete', `${PLURAL}/elsewhere`, '--wait=true', '--timeout=60s']);
    expect(
      emu.requests(since).filter((r) => r.plane === 'arm' && r.path.toLowerCase().includes('/connections/')),
    ).toEqual([]);
  });

  it('refuses a parameter the managed-identity set does not take, naming it, with no Azure request', async () => {
    const since = mark();
    await createConnection('with-key', {
      parameters: { namespaceEndpoint: ENDPOINT, connectionString: 'x' },
    });
    const stalled = await waitFor('with-key', 'Stalled', 'InvalidSpec');
    expect(stalled.status?.conditions?.find((c) => c.type === 'Stalled')?.message).toMatch(
      /^spec\.parameters\.connectionString: /,
    );
    expect(stalled.metadata.finalizers ?? []).toEqual([]);
    expect(
      emu.requests(since).filter((r) => r.plane === 'arm' && r.path.toLowerCase().includes('/connections/')),
    ).toEqual([]);
  });
});
