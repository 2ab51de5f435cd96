import { describe, expect, it } from 'vitest';
import { ACCESS_POLICY_WRITE, ROLE_ASSIGNMENT_WRITE, WORKFLOW_WRITE } from '../../../bench/arm-figures.ts';
import {
  SubscriptionTally,
  subscriptionDelta,
  subscriptionOfPath,
} from '../../../bench/subscription-figures.ts';

const S1 = '5ab1e0c5-be7c-4000-8000-000000000001';
const S2 = '5ab1e0c5-be7c-4000-8000-000000000002';
const group = (s: string) => `/subscriptions/${s}/resourceGroups/logicops-bench`;

function exchange(method: string, path: string, routeOperation: string, status = 200, plane = 'arm') {
  return { plane: plane as 'arm', method, path, routeOperation, status };
}

describe('subscriptionOfPath', () => {
  it("reads the path's subscription, role-assignment scopes included, and none above it", () => {
    expect(subscriptionOfPath(`${group(S1)}/providers/Microsoft.Logic/workflows/wf`)).toBe(S1);
    expect(
      subscriptionOfPath(
        `/SUBSCRIPTIONS/${S2.toUpperCase()}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/s/providers/Microsoft.Authorization/roleAssignments/x`,
      ),
    ).toBe(S2);
    expect(subscriptionOfPath('/providers/Microsoft.Authorization/roleAssignments/x')).toBeUndefined();
  });
});

describe('SubscriptionTally', () => {
  it('counts each ARM request under its subscription, by bucket, with workflow and grant writes and 429s', () => {
    const tally = new SubscriptionTally();
    tally.observe(
      exchange(
        'GET',
        `${group(S1)}/providers/Microsoft.Logic/workflows/wf`,
        'Microsoft.Logic/workflows/read',
      ),
    );
    tally.observe(exchange('PUT', `${group(S1)}/providers/Microsoft.Logic/workflows/wf`, WORKFLOW_WRITE));
    tally.observe(
      exchange('PUT', `${group(S1)}/providers/Microsoft.Logic/workflows/wf`, WORKFLOW_WRITE, 429),
    );
    tally.observe(
      exchange(
        'PUT',
        `${group(S1)}/providers/Microsoft.KeyVault/vaults/kv/accessPolicies/add`,
        ACCESS_POLICY_WRITE,
      ),
    );
    tally.observe(
      exchange(
        'PUT',
        `${group(S2)}/providers/Microsoft.KeyVault/vaults/kv/secrets/s/providers/Microsoft.Authorization/roleAssignments/x`,
        ROLE_ASSIGNMENT_WRITE,
      ),
    );
    tally.observe(
      exchange(
        'DELETE',
        `${group(S2)}/providers/Microsoft.Logic/workflows/wf`,
        'Microsoft.Logic/workflows/delete',
      ),
    );
    // Not ARM, or above every subscription: not counted.
    tally.observe(exchange('POST', `/${S1}/oauth2/v2.0/token`, 'Entra/token', 200, 'entra'));
    tally.observe(exchange('GET', '/subscriptions', 'Microsoft.Resources/subscriptions/read'));
    expect(tally.snapshot()).toEqual({
      [S1]: { reads: 1, writes: 3, deletes: 0, workflowWrites: 2, grantWrites: 1, throttled: 1 },
      [S2]: { reads: 0, writes: 1, deletes: 1, workflowWrites: 0, grantWrites: 1, throttled: 0 },
    });
  });

  it('gives phase deltas from two snapshots, zero for a subscription never seen', () => {
    const tally = new SubscriptionTally();
    tally.observe(exchange('PUT', `${group(S1)}/providers/Microsoft.Logic/workflows/a`, WORKFLOW_WRITE));
    const before = tally.snapshot();
    tally.observe(exchange('PUT', `${group(S1)}/providers/Microsoft.Logic/workflows/b`, WORKFLOW_WRITE));
    tally.observe(
      exchange('GET', `${group(S1)}/providers/Microsoft.Logic/workflows/b`, 'Microsoft.Logic/workflows/read'),
    );
    const after = tally.snapshot();
    // Snapshots are copies: later requests do not move them.
    tally.observe(exchange('PUT', `${group(S1)}/providers/Microsoft.Logic/workflows/c`, WORKFLOW_WRITE));
    expect(subscriptionDelta(before, after, S1.toUpperCase())).toEqual({
      reads: 1,
      writes: 1,
      deletes: 0,
      workflowWrites: 1,
      grantWrites: 0,
      throttled: 0,
    });
    expect(subscriptionDelta(before, after, S2)).toEqual({
      reads: 0,
      writes: 0,
      deletes: 0,
      workflowWrites: 0,
      grantWrites: 0,
      throttled: 0,
    });
  });
});
