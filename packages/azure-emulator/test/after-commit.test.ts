// Faults after the write, through the real SDK clients: Azure applied the write (the state
// changed) and the answer is lost — a 5xx instead of the success, a dropped connection, an
// answer that comes after the client gave up, or one held until the test releases it. Each
// case shows both sides: the state changed, and the client saw a failure. Clients here make no
// retries of their own, so the failure reaches the test (the SDK would re-send the write).
import { randomUUID } from 'node:crypto';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LogicManagementClient } from '@azure/arm-logic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  type HeldResponse,
} from '../src/index.ts';
import { admin, DEFINITION, type Harness, KEY_VAULT_SECRETS_USER, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const WORKFLOW_WRITE = 'Microsoft.Logic/workflows/write';
const WORKFLOW_DELETE = 'Microsoft.Logic/workflows/delete';
const ACCESS_POLICY_WRITE = 'Microsoft.KeyVault/vaults/accessPolicies/write';
const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';

let h: Harness;
/** The same SDK clients with no retries: a lost answer reaches the caller as it was lost. */
let once: {
  logic: LogicManagementClient;
  keyVault: KeyVaultManagementClient;
  authorization: AuthorizationManagementClient;
};

beforeAll(async () => {
  h = await startHarness();
  const options = { endpoint: h.emu.armEndpoint, retryOptions: { maxRetries: 0 } };
  once = {
    logic: new LogicManagementClient(h.credential, h.emu.subscriptionId, options),
    keyVault: new KeyVaultManagementClient(h.credential, h.emu.subscriptionId, options),
    authorization: new AuthorizationManagementClient(h.credential, h.emu.subscriptionId, options),
  };
});
afterAll(async () => {
  await h?.emu.close();
});
beforeEach(() => {
  h.emu.setFaults({});
});

const workflowKey = (name: string) =>
  `/subscriptions/${h.emu.subscriptionId}/resourcegroups/${RG}/providers/microsoft.logic/workflows/${name}`.toLowerCase();
const vaultState = (name: string) => Object.values(h.emu.state.vaults).find((v) => v.name === name);
const entryOf = (vault: string, objectId: string) =>
  vaultState(vault)?.accessPolicies.find((p) => p.objectId.toLowerCase() === objectId.toLowerCase());
const lastLogged = (operation: string) =>
  h.emu
    .requests()
    .filter((r) => r.operation === operation)
    .at(-1);

function putWorkflow(client: LogicManagementClient, name: string) {
  return client.workflows.createOrUpdate(RG, name, { location: 'westeurope', definition: DEFINITION });
}

function addGet(client: KeyVaultManagementClient, objectId: string, options = {}) {
  return client.vaults.updateAccessPolicy(
    RG,
    DEMO_ACCESS_POLICY_VAULT,
    'add',
    {
      properties: {
        accessPolicies: [{ tenantId: h.emu.tenantId, objectId, permissions: { secrets: ['get'] } }],
      },
    },
    options,
  );
}

function secretsUserOnVault(client: AuthorizationManagementClient, name: string, options = {}) {
  const scope = `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
  return client.roleAssignments.create(
    scope,
    name,
    {
      roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      principalId: randomUUID(),
      principalType: 'ServicePrincipal',
    },
    options,
  );
}

describe('a 5xx after the write', () => {
  it('creates the workflow, and the client sees 500', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: WORKFLOW_WRITE, next: 1, fault: 'serverError' }] });
    const name = `wf-${randomUUID().slice(0, 8)}`;
    await expect(putWorkflow(once.logic, name)).rejects.toMatchObject({
      statusCode: 500,
      code: 'InternalServerError',
    });
    expect(h.emu.state.workflows[workflowKey(name)]).toMatchObject({ name });
    expect(lastLogged(WORKFLOW_WRITE)).toMatchObject({ status: 500, afterCommit: 'serverError' });
    expect(h.emu.counters().faults.afterCommit.serverError).toBeGreaterThanOrEqual(1);
  });

  it('deletes the workflow with its status code of choice, and the SDK retry then finds it gone', async () => {
    const name = `wf-${randomUUID().slice(0, 8)}`;
    await putWorkflow(h.logic, name);
    h.emu.setFaults({
      afterCommit: [
        {
          operation: WORKFLOW_DELETE,
          next: 1,
          fault: 'serverError',
          status: 503,
          code: 'ServiceUnavailable',
        },
      ],
    });
    await expect(once.logic.workflows.delete(RG, name)).rejects.toMatchObject({ statusCode: 503 });
    expect(h.emu.state.workflows[workflowKey(name)]).toBeUndefined();

    // With its retries, the SDK re-sends the DELETE, which Azure answers 204 for a workflow already gone.
    await putWorkflow(h.logic, name);
    h.emu.setFaults({ afterCommit: [{ operation: WORKFLOW_DELETE, next: 1, fault: 'serverError' }] });
    const since = h.emu.requests().at(-1)!.seq;
    await h.logic.workflows.delete(RG, name);
    expect(
      h.emu
        .requests(since)
        .filter((r) => r.operation === WORKFLOW_DELETE)
        .map((r) => r.status),
    ).toEqual([500, 204]);
  });
});

describe('a dropped connection after the write', () => {
  it('adds the access-policy permission, and the client sees a socket error', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: ACCESS_POLICY_WRITE, next: 1, fault: 'dropConnection' }] });
    const principal = randomUUID();
    const failure = await addGet(once.keyVault, principal).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'RestError', code: 'ECONNRESET' });
    expect(entryOf(DEMO_ACCESS_POLICY_VAULT, principal)?.permissions.secrets).toEqual(['Get']);
    expect(lastLogged(ACCESS_POLICY_WRITE)).toMatchObject({ status: 0, afterCommit: 'dropConnection' });
  });
});

describe('a timeout after the write', () => {
  it('creates the role assignment; the answer never comes and the client gives up', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: ROLE_ASSIGNMENT_WRITE, next: 1, fault: 'timeout' }] });
    const name = randomUUID();
    const failure = await secretsUserOnVault(once.authorization, name, {
      abortSignal: AbortSignal.timeout(500),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(Object.values(h.emu.state.roleAssignments).some((a) => a.name === name)).toBe(true);
    // Logged once the client closed the connection: nothing was sent.
    await expect
      .poll(() => lastLogged(ROLE_ASSIGNMENT_WRITE)?.afterCommit, { timeout: 10_000 })
      .toBe('timeout');
    expect(lastLogged(ROLE_ASSIGNMENT_WRITE)).toMatchObject({ status: 0 });
  });

  it('with holdMs, sends the answer late: to a patient client, success', async () => {
    h.emu.setFaults({
      afterCommit: [{ operation: ROLE_ASSIGNMENT_WRITE, next: 1, fault: 'timeout', holdMs: 300 }],
    });
    const name = randomUUID();
    await expect(secretsUserOnVault(once.authorization, name)).resolves.toMatchObject({ name });
    expect(lastLogged(ROLE_ASSIGNMENT_WRITE)).toMatchObject({ status: 201, afterCommit: 'timeout' });
  });
});

describe('an answer held until the test releases it', () => {
  it('the write is applied while its answer waits; a test can wait for it, then send it', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: ACCESS_POLICY_WRITE, next: 1, fault: 'hold' }] });
    const principal = randomUUID();
    let settled = false;
    const pending = addGet(once.keyVault, principal).finally(() => {
      settled = true;
    });
    const waited = await admin(h.emu, 'GET', '/faults/held?count=1&waitMs=10000');
    const [held] = (waited.body as { value: HeldResponse[] }).value;
    expect(held).toMatchObject({
      operation: ACCESS_POLICY_WRITE,
      method: 'PUT',
      status: 200,
      clientGone: false,
    });
    expect(entryOf(DEMO_ACCESS_POLICY_VAULT, principal)?.permissions.secrets).toEqual(['Get']);
    expect(settled).toBe(false);

    expect(await admin(h.emu, 'POST', `/faults/held/${held!.id}`, { answer: 'send' })).toEqual({
      status: 204,
      body: undefined,
    });
    await expect(pending).resolves.toMatchObject({
      properties: { accessPolicies: [{ objectId: principal }] },
    });
    expect(h.emu.heldResponses()).toEqual([]);
    expect(await admin(h.emu, 'POST', `/faults/held/${held!.id}`)).toMatchObject({ status: 404 });
  });

  it('notes when the client goes away, and a drop reaches a client still waiting as a socket error', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: ACCESS_POLICY_WRITE, next: 2, fault: 'hold' }] });
    const gone = addGet(once.keyVault, randomUUID(), { abortSignal: AbortSignal.timeout(300) }).catch(
      (error: unknown) => error,
    );
    const [first] = await h.emu.waitForHeldResponses(1, 10_000);
    expect(await gone).toMatchObject({ name: 'AbortError' });
    await expect.poll(() => h.emu.heldResponses()[0]?.clientGone, { timeout: 10_000 }).toBe(true);
    expect(h.emu.releaseHeldResponse(first!.id)).toBe(true);

    const waiting = addGet(once.keyVault, randomUUID()).catch((error: unknown) => error);
    const [second] = await h.emu.waitForHeldResponses(1, 10_000);
    expect(h.emu.releaseHeldResponse(second!.id, 'drop')).toBe(true);
    expect(await waiting).toMatchObject({ name: 'RestError', code: 'ECONNRESET' });
    expect(h.emu.counters().faults.afterCommit.hold).toBeGreaterThanOrEqual(2);
  });
});

describe('which writes count', () => {
  it('a refused write changed nothing and does not use up a rule; reads never match', async () => {
    h.emu.setFaults({ afterCommit: [{ operation: '*', next: 1, fault: 'serverError' }] });
    // A read, then a write Azure refuses (unknown role): neither is struck.
    await expect(h.logic.workflows.listByResourceGroup(RG).byPage().next()).resolves.toBeDefined();
    const scope = `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}`;
    await expect(
      once.authorization.roleAssignments.create(scope, randomUUID(), {
        roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`,
        principalId: randomUUID(),
        principalType: 'ServicePrincipal',
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'RoleDefinitionDoesNotExist' });
    expect(h.emu.faults().afterCommit?.[0]?.next).toBe(1);
    const name = `wf-${randomUUID().slice(0, 8)}`;
    await expect(putWorkflow(once.logic, name)).rejects.toMatchObject({ statusCode: 500 });
    expect(h.emu.faults().afterCommit?.[0]?.next).toBe(0);
  });

  it('rate-based after-commit faults repeat exactly under the same seed', async () => {
    const outcomes = async () => {
      h.emu.setFaults({
        seed: 11,
        afterCommit: [{ operation: WORKFLOW_WRITE, rate: 0.5, fault: 'serverError' }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          await putWorkflow(once.logic, `wf-seeded-${i}`).then(
            () => 200,
            (error: { statusCode?: number }) => error.statusCode ?? 0,
          ),
        );
      }
      return statuses;
    };
    const first = await outcomes();
    expect(new Set(first)).toEqual(new Set([200, 500]));
    expect(await outcomes()).toEqual(first);
    // Every one of them was created, struck or not.
    for (let i = 0; i < 12; i++) expect(h.emu.state.workflows[workflowKey(`wf-seeded-${i}`)]).toBeDefined();
  });

  it('is validated: the fault name, and options that belong to another fault', async () => {
    const refused = async (rule: unknown) =>
      (await admin(h.emu, 'PUT', '/faults', { afterCommit: [rule] })).body as { error: { message: string } };
    expect((await refused({ operation: '*', next: 1, fault: 'explode' })).error.message).toMatch(
      /fault must be one of timeout, dropConnection, serverError, hold/,
    );
    expect((await refused({ operation: '*', next: 1, fault: 'hold', holdMs: 5 })).error.message).toMatch(
      /holdMs applies to the 'timeout' fault only/,
    );
    expect(
      (await refused({ operation: '*', next: 1, fault: 'serverError', status: 404 })).error.message,
    ).toMatch(/status must be an HTTP status from 500 to 599/);
    expect((await refused({ operation: '*', fault: 'timeout' })).error.message).toMatch(
      /needs 'rate' or 'next'/,
    );
    expect(h.emu.faults()).toEqual({});
  });
});
