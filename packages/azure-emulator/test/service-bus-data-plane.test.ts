// The Service Bus queue data plane with a workflow's managed identity: the story issue 24 must
// prove end to end, at the emulator's level. The queue lives in ARM (Microsoft.ServiceBus
// namespaces/queues), the grant is an ARM role assignment made through the real
// @azure/arm-authorization client at exactly the queue's scope, and the data plane is Service
// Bus's REST API (learn.microsoft.com/rest/api/servicebus: send-message-to-queue → 201,
// receive-and-delete → 200/204, peek-lock → 201 + Location, delete (complete) → 200). A token
// must be for https://servicebus.azure.net
// (learn.microsoft.com/azure/service-bus-messaging/authenticate-application); an authorization
// failure is 401 in Service Bus's XML error body (the REST reference lists 401 "Authorization
// failure" and keeps 403 for quota), with the detail clients report for a missing role,
// "Unauthorized access. 'Send' claim(s) are required to perform this operation."
// (Azure/azure-sdk-for-java#27831). Role ids, actions and dataActions: "Azure built-in roles",
// learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration.
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID } from '../src/index.ts';
import { managedIdentityCredential } from './support/data-plane.ts';
import { DEFINITION, type Harness, startHarness } from './support/harness.ts';
import { claimsOf } from './support/tenancy.ts';

const SUB = DEMO_SUBSCRIPTION_ID;
const GROUP = 'rg-bus';
const LOCATION = 'westeurope';
const NAMESPACE = 'orders-ns';
const QUEUE = 'orders';
const SB_API = 'api-version=2024-01-01';
const NAMESPACE_ID = `/subscriptions/${SUB}/resourceGroups/${GROUP}/providers/Microsoft.ServiceBus/namespaces/${NAMESPACE}`;
const QUEUE_ID = `${NAMESPACE_ID}/queues/${QUEUE}`;
const DATA_SENDER = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
const DATA_RECEIVER = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
const roleId = (guid: string) =>
  `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

let h: Harness;
let principalId: string;
/** The emulator's clock: moved by the tests that wait (grant propagation, locks, token expiry). */
let clock = Date.now();

interface BusAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request to the namespace's real host, sent to the emulator by its data-plane agent. */
function bus(
  method: string,
  path: string,
  token?: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  return new Promise<BusAnswer>((resolve, reject) => {
    const request = https.request(
      `https://${NAMESPACE}.servicebus.windows.net${path}`,
      {
        method,
        agent: h.emu.dataPlaneAgent,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function workflowToken(audience = 'https://servicebus.azure.net'): Promise<string> {
  const token = await managedIdentityCredential(h.emu, principalId).getToken(`${audience}/.default`);
  if (!token) throw new Error(`no token for ${audience}`);
  return token.token;
}

async function grant(role: string, scope: string): Promise<string> {
  const name = crypto.randomUUID();
  await h.authorization.roleAssignments.create(scope, name, {
    roleDefinitionId: roleId(role),
    principalId,
    principalType: 'ServicePrincipal',
  });
  return name;
}

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  expect(
    (
      await h.arm('PUT', `/subscriptions/${SUB}/resourcegroups/${GROUP}?api-version=2021-04-01`, {
        location: LOCATION,
      })
    ).status,
  ).toBe(201);
  const workflow = await h.logic.workflows.createOrUpdate(GROUP, 'orders-reader', {
    location: LOCATION,
    definition: DEFINITION,
    identity: { type: 'SystemAssigned' },
  });
  principalId = workflow.identity?.principalId ?? '';
  expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
});
afterAll(async () => {
  await h?.emu.close();
});

