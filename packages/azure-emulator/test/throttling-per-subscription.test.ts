// ARM meters a request against the subscription it acts on. Role-assignment routes are
// addressed by scope (`{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`), so
// their subscription is the scope's, not a path parameter: a role assignment in S2 takes S2's
// token, never the default subscription's. ARM: "Subscription requests are ones that involve
// passing your subscription ID … Subscription limits apply per subscription, per service
// principal, and per operation type" (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR_OBJECT_ID, DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../src/index.ts';
import { type Harness, READER, startHarness } from './support/harness.ts';
import {
  assignRole,
  groupScope,
  type RegisteredApp,
  registerSecretApp,
  SUBSCRIPTION_2,
  tenancySeed,
} from './support/tenancy.ts';

let h: Harness;
let grantee: RegisteredApp;
const frozenAt = Date.now();
beforeAll(async () => {
  // Frozen time: buckets refill only when the test says (never, here).
  h = await startHarness({ seed: tenancySeed(), now: () => frozenAt });
  // The operator owns the demo subscription (standing owner); give it S2 as an admin would.
  await assignRole(h, DEMO_OPERATOR_OBJECT_ID, 'Owner', `/subscriptions/${SUBSCRIPTION_2}`);
  grantee = await registerSecretApp(h, DEMO_TENANT_ID, 'grantee');
});
afterAll(async () => {
  await h?.emu.close();
});

/** A Reader role assignment for `grantee` at `scope`, sent raw so the answer's headers can be read. */
function putRoleAssignment(scope: string, subscriptionId: string) {
  return h.arm(
    'PUT',
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
    {
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId: grantee.objectId,
        principalType: 'ServicePrincipal',
      },
    },
  );
}

const remainingWrites = (answer: { headers: Headers }) =>
  answer.headers.get('x-ms-ratelimit-remaining-subscription-writes');

describe('ARM throttling of scope-addressed routes', () => {
  it("meters a role assignment against its scope's subscription, not the default one", async () => {
    h.emu.setFaults({
      throttling: { enabled: true, buckets: { writes: { capacity: 2, refillPerSecond: 0.001 } } },
    });
    // Empty the default subscription's write bucket.
    for (const expected of ['1', '0']) {
      const put = await h.arm('PUT', `${groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a')}?api-version=2021-04-01`, {
        location: 'westeurope',
      });
      expect(put.status).toBe(200);
      expect(remainingWrites(put)).toBe(expected);
    }

    // S2's bucket is its own: two writes go through, then S2 is throttled, in S2's name.
    const s2Group = groupScope(SUBSCRIPTION_2, 'rg-s2');
    const first = await putRoleAssignment(s2Group, SUBSCRIPTION_2);
    expect(first.status).toBe(201);
    expect(remainingWrites(first)).toBe('1');
    const second = await putRoleAssignment(`/subscriptions/${SUBSCRIPTION_2}`, SUBSCRIPTION_2);
    expect(second.status).toBe(201);
    expect(remainingWrites(second)).toBe('0');
    const third = await putRoleAssignment(s2Group, SUBSCRIPTION_2);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({
      error: {
        code: 'TooManyRequests',
        message: expect.stringContaining(`for subscription '${SUBSCRIPTION_2}'`),
      },
    });

    // A role assignment in the default subscription waits on the default subscription's bucket.
    const inDefault = await putRoleAssignment(groupScope(DEMO_SUBSCRIPTION_ID, 'rg-a'), DEMO_SUBSCRIPTION_ID);
    expect(inDefault.status).toBe(429);
    expect(inDefault.body).toMatchObject({
      error: { message: expect.stringContaining(`for subscription '${DEMO_SUBSCRIPTION_ID}'`) },
    });
    const assignedInS2 = Object.values(h.emu.state.roleAssignments).filter(
      (ra) => ra.principalId === grantee.objectId && ra.scope.toLowerCase().includes(SUBSCRIPTION_2),
    );
    expect(assignedInS2).toHaveLength(2);
  });

  it('meters reads of role assignments the same way', async () => {
    h.emu.setFaults({
      throttling: { enabled: true, buckets: { reads: { capacity: 1, refillPerSecond: 0.001 } } },
    });
    const list = (subscriptionId: string) =>
      h.arm(
        'GET',
        `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
      );
    expect((await list(DEMO_SUBSCRIPTION_ID)).status).toBe(200);
    expect((await list(DEMO_SUBSCRIPTION_ID)).status).toBe(429);
    const inS2 = await list(SUBSCRIPTION_2);
    expect(inS2.status).toBe(200);
    expect(inS2.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('0');
  });
});
