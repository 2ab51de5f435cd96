// The admin API (/_emulator/...) and persistence: counters by kind, a request log that never
// holds secrets, a redacted state dump, reset, and a restart from the state file.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, startEmulator } from '../src/index.ts';
import {
  admin,
  DEFINITION,
  type Harness,
  operatorCredential,
  startHarness,
  trustCa,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'logicops-admin-test-'));
});
afterAll(async () => {
  await h?.emu.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('admin API', () => {
  it('counts requests by kind and operation, errors included', async () => {
    await h.logic.workflows.get(RG, 'warm-up-the-token-cache').catch(() => undefined);
    await admin(h.emu, 'POST', '/reset');
    await h.logic.workflows.createOrUpdate(RG, 'counted', { location: 'westeurope', definition: DEFINITION });
    await h.logic.workflows.get(RG, 'counted');
    await h.logic.workflows.get(RG, 'counted');
    await h.logic.workflows.get(RG, 'missing').catch(() => undefined);
    await h.logic.workflows.delete(RG, 'counted');
    const { body } = await admin(h.emu, 'GET', '/counters');
    expect(body).toMatchObject({
      reads: 3,
      writes: 1,
      deletes: 1,
      errors: 1,
      byOperation: {
        'Microsoft.Logic/workflows/read': { count: 3, errors: 1 },
        'Microsoft.Logic/workflows/write': { count: 1, errors: 0 },
        'Microsoft.Logic/workflows/delete': { count: 1, errors: 0 },
      },
    });
    // The credential cached its token before the reset: no token or discovery calls in between.
    expect(body).toMatchObject({
      total: 5,
      tokens: 0,
      byPlane: { arm: 5 },
      byStatus: { '200': 3, '201': 1, '404': 1 },
    });
  });

  it('the request log records operations and callers but never secrets or tokens', async () => {
    await h.credential.getToken(`${h.emu.armEndpoint}/.default`);
    const fresh = operatorCredential(h.emu);
    const token = await fresh.getToken(`${h.emu.armEndpoint}/.default`);
    await h.logic.workflows.get(RG, 'nothing-here').catch(() => undefined);
    const { body } = await admin(h.emu, 'GET', '/requests');
    const entries = (body as { value: { operation: string; callerObjectId?: string; kind: string }[] }).value;
    const tokenCall = entries.at(-2);
    expect(tokenCall).toMatchObject({
      kind: 'token',
      callerObjectId: h.emu.state.applications[h.emu.operatorClientId]!.objectId,
    });
    expect(entries.at(-1)).toMatchObject({ operation: 'Microsoft.Logic/workflows/read', kind: 'read' });
    const text = JSON.stringify(body);
    expect(text).not.toContain(h.emu.operatorClientSecret);
    expect(text).not.toContain(token!.token);
  });

  it('dumps the state with secret values and client secrets redacted', async () => {
    const { body } = await admin(h.emu, 'GET', '/state');
    const text = JSON.stringify(body);
    expect(text).toContain(DEMO_ACCESS_POLICY_VAULT);
    expect(text).not.toContain('demo-partner-api-key-not-a-secret');
    expect(text).not.toContain(h.emu.operatorClientSecret);
    expect(text).toContain('<redacted');
  });

  it('seeding a secret into a missing vault is 404', async () => {
    const response = await admin(h.emu, 'PUT', '/vaults/no-such-vault/secrets/s', { value: 'x' });
    expect(response.status).toBe(404);
  });

  it('reset restores the seeded world and clears the log and counters', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'before-reset', {
      location: 'westeurope',
      definition: DEFINITION,
    });
    expect((await admin(h.emu, 'POST', '/reset')).status).toBe(204);
    await expect(h.logic.workflows.get(RG, 'before-reset')).rejects.toMatchObject({ statusCode: 404 });
    expect((await h.keyVault.vaults.get(RG, DEMO_ACCESS_POLICY_VAULT)).name).toBe(DEMO_ACCESS_POLICY_VAULT);
    const { body } = await admin(h.emu, 'GET', '/counters');
    expect(body).toMatchObject({ writes: 0, reads: 2, errors: 1 });
  });

  it('describes its endpoints', async () => {
    const { body } = await admin(h.emu, 'GET', '');
    expect(body).toMatchObject({
      armEndpoint: h.emu.armEndpoint,
      tenantId: h.emu.tenantId,
      subscriptionId: h.emu.subscriptionId,
    });
  });
});

describe('persistence', () => {
  it('a restarted emulator keeps its state, CA and signing key (old tokens stay valid)', async () => {
    const stateFile = path.join(tmp, 'state.json');
    const first = await startEmulator({ stateFile, seed: 'demo' });
    trustCa(first.caCertPem);
    const credential = operatorCredential(first);
    const token = await credential.getToken(`${first.armEndpoint}/.default`);
    const url = (emu: typeof first, name: string) =>
      `${emu.armEndpoint}/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/${name}?api-version=2019-05-01`;
    const put = await fetch(url(first, 'survivor'), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
        properties: { definition: DEFINITION },
      }),
    });
    expect(put.status).toBe(201);
    const principalId = ((await put.json()) as { identity: { principalId: string } }).identity.principalId;
    first.seedSecret(DEMO_ACCESS_POLICY_VAULT, 'persisted', 'value-1');
    const caPem = readFileSync(first.caCertPath, 'utf8');
    expect(statSync(stateFile).mode & 0o077).toBe(0); // holds key material: owner-only
    await first.close();

    const second = await startEmulator({ stateFile, seed: 'demo', port: first.port });
    try {
      expect(readFileSync(second.caCertPath, 'utf8')).toBe(caPem);
      const get = await fetch(url(second, 'survivor'), {
        headers: { authorization: `Bearer ${token!.token}` },
      });
      expect(get.status).toBe(200);
      expect(((await get.json()) as { identity: { principalId: string } }).identity.principalId).toBe(
        principalId,
      );
      expect(second.state.principals[principalId]).toBeDefined();
      const vault = Object.values(second.state.vaults).find((v) => v.name === DEMO_ACCESS_POLICY_VAULT)!;
      expect(vault.secrets.persisted?.versions).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