describe('Service Bus namespaces and queues through ARM', () => {
  it('creates a namespace and a queue a test can address', async () => {
    const ns = await h.arm('PUT', `${NAMESPACE_ID}?${SB_API}`, {
      location: LOCATION,
      sku: { name: 'Standard' },
    });
    expect(ns.status).toBe(201);
    expect(ns.body).toMatchObject({
      id: NAMESPACE_ID,
      name: NAMESPACE,
      sku: { name: 'Standard', tier: 'Standard' },
      properties: {
        provisioningState: 'Succeeded',
        serviceBusEndpoint: `https://${NAMESPACE}.servicebus.windows.net:443/`,
      },
    });
    const queue = await h.arm('PUT', `${QUEUE_ID}?${SB_API}`, { properties: { lockDuration: 'PT30S' } });
    expect(queue.status).toBe(200);
    expect(queue.body).toMatchObject({
      id: QUEUE_ID,
      name: QUEUE,
      properties: { lockDuration: 'PT30S', messageCount: 0 },
    });
    expect((await h.arm('GET', `${QUEUE_ID}?${SB_API}`)).status).toBe(200);
  });

  it('refuses a namespace name another resource group already holds (names are DNS names)', async () => {
    const taken = await h.arm(
      'PUT',
      `/subscriptions/${SUB}/resourceGroups/${GROUP}-other/providers/Microsoft.ServiceBus/namespaces/${NAMESPACE}?${SB_API}`,
      { location: LOCATION },
    );
    // The group does not exist: ARM answers first. Create it and try again.
    expect(taken.status).toBe(404);
    await h.arm('PUT', `/subscriptions/${SUB}/resourcegroups/${GROUP}-other?api-version=2021-04-01`, {
      location: LOCATION,
    });
    const again = await h.arm(
      'PUT',
      `/subscriptions/${SUB}/resourceGroups/${GROUP}-other/providers/Microsoft.ServiceBus/namespaces/${NAMESPACE}?${SB_API}`,
      { location: LOCATION },
    );
    expect(again.status).toBe(409);
  });
});

describe('Service Bus queue data plane with the workflow identity', () => {
  it('issues the managed identity a token for Service Bus', async () => {
    const claims = claimsOf(await workflowToken());
    expect(claims).toMatchObject({ aud: 'https://servicebus.azure.net', oid: principalId });
  });

  it("answers 401 in Service Bus's XML shape without a token and with a token for another audience", async () => {
    const anonymous = await bus('POST', `/${QUEUE}/messages`, undefined, 'hello');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/xml');
    expect(anonymous.text).toMatch(/^<Error><Code>401<\/Code><Detail>MissingToken: .*TrackingId:/);
    const vaultToken = await bus(
      'POST',
      `/${QUEUE}/messages`,
      await workflowToken('https://vault.azure.net'),
      'hello',
    );
    expect(vaultToken.status).toBe(401);
    expect(vaultToken.text).toContain('InvalidAudience');
  });

  it('refuses, then allows, then refuses again as the role at the queue scope comes and goes', async () => {
    const token = await workflowToken();
    const denied = await bus('POST', `/${QUEUE}/messages`, token, 'order 1');
    expect(denied.status).toBe(401);
    expect(denied.text).toContain(
      `Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: 'sb://${NAMESPACE}.servicebus.windows.net/${QUEUE}'.`,
    );
    expect(
      h.emu.state.serviceBusNamespaces[NAMESPACE_ID.toLowerCase()]?.queues[QUEUE]?.messages,
    ).toHaveLength(0);

    const sender = await grant(DATA_SENDER, QUEUE_ID);
    const sent = await bus('POST', `/${QUEUE}/messages`, token, 'order 1', {
      'content-type': 'application/json',
      brokerproperties: JSON.stringify({ MessageId: 'order-1' }),
    });
    expect(sent.status).toBe(201);
    // Sender carries no receive data action.
    expect((await bus('DELETE', `/${QUEUE}/messages/head`, token)).text).toContain(
      "'Listen' claim(s) are required",
    );

    const receiver = await grant(DATA_RECEIVER, QUEUE_ID);
    const received = await bus('DELETE', `/${QUEUE}/messages/head`, token);
    expect(received.status).toBe(200);
    expect(received.text).toBe('order 1');
    expect(received.headers['content-type']).toBe('application/json');
    expect(JSON.parse(String(received.headers.brokerproperties))).toMatchObject({
      MessageId: 'order-1',
      SequenceNumber: 1,
      DeliveryCount: 1,
    });
    expect((await bus('DELETE', `/${QUEUE}/messages/head`, token)).status).toBe(204);

    await h.authorization.roleAssignments.delete(QUEUE_ID, receiver);
    const revoked = await bus('DELETE', `/${QUEUE}/messages/head`, token);
    expect(revoked.status).toBe(401);
    expect(revoked.text).toContain("'Listen' claim(s) are required");
    await h.authorization.roleAssignments.delete(QUEUE_ID, sender);
    expect((await bus('POST', `/${QUEUE}/messages`, token, 'order 2')).status).toBe(401);
  });

  it('peek-locks a message, hides it while locked and deletes it on complete', async () => {
    const token = await workflowToken();
    const sender = await grant(DATA_SENDER, QUEUE_ID);
    const receiver = await grant(DATA_RECEIVER, QUEUE_ID);
    expect((await bus('POST', `/${QUEUE}/messages`, token, 'order 3')).status).toBe(201);
    const locked = await bus('POST', `/${QUEUE}/messages/head`, token);
    expect(locked.status).toBe(201);
    expect(locked.text).toBe('order 3');
    const properties = JSON.parse(String(locked.headers.brokerproperties)) as {
      MessageId: string;
      LockToken: string;
    };
    expect(locked.headers.location).toBe(
      `https://${NAMESPACE}.servicebus.windows.net/${QUEUE}/messages/${properties.MessageId}/${properties.LockToken}`,
    );
    // Locked: the next receive finds nothing.
    expect((await bus('POST', `/${QUEUE}/messages/head`, token)).status).toBe(204);
    const completePath = new URL(String(locked.headers.location)).pathname;
    expect((await bus('DELETE', completePath, token)).status).toBe(200);
    expect((await bus('DELETE', completePath, token)).status).toBe(404);
    await h.authorization.roleAssignments.delete(QUEUE_ID, sender);
    await h.authorization.roleAssignments.delete(QUEUE_ID, receiver);
  });

  it('inherits a grant made at the namespace, and a queue-scoped grant covers only its queue', async () => {
    const token = await workflowToken();
    expect((await h.arm('PUT', `${NAMESPACE_ID}/queues/invoices?${SB_API}`, {})).status).toBe(200);
    const onOrders = await grant(DATA_SENDER, QUEUE_ID);
    expect((await bus('POST', '/invoices/messages', token, 'invoice 1')).status).toBe(401);
    const onNamespace = await grant(DATA_SENDER, NAMESPACE_ID);
    expect((await bus('POST', '/invoices/messages', token, 'invoice 1')).status).toBe(201);
    // A namespace-wide grant reaches a queue that does not exist: Send Message answers 410.
    expect((await bus('POST', '/missing/messages', token, 'x')).status).toBe(410);
    await h.authorization.roleAssignments.delete(QUEUE_ID, onOrders);
    await h.authorization.roleAssignments.delete(NAMESPACE_ID, onNamespace);
  });
});

