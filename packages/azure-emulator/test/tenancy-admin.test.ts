// The admin API's tenancy part, and state files written before tenants were modelled.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_OPERATOR_OBJECT_ID,
  DEMO_RESOURCE_GROUP,
  DEMO_SUBSCRIPTION_ID,
  startEmulator,
} from '../src/index.ts';
import { admin, DEFINITION, type Harness, startHarness } from './support/harness.ts';

describe('admin API: tenants, subscriptions, role assignments, resource groups', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.emu.close();
  });

  it('creates a tenant and a subscription in it, and refuses a subscription of an unknown tenant', async () => {
    const tenant = await admin(h.emu, 'POST', '/tenants', { displayName: 'Contoso' });
    expect(tenant).toMatchObject({ status: 201, body: { displayName: 'Contoso' } });
    const { tenantId } = tenant.body as { tenantId: string };
    const subscription = await admin(h.emu, 'POST', '/subscriptions', { tenantId });
    expect(subscription).toMatchObject({ status: 201, body: { tenantId, standingOwners: [] } });
    const listed = await admin(h.emu, 'GET', '/subscriptions');
    expect(
      (listed.body as { value: { subscriptionId: string }[] }).value.map((s) => s.subscriptionId),
    ).toEqual([DEMO_SUBSCRIPTION_ID, (subscription.body as { subscriptionId: string }).subscriptionId]);
    const orphan = await admin(h.emu, 'POST', '/subscriptions', {
      tenantId: '0000dddd-0000-4000-8000-000000000000',
    });
    expect(orphan).toMatchObject({ status: 400, body: { error: { code: 'TenantNotFound' } } });
    const app = await admin(h.emu, 'POST', '/applications', {
      tenantId: '0000dddd-0000-4000-8000-000000000000',
    });
    expect(app).toMatchObject({ status: 400, body: { error: { code: 'TenantNotFound' } } });
  });

  it('makes role assignments by role name or GUID, visible through ARM, and removes them', async () => {
    const scope = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${DEMO_RESOURCE_GROUP}`;
    const principalId = '7d5a3c1e-0000-4000-8000-00000000cccc';
    const byName = await admin(h.emu, 'POST', '/role-assignments', {
      scope,
      role: 'Logic App Contributor',
      principalId,
    });
    expect(byName).toMatchObject({
      status: 201,
      body: { properties: { scope, principalId, principalType: 'ServicePrincipal' } },
    });
    expect((byName.body as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId).toMatch(
      /\/roleDefinitions\/87a39d53-fc1b-424a-814c-f7e04687dc9e$/,
    );
    const listed = [];
    for await (const ra of h.authorization.roleAssignments.listForScope(scope, {
      filter: `principalId eq '${principalId}'`,
    }))
      listed.push(ra.name);
    expect(listed).toEqual([(byName.body as { name: string }).name]);
    const unknownRole = await admin(h.emu, 'POST', '/role-assignments', {
      scope,
      role: 'Galaxy Admin',
      principalId,
    });
    expect(unknownRole).toMatchObject({
      status: 400,
      body: { error: { code: 'RoleDefinitionDoesNotExist' } },
    });
    expect(
      (await admin(h.emu, 'DELETE', `/role-assignments/${(byName.body as { name: string }).name}`)).status,
    ).toBe(204);
    expect(
      (await admin(h.emu, 'DELETE', `/role-assignments/${(byName.body as { name: string }).name}`)).status,
    ).toBe(404);
  });

  it('creates a resource group in any subscription without a token', async () => {
    const created = await admin(h.emu, 'POST', '/resource-groups', {
      name: 'rg-admin',
      location: 'West Europe',
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'rg-admin', location: 'westeurope' } });
    expect(
      (
        await h.arm(
          'GET',
          `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/rg-admin?api-version=2021-04-01`,
        )
      ).status,
    ).toBe(200);
  });
});

describe('a state file written before tenants were modelled', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'logicops-legacy-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is completed on load: one tenant, its subscription, the operator's standing access", async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = await startEmulator({ stateFile, seed: 'demo' });
    await first.close();
    // Strip what older emulators did not write.
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as { state: Record<string, unknown> };
    delete file.state.tenants;
    delete file.state.subscriptions;
    delete file.state.oidcIssuers;
    for (const app of Object.values(file.state.applications as Record<string, Record<string, unknown>>))
      delete app.tenantId;
    writeFileSync(stateFile, JSON.stringify(file));
    const h = await startHarness({ stateFile, seed: 'demo' });
    try {
      expect(h.emu.state.subscriptions[DEMO_SUBSCRIPTION_ID]).toMatchObject({
        tenantId: h.emu.tenantId,
        standingOwners: [DEMO_OPERATOR_OBJECT_ID],
      });
      const created = await h.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, 'after-restart', {
        location: 'westeurope',
        definition: DEFINITION,
      });
      expect(created.name).toBe('after-restart');
    } finally {
      await h.emu.close();
    }
  });
});
