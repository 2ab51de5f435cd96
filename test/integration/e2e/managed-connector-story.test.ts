// Issue 24's wish-list story end to end, through the whole operator (`logicops run` wiring, in
// process) against the real API server and the Azure emulator over HTTPS: a workflow triggered by
// a Service Bus queue through the Service Bus managed connector, authenticated by the workflow's
// own managed identity — no connection string anywhere — plus the role grant on the queue. Once
// with a system-assigned identity, once with a user-assigned one.
//
// What the test relies on about Azure, and where it comes from:
// - the `$connections` entry (connectionId, connectionName, id, connectionProperties.authentication
//   {type: ManagedServiceIdentity[, identity]}) and the managed-identity connection
//   (`parameterValueSet` of the connector): Microsoft Learn, "Authenticate access and connections
//   to Azure resources with managed identities in Azure Logic Apps"
//   (learn.microsoft.com/azure/logic-apps/create-managed-service-identity), "ARM template for API
//   connections and managed identities";
// - Microsoft.Web/connections 2016-06-01: azure-rest-api-specs specification/web/resource-manager/
//   Microsoft.Web/stable/2016-06-01/logicAppsManagementClient.json;
// - the trigger's shape is the designer's "When a message is received in a queue (auto-complete)"
//   (learn.microsoft.com/connectors/servicebus);
// - a Service Bus data-plane call needs a token for https://servicebus.azure.net and a data role
//   at the queue or above (learn.microsoft.com/azure/service-bus-messaging/authenticate-application);
//   without it the REST API answers 401 (learn.microsoft.com/rest/api/servicebus, "Authorization
//   failure"); Azure Service Bus Data Receiver is 4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0
//   (learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration).
import https from 'node:https';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP, type Emulator } from '@logicops/azure-emulator';
import { managedIdentityCredential } from '@logicops/azure-emulator/test-support/data-plane';
import { operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureClients } from '../../../src/azure/index.ts';
import { GROUP, VERSION } from '../../../src/crds/index.ts';
import { ALLOWED_ROLE_SCOPES_ANNOTATION, ALLOWED_ROLES_ANNOTATION } from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import {
  demoScopePolicy,
  type EmulatorWorld,
  policyAnnotations,
  startEmulatorWorld,
} from '../support/emulator-world.ts';
import { type InProcessOperator, startInProcessOperator } from '../support/operator-env.ts';

const RECEIVER_ID = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
const BUS = 'sb-wish-list';
const QUEUE = 'orders';
const LOCATION = 'westeurope';

const DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  parameters: { $connections: { type: 'Object', defaultValue: {} } },
  triggers: {
    'When_a_message_is_received_in_a_queue_(auto-complete)': {
      type: 'ApiConnection',
      recurrence: { frequency: 'Minute', interval: 3 },
      inputs: {
        host: { connection: { name: "@parameters('$connections')['servicebus']['connectionId']" } },
        method: 'get',
        path: `/@{encodeURIComponent(encodeURIComponent('${QUEUE}'))}/messages/head`,
        queries: { queueType: 'Main' },
      },
    },
  },
  actions: {},
  outputs: {},
};

let world: EmulatorWorld;
let operator: InProcessOperator;
let emu: Emulator;
let namespace = '';
const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);

const rg = () => `${world.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}`;
const busId = () => `${rg()}/providers/Microsoft.ServiceBus/namespaces/${BUS}`;
const queueId = () => `${busId()}/queues/${QUEUE}`;

type Stored = {
  metadata: { name: string };
  status?: {
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    identity?: { principalId?: string };
    principalId?: string;
  };
};

const api = (plural: string, name?: string) => ({ group: GROUP, version: VERSION, namespace, plural, name });

async function read(plural: string, name: string): Promise<Stored | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({ ...api(plural), name })) as Stored;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

async function create(plural: string, kind: string, name: string, spec: Record<string, unknown>) {
  await custom.createNamespacedCustomObject({
    ...api(plural),
    body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, namespace }, spec },
  });
}

async function waitReady(plural: string, name: string): Promise<Stored> {
  return eventually(async () => {
    const object = await read(plural, name);
    const ready = object?.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') {
      throw new Error(`${plural}/${name} not Ready: ${ready?.reason ?? '(none)'} ${ready?.message ?? ''}`);
    }
    return object as Stored;
  }, 90_000);
}