describe('Service Bus queue data plane over time (the emulator clock)', () => {
  it('counts a new grant only after the propagation delay, as the Key Vault data plane does', async () => {
    h.emu.setFaults({ grantPropagationSeconds: 30 });
    try {
      const sender = await grant(DATA_SENDER, QUEUE_ID);
      expect((await bus('POST', `/${QUEUE}/messages`, await workflowToken(), 'early')).status).toBe(401);
      clock += 29_000;
      expect((await bus('POST', `/${QUEUE}/messages`, await workflowToken(), 'early')).status).toBe(401);
      clock += 1_000;
      expect((await bus('POST', `/${QUEUE}/messages`, await workflowToken(), 'on time')).status).toBe(201);
      await h.authorization.roleAssignments.delete(QUEUE_ID, sender);
    } finally {
      h.emu.setFaults({});
    }
  });

  it('makes a locked message visible again once its lock expires, and the old lock settles nothing', async () => {
    const receiver = await grant(DATA_RECEIVER, QUEUE_ID);
    const token = await workflowToken();
    const first = await bus('POST', `/${QUEUE}/messages/head`, token);
    expect(first.status).toBe(201);
    expect(first.text).toBe('on time');
    clock += 30_000; // the queue's lockDuration, PT30S
    const again = await bus('POST', `/${QUEUE}/messages/head`, token);
    expect(again.status).toBe(201);
    expect(JSON.parse(String(again.headers.brokerproperties))).toMatchObject({ DeliveryCount: 2 });
    expect((await bus('DELETE', new URL(String(first.headers.location)).pathname, token)).status).toBe(404);
    expect((await bus('DELETE', new URL(String(again.headers.location)).pathname, token)).status).toBe(200);
    await h.authorization.roleAssignments.delete(QUEUE_ID, receiver);
  });

  it('refuses an expired token, and never logs a message body or a token', async () => {
    const token = await workflowToken();
    // The token's lifetime is checked before any role: no grant is needed to see the refusal.
    clock += 3600_000;
    const expired = await bus('POST', `/${QUEUE}/messages`, token, 'late');
    expect(expired.status).toBe(401);
    expect(expired.text).toContain('ExpiredToken');
    const log = JSON.stringify(h.emu.requests());
    expect(log).not.toContain('order 1');
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
