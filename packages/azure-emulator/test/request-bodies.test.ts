// The opt-in capture of request bodies: what a client wrote into ARM and the Key Vault data plane
// is kept (the leak scan reads it), while what the emulator is given as credentials — token
// requests with client secrets, admin calls with seeded secret values — never is. Off by default.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CapturedRequestBody,
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
} from '../src/index.ts';
import { managedIdentityCredential, secretClient } from './support/data-plane.ts';
import {
  admin,
  DEFINITION,
  type Harness,
  KEY_VAULT_SECRETS_USER,
  operatorCredential,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const marker = () => `marker-${randomBytes(12).toString('hex')}`;

describe('request body capture, on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ captureRequestBodies: true });
  });
  afterAll(async () => {
    await h?.emu.close();
  });
  beforeEach(() => {
    h.emu.setFaults({});
  });

  it('keeps every ARM and data-plane body a client sent, with its operation, caller and status', async () => {
    const since = lastSeq(h);
    const parameter = marker();
    const tag = marker();
    const workflow = await h.logic.workflows.createOrUpdate(RG, `wf-${randomUUID().slice(0, 8)}`, {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      tags: { team: tag },
      definition: { ...DEFINITION, parameters: { endpoint: { type: 'String' } } },
      parameters: { endpoint: { value: parameter } },
    });
    const principalId = workflow.identity?.principalId ?? '';
    await h.keyVault.vaults.updateAccessPolicy(RG, DEMO_ACCESS_POLICY_VAULT, 'add', {
      properties: {
        accessPolicies: [
          { tenantId: h.emu.tenantId, objectId: principalId, permissions: { secrets: ['get'] } },
        ],
      },
    });
    const rbacVault = await h.keyVault.vaults.get(RG, DEMO_RBAC_VAULT);
    const scope = `${rbacVault.id}/secrets/partner-api-key`;
    await h.authorization.roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
      principalId,
      principalType: 'ServicePrincipal',
      description: 'written by the capture test',
    });
    // The data plane: the workflow's identity may only read, so its write is refused (403), and
    // its body is kept all the same: it was sent.
    const written = marker();
    const client = secretClient(
      h.emu,
      rbacVault.properties.vaultUri ?? '',
      managedIdentityCredential(h.emu, principalId),
    );
    await expect(client.setSecret('partner-api-key', written)).rejects.toMatchObject({ statusCode: 403 });

    const captured = h.emu.requestBodies(since);
    expect(captured.droppedBodies).toBe(0);
    const byOperation = (operation: string) => captured.bodies.filter((b) => b.operation === operation);
    const [workflowWrite] = byOperation('Microsoft.Logic/workflows/write');
    expect(workflowWrite).toMatchObject({ method: 'PUT', plane: 'arm', status: 201 });
    expect(workflowWrite?.body).toContain(parameter);
    expect(workflowWrite?.body).toContain(tag);
    expect(workflowWrite?.callerObjectId).toBe(h.emu.state.applications[h.emu.operatorClientId]?.objectId);
    expect(workflowWrite?.userAgent).toMatch(/azsdk-js-arm-logic/);
    expect(byOperation('Microsoft.KeyVault/vaults/accessPolicies/write')[0]?.body).toContain(principalId);
    const [assignment] = byOperation('Microsoft.Authorization/roleAssignments/write');
    expect(assignment?.body).toContain('written by the capture test');
    const [secretWrite] = byOperation('Microsoft.KeyVault/vaults/secrets/setSecret/action');
    expect(secretWrite).toMatchObject({ plane: 'keyvault', status: 403 });
    expect(secretWrite?.body).toContain(written);
  });

  it('keeps the body of a write that a fault refused or cut off', async () => {
    await h.logic.workflows.get(RG, 'warm-up-the-token-cache').catch(() => undefined);
    const since = lastSeq(h);
    h.emu.setFaults({
      errors: [{ operation: 'Microsoft.Logic/workflows/write', next: 1, dropConnection: true }],
    });
    const parameter = marker();
    const name = `wf-${randomUUID().slice(0, 8)}`;
    // The SDK retries a dropped connection: the same body twice, the first answered with nothing.
    await h.logic.workflows.createOrUpdate(RG, name, {
      location: 'westeurope',
      definition: { ...DEFINITION, parameters: { endpoint: { type: 'String' } } },
      parameters: { endpoint: { value: parameter } },
    });
    const writes = h.emu
      .requestBodies(since)
      .bodies.filter((b) => b.operation === 'Microsoft.Logic/workflows/write');
    expect(writes.map((b) => b.status)).toEqual([0, 201]);
    expect(writes.every((b) => b.body.includes(parameter))).toBe(true);
  });

  it('never keeps token requests (client secrets) or admin calls (seeded secret values)', async () => {
    const since = lastSeq(h);
    const fresh = operatorCredential(h.emu);
    const token = await fresh.getToken(`${h.emu.armEndpoint}/.default`);
    const seeded = marker();
    await admin(h.emu, 'PUT', `/vaults/${DEMO_ACCESS_POLICY_VAULT}/secrets/seeded`, { value: seeded });
    // A token request that fails is still a token request.
    await fetch(`${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: h.emu.operatorClientId,
        client_secret: 'wrong-secret-value',
        scope: `${h.emu.armEndpoint}/.default`,
      }),
    });
    expect(token?.token).toBeTruthy();
    // Both requests reached the emulator (so "nothing kept" is not "nothing sent").
    const kinds = h.emu
      .requests()
      .slice(-3)
      .map((r) => `${r.plane} ${r.status}`);
    expect(kinds).toEqual(['entra 200', 'admin 201', 'entra 401']);
    expect(h.emu.requestBodies(since).bodies).toEqual([]);
    const text = JSON.stringify((await admin(h.emu, 'GET', '/request-bodies')).body);
    expect(text).not.toContain(h.emu.operatorClientSecret);
    expect(text).not.toContain('wrong-secret-value');
    expect(text).not.toContain(seeded);
  });

  it('serves the capture on the admin API, from a sequence number on', async () => {
    const since = lastSeq(h);
    const parameter = marker();
    await h.logic.workflows.createOrUpdate(RG, `wf-${randomUUID().slice(0, 8)}`, {
      location: 'westeurope',
      definition: { ...DEFINITION, parameters: { endpoint: { type: 'String' } } },
      parameters: { endpoint: { value: parameter } },
    });
    const { status, body } = await admin(h.emu, 'GET', `/request-bodies?since=${since}`);
    expect(status).toBe(200);
    const page = body as { value: CapturedRequestBody[]; droppedBodies: number; droppedBytes: number };
    expect(page.value.map((b) => b.operation)).toEqual(['Microsoft.Logic/workflows/write']);
    expect(page.value[0]?.body).toContain(parameter);
    expect(page).toMatchObject({ droppedBodies: 0, droppedBytes: 0 });
  });

  it('reset empties it', async () => {
    await h.logic.workflows.createOrUpdate(RG, `wf-${randomUUID().slice(0, 8)}`, {
      location: 'westeurope',
      definition: DEFINITION,
    });
    expect(h.emu.requestBodies().bodies.length).toBeGreaterThan(0);
    h.emu.reset();
    expect(h.emu.requestBodies()).toEqual({ bodies: [], droppedBodies: 0, droppedBytes: 0 });
  });
});

describe('request body capture, bounded', () => {
  let h: Harness;
  const maxBytes = 4096;
  beforeAll(async () => {
    h = await startHarness({ captureRequestBodies: { maxBytes } });
  });
  afterAll(async () => {
    await h?.emu.close();
  });

  it('drops the oldest bodies past its bound and says how many, so a reader knows it saw only part', async () => {
    const parameters: string[] = [];
    for (let i = 0; i < 8; i++) {
      const parameter = `${marker()}-${'x'.repeat(600)}`;
      parameters.push(parameter);
      await h.logic.workflows.createOrUpdate(RG, `wf-bounded-${i}`, {
        location: 'westeurope',
        definition: { ...DEFINITION, parameters: { endpoint: { type: 'String' } } },
        parameters: { endpoint: { value: parameter } },
      });
    }
    const captured = h.emu.requestBodies();
    const kept = captured.bodies.reduce((sum, b) => sum + Buffer.byteLength(b.body), 0);
    expect(kept).toBeLessThanOrEqual(maxBytes);
    expect(captured.droppedBodies).toBeGreaterThan(0);
    expect(captured.droppedBodies + captured.bodies.length).toBe(8);
    expect(captured.droppedBytes).toBeGreaterThan(0);
    // What is kept is the newest.
    expect(captured.bodies.at(-1)?.body).toContain(parameters.at(-1));
    expect(captured.bodies.some((b) => b.body.includes(parameters[0] ?? '?'))).toBe(false);
  });
});

describe('request body capture, off (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.emu.close();
  });

  it('keeps nothing and says so, instead of answering with an empty list', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'wf-not-captured', {
      location: 'westeurope',
      definition: DEFINITION,
    });
    expect(() => h.emu.requestBodies()).toThrow(/capture is off/);
    const { status, body } = await admin(h.emu, 'GET', '/request-bodies');
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: { code: 'RequestBodyCaptureDisabled' } });
  });
});

function lastSeq(h: Harness): number {
  return h.emu.requestBodies().bodies.at(-1)?.seq ?? 0;
}