async function deleteAndWait(plural: string, name: string) {
  await custom.deleteNamespacedCustomObject({ ...api(plural), name });
  await eventually(async () => {
    if (await read(plural, name)) throw new Error(`${plural}/${name} still there`);
  }, 90_000);
}

/** An ARM request as the operator's identity (the test's own setup: the bus and its queue). */
async function arm(method: string, path: string, body: unknown): Promise<number> {
  const token = await operatorCredential(emu).getToken(`${emu.armEndpoint}/.default`);
  const response = await fetch(`${emu.armEndpoint}${path}`, {
    method,
    headers: { authorization: `Bearer ${token?.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** Receive-and-delete from the queue, as the connector's trigger does, with `principalId`'s token. */
async function receiveAs(principalId: string): Promise<number> {
  const token = await managedIdentityCredential(emu, principalId).getToken(
    'https://servicebus.azure.net/.default',
  );
  return new Promise<number>((resolve, reject) => {
    const request = https.request(
      `https://${BUS}.servicebus.windows.net/${QUEUE}/messages/head?timeout=1`,
      { method: 'DELETE', agent: emu.dataPlaneAgent, headers: { authorization: `Bearer ${token?.token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function workflowInAzure(azureName: string) {
  return Object.values(emu.state.workflows).find((w) => w.name === azureName);
}

function systemPrincipalOf(azureName: string): string | undefined {
  const identity = workflowInAzure(azureName)?.identity;
  return identity?.type === 'SystemAssigned' ? identity.principalId : undefined;
}

function connectionsParameterOf(azureName: string) {
  const parameters = workflowInAzure(azureName)?.properties.parameters as
    | Record<string, { value?: Record<string, Record<string, unknown>> }>
    | undefined;
  return parameters?.$connections?.value;
}

beforeAll(async () => {
  world = await startEmulatorWorld({
    namespacePrefixes: ['wish-list'],
    annotations: (root) => ({
      ...policyAnnotations(demoScopePolicy(root)),
      [ALLOWED_ROLE_SCOPES_ANNOTATION]: `${root}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.ServiceBus/namespaces/${BUS}`,
      [ALLOWED_ROLES_ANNOTATION]: 'Azure Service Bus Data Receiver',
    }),
  });
  emu = world.emulator;
  [namespace] = world.namespaces as [string];
  expect(
    await arm('PUT', `${busId()}?api-version=2024-01-01`, { location: LOCATION, sku: { name: 'Standard' } }),
  ).toBe(201);
  expect(await arm('PUT', `${queueId()}?api-version=2024-01-01`, { properties: {} })).toBe(200);
  operator = await startInProcessOperator(emu, world.namespaces, { instance: namespace });
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await world?.stop();
});

describe.each([
  { variant: 'system-assigned', userAssigned: false },
  { variant: 'user-assigned', userAssigned: true },
])(
  'a workflow triggered by a Service Bus queue through the managed connector, $variant identity',
  ({ variant, userAssigned }) => {
    const workflowName = `orders-${variant}`;
    const azureName = () => `${namespace}-${workflowName}`;
    const connectionName = `bus-${variant}`;
    const grantName = `receiver-${variant}`;
    let identityId: string | undefined;
    let principalId = '';

    it('is Ready with its connection and its grant, and Azure holds exactly what the story needs', async () => {
      if (userAssigned) {
        const clients = createAzureClients({
          armEndpoint: emu.armEndpoint,
          subscriptionId: emu.subscriptionId,
          credential: operatorCredential(emu),
          maxRetries: 0,
        });
        const identity = await clients.msi.userAssignedIdentities.createOrUpdate(
          DEMO_RESOURCE_GROUP,
          `uai-${namespace}`,
          {
            location: LOCATION,
          },
        );
        identityId = identity.id;
      }
      await create('logicappconnections', 'LogicAppConnection', connectionName, {
        subscriptionId: emu.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: LOCATION,
        azureName: `${namespace}-${connectionName}`,
        api: 'servicebus',
        parameters: { namespaceEndpoint: `sb://${BUS}.servicebus.windows.net/` },
      });
      await create('logicappworkflows', 'LogicAppWorkflow', workflowName, {
        subscriptionId: emu.subscriptionId,
        resourceGroup: DEMO_RESOURCE_GROUP,
        location: LOCATION,
        azureName: azureName(),
        identity: userAssigned
          ? { type: 'UserAssigned', userAssignedIdentityId: identityId }
          : { type: 'SystemAssigned' },
        definition: DEFINITION,
        connections: [{ name: 'servicebus', connectionRef: { name: connectionName } }],
      });
      await create('workflowroleassignments', 'WorkflowRoleAssignment', grantName, {
        workflowRef: { name: workflowName },
        scope: queueId(),
        role: 'Azure Service Bus Data Receiver',
      });
      await waitReady('logicappconnections', connectionName);
      const workflow = await waitReady('logicappworkflows', workflowName);
      const grant = await waitReady('workflowroleassignments', grantName);
      principalId = workflow.status?.identity?.principalId ?? '';
      expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
      expect(grant.status?.principalId).toBe(principalId);

      // The connection: managed-identity authentication, no secret parameter at all.
      const connection = Object.values(emu.state.webConnections).find(
        (c) => c.name === `${namespace}-${connectionName}`,
      );
      expect(connection).toMatchObject({
        location: LOCATION,
        api: { name: 'servicebus', location: LOCATION },
        parameterValueSet: {
          name: 'managedIdentityAuth',
          values: { namespaceEndpoint: { value: `sb://${BUS}.servicebus.windows.net/` } },
        },
        parameterNames: [],
      });

      // The role assignment: exactly at the queue, the receiver role, for the workflow's principal.
      const assignments = Object.values(emu.state.roleAssignments).filter(
        (a) => a.principalId === principalId,
      );
      expect(
        assignments.map((a) => [a.scope.toLowerCase(), a.roleDefinitionId.toLowerCase().split('/').at(-1)]),
      ).toEqual([[queueId().toLowerCase(), RECEIVER_ID]]);
      expect(assignments[0]?.principalType).toBe('ServicePrincipal');

      // The workflow's $connections: the connection and its API, authenticated by this identity.
      expect(connectionsParameterOf(azureName())).toEqual({
        servicebus: {
          connectionId: connection?.id,
          connectionName: `${namespace}-${connectionName}`,
          id: `${world.subscriptionRoot}/providers/Microsoft.Web/locations/${LOCATION}/managedApis/servicebus`,
          connectionProperties: {
            authentication: userAssigned
              ? { type: 'ManagedServiceIdentity', identity: identityId }
              : { type: 'ManagedServiceIdentity' },
          },
        },
      });
    }, 240_000);

    it('accepts a token of the identity $connections names at the queue, and refuses it once the grant is deleted', async () => {
      // The identity the connector authenticates as is the one $connections names: the
      // user-assigned identity when there is one, the workflow's own otherwise.
      const named = connectionsParameterOf(azureName())?.servicebus?.connectionProperties as
        | { authentication: { identity?: string } }
        | undefined;
      const namedIdentity = named?.authentication.identity;
      const actingPrincipal = namedIdentity
        ? Object.values(emu.state.userAssignedIdentities).find(
            (i) => i.id.toLowerCase() === namedIdentity.toLowerCase(),
          )?.principalId
        : systemPrincipalOf(azureName());
      expect(actingPrincipal).toBe(principalId);

      // 204: authorized, and the queue is empty.
      expect(await receiveAs(principalId)).toBe(204);
      await deleteAndWait('workflowroleassignments', grantName);
      expect(Object.values(emu.state.roleAssignments).filter((a) => a.principalId === principalId)).toEqual(
        [],
      );
      expect(await receiveAs(principalId)).toBe(401);
    }, 180_000);

    it('leaves nothing behind once the workflow and the connection are deleted', async () => {
      await deleteAndWait('logicappworkflows', workflowName);
      await deleteAndWait('logicappconnections', connectionName);
      expect(workflowInAzure(azureName())).toBeUndefined();
      expect(
        Object.values(emu.state.webConnections).filter((c) => c.name === `${namespace}-${connectionName}`),
      ).toEqual([]);
      expect(Object.values(emu.state.roleAssignments).filter((a) => a.principalId === principalId)).toEqual(
        [],
      );
    }, 180_000);
  },
);
