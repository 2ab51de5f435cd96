// Resource groups and the ARM envelope (no resources SDK is installed, so these go over raw
// HTTPS with a token from the real credential), plus headers and api-version handling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { DEFINITION, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

const rg = (name: string, apiVersion = '2021-04-01') =>
  `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${name}?api-version=${apiVersion}`;

describe('resource groups', () => {
  it('PUT creates (201) then updates (200); GET returns the group', async () => {
    const created = await h.arm('PUT', rg('rg-one'), { location: 'West Europe', tags: { env: 'test' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: `/subscriptions/${h.emu.subscriptionId}/resourceGroups/rg-one`,
      name: 'rg-one',
      type: 'Microsoft.Resources/resourceGroups',
      location: 'westeurope',
      tags: { env: 'test' },
      properties: { provisioningState: 'Succeeded' },
    });
    expect((await h.arm('PUT', rg('rg-one'), { location: 'westeurope' })).status).toBe(200);
    const fetched = await h.arm('GET', rg('RG-ONE')); // ARM ids are case-insensitive
    expect(fetched.status).toBe(200);
    expect((fetched.body as { name: string }).name).toBe('rg-one');
  });

  it('GET of a missing group is 404 ResourceGroupNotFound, marked as answered by the gateway', async () => {
    const missing = await h.arm('GET', rg('rg-missing'));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg-missing' could not be found." },
    });
    expect(missing.headers.get('x-ms-failure-cause')).toBe('gateway');
  });

  it('DELETE answers 202 + Location and removes the group with its workflows and their principals', async () => {
    await h.arm('PUT', rg('rg-doomed'), { location: 'westeurope' });
    const workflow = await h.logic.workflows.createOrUpdate('rg-doomed', 'wf', {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      definition: DEFINITION,
    });
    const deleted = await h.arm('DELETE', rg('rg-doomed'));
    expect(deleted.status).toBe(202);
    const location = deleted.headers.get('location');
    expect(location).toMatch(/^https:\/\/.+\/operationresults\//);
    const token = await h.credential.getToken(`${h.emu.armEndpoint}/.default`);
    expect((await fetch(location!, { headers: { authorization: `Bearer ${token!.token}` } })).status).toBe(
      200,
    );
    expect((await h.arm('GET', rg('rg-doomed'))).status).toBe(404);
    expect(h.emu.state.principals[workflow.identity!.principalId!]).toBeUndefined();
    expect((await h.arm('DELETE', rg('rg-doomed'))).status).toBe(404);
  });

  it('a missing location is 400 LocationRequired', async () => {
    const response = await h.arm('PUT', rg('rg-no-location'), { tags: {} });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'LocationRequired' } });
  });
});

describe('ARM envelope', () => {
  it('stamps x-ms-request-id, echoes x-ms-correlation-request-id and reports remaining reads/writes', async () => {
    const token = await h.credential.getToken(`${h.emu.armEndpoint}/.default`);
    const headers = { authorization: `Bearer ${token!.token}`, 'x-ms-correlation-request-id': 'corr-123' };
    const first = await fetch(`${h.emu.armEndpoint}${rg(DEMO_RESOURCE_GROUP)}`, { headers });
    expect(first.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers.get('x-ms-correlation-request-id')).toBe('corr-123');
    const firstRemaining = Number(first.headers.get('x-ms-ratelimit-remaining-subscription-reads'));
    const second = await fetch(`${h.emu.armEndpoint}${rg(DEMO_RESOURCE_GROUP)}`, { headers });
    expect(second.headers.get('x-ms-request-id')).not.toBe(first.headers.get('x-ms-request-id'));
    const secondRemaining = Number(second.headers.get('x-ms-ratelimit-remaining-subscription-reads'));
    expect(firstRemaining).toBeGreaterThan(0);
    expect(secondRemaining).toBeLessThanOrEqual(firstRemaining);
    const write = await h.arm('PUT', rg('rg-headers'), { location: 'westeurope' });
    expect(Number(write.headers.get('x-ms-ratelimit-remaining-subscription-writes'))).toBeGreaterThan(0);
    const generated = await h.arm('GET', rg(DEMO_RESOURCE_GROUP));
    expect(generated.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('errors carry the same headers and the {error:{code,message}} body', async () => {
    const response = await h.arm('GET', rg('nope'));
    expect(response.headers.get('x-ms-request-id')).toBeTruthy();
    expect(Object.keys((response.body as { error: object }).error).sort()).toEqual(['code', 'message']);
  });

  it('a missing api-version is 400 MissingApiVersionParameter; an unknown one is NoRegisteredProviderFound', async () => {
    const missing = await h.arm(
      'GET',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}`,
    );
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    const unknown = await h.arm(
      'GET',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.Logic/workflows/x?api-version=1999-01-01`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'NoRegisteredProviderFound' } });
  });

  it('an unknown subscription is 404 SubscriptionNotFound', async () => {
    const response = await h.arm(
      'GET',
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/x?api-version=2021-04-01',
    );
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'SubscriptionNotFound' } });
  });
});
