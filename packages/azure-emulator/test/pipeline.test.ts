// The request pipeline's extension seam (what part 2's faults plug into), checked with the
// real SDK's retry behaviour, and the handling of requests no route matches.
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

describe('middleware seam', () => {
  it('a middleware can answer 429 + Retry-After after authentication; the SDK retries with the same client request id', async () => {
    await h.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, 'throttled', {
      location: 'westeurope',
      definition: DEFINITION,
    });
    let refused = 0;
    h.emu.use(async (ctx, next) => {
      if (ctx.match.route.operation === 'Microsoft.Logic/workflows/read' && refused === 0) {
        refused++;
        expect(ctx.caller?.appid).toBe(h.emu.operatorClientId); // runs after authentication
        expect(ctx.rateLimit?.bucket).toBe('reads'); // and after metering
        return {
          status: 429,
          headers: { 'retry-after': '0' },
          body: { error: { code: 'TooManyRequests', message: 'Injected by the test.' } },
        };
      }
      return next();
    });
    const since = h.emu.requests().at(-1)!.seq;
    const workflow = await h.logic.workflows.get(DEMO_RESOURCE_GROUP, 'throttled');
    expect(workflow.name).toBe('throttled');
    const reads = h.emu.requests(since).filter((r) => r.operation === 'Microsoft.Logic/workflows/read');
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    expect(reads[0]?.clientRequestId).toBeDefined();
    expect(reads[1]?.clientRequestId).toBe(reads[0]?.clientRequestId);
    expect(h.emu.counters().byOperation['Microsoft.Logic/workflows/read']).toMatchObject({ errors: 1 });
  });
});

describe('requests no route matches', () => {
  it('an unknown ARM path is an authenticated 404 with ARM headers, logged as an error', async () => {
    const response = await h.arm(
      'GET',
      `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Web/sites?api-version=2023-01-01`,
    );
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'InvalidResourceType' } });
    expect(response.headers.get('x-ms-request-id')).toBeTruthy();
    expect(h.emu.requests().at(-1)).toMatchObject({ operation: 'Unmatched', status: 404 });
    const anonymous = await fetch(
      `${h.emu.armEndpoint}/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Web/sites`,
    );
    expect(anonymous.status).toBe(401);
  });

  it('a method a path does not support is 405', async () => {
    const response = await h.arm(
      'POST',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}?api-version=2021-04-01`,
    );
    expect(response.status).toBe(405);
    expect(response.body).toMatchObject({ error: { code: 'MethodNotAllowed' } });
  });
});
