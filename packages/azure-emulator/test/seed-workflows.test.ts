// Seeds can hold what someone else made before logicops arrived: workflows (tagged for another
// owner, or untagged) and identities whose principal ids the seed fixes, so that seeded
// access-policy entries can name them. Read back through the real SDK clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../src/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

const RG = 'foreign-rg';
const WORKFLOW_PRINCIPAL = '0f0f0f0f-0000-4000-8000-000000000001';
const IDENTITY_PRINCIPAL = '0f0f0f0f-0000-4000-8000-000000000002';
const IDENTITY_CLIENT = '0f0f0f0f-0000-4000-8000-000000000003';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    seed: {
      resourceGroups: [{ name: RG, location: 'westeurope' }],
      userAssignedIdentities: [
        { resourceGroup: RG, name: 'theirs', principalId: IDENTITY_PRINCIPAL, clientId: IDENTITY_CLIENT },
      ],
      workflows: [
        {
          resourceGroup: RG,
          name: 'owned-elsewhere',
          tags: { 'logicops-owner': 'other-cluster/team-b/billing' },
          identity: { type: 'SystemAssigned' },
          principalId: WORKFLOW_PRINCIPAL,
        },
        {
          resourceGroup: RG,
          name: 'untagged',
          identity: {
            type: 'UserAssigned',
            userAssignedIdentityId: `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/theirs`,
          },
          properties: { state: 'Disabled' },
        },
      ],
      vaults: [
        {
          resourceGroup: RG,
          name: 'foreign-kv',
          enableRbacAuthorization: false,
          accessPolicies: [
            { tenantId: DEMO_TENANT_ID, objectId: WORKFLOW_PRINCIPAL, permissions: { secrets: ['get'] } },
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  await h?.emu.close();
});

describe('seeded workflows and identities', () => {
  it('exist with their tags, state and identities, under the principal ids the seed gave', async () => {
    const owned = await h.logic.workflows.get(RG, 'owned-elsewhere');
    expect(owned).toMatchObject({
      tags: { 'logicops-owner': 'other-cluster/team-b/billing' },
      state: 'Enabled',
      identity: { type: 'SystemAssigned', principalId: WORKFLOW_PRINCIPAL },
    });
    const untagged = await h.logic.workflows.get(RG, 'untagged');
    expect(untagged.tags).toEqual({});
    expect(untagged.state).toBe('Disabled');
    expect(untagged.identity?.type).toBe('UserAssigned');
    const identity = await h.msi.userAssignedIdentities.get(RG, 'theirs');
    expect(identity).toMatchObject({ principalId: IDENTITY_PRINCIPAL, clientId: IDENTITY_CLIENT });
    expect(h.emu.state.principals[WORKFLOW_PRINCIPAL]).toMatchObject({ kind: 'SystemAssigned' });
    const vault = await h.keyVault.vaults.get(RG, 'foreign-kv');
    expect(vault.properties.accessPolicies?.map((p) => p.objectId)).toEqual([WORKFLOW_PRINCIPAL]);
  });
});
