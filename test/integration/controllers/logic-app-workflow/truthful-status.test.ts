// Issue 21: what a workflow's status and Azure tags say stays true.
// - An object name of 253 characters (Kubernetes' limit) deploys: its owner tag value would be
//   `<cluster-id>/<namespace>/<name>`, past Azure's 256-character limit on tag values (Microsoft
//   Learn, "Use tags to organize your Azure resources", Limitations), which the emulator enforces
//   as ARM does; logicops writes the digest form instead, recognises it as its own, and cleans up.
// - status.quota follows Azure: after workflows are created outside logicops, the next resync
//   reports the emulator's count, from the shared listing (one listing per TTL, not one per object).
// Azure-side claims are judged from the emulator's state and request log.

import { DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { DEFINITION } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../../src/controllers/resource-kinds.ts';
import { ownerValue } from '../../../../src/controllers/shared/owner-tag.ts';
import { eventually } from '../../../support/eventually.ts';
import {
  CLUSTER_ID,
  condition,
  createBinding,
  createWorkflow,
  deleteObject,
  emulatedWorkflow,
  keyVaultDefinition,
  type MustShowEnv,
  readBinding,
  readWorkflow,
  startMustShowEnv,
} from '../must-show-support.ts';

const RESYNC_S = 2;
/** 253 characters, the longest object name Kubernetes allows (DNS labels of at most 63). */
const LONGEST_NAME = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');

let env: MustShowEnv;
let ns = '';
beforeAll(async () => {
  env = await startMustShowEnv({
    prefixes: ['truth-wf'],
    flags: ['--resync-period', `${RESYNC_S}s`],
  });
  ns = env.namespaces[0] ?? '';
});
afterAll(async () => {
  await env?.stop();
});

const isReady = (object: Parameters<typeof condition>[0]) => condition(object, 'Ready')?.status === 'True';

describe('an object name of 253 characters', () => {
  it('deploys, with an owner tag within 256 characters that logicops recognises as its own', async () => {
    expect(LONGEST_NAME).toHaveLength(253);
    await createWorkflow(env, ns, LONGEST_NAME, {
      azureName: 'long-object-name',
      definition: keyVaultDefinition('apiKeyUri'),
    });
    await createBinding(env, ns, LONGEST_NAME, {
      workflowRef: { name: LONGEST_NAME },
      vaultId: `${env.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`,
      parameterName: 'apiKeyUri',
    });
    await eventually(async () => {
      expect(isReady(await readWorkflow(env, ns, LONGEST_NAME))).toBe(true);
      expect(isReady(await readBinding(env, ns, LONGEST_NAME))).toBe(true);
    }, 60_000);

    const owner = ownerValue(CLUSTER_ID, ns, LONGEST_NAME);
    expect(`${CLUSTER_ID}/${ns}/${LONGEST_NAME}`.length).toBeGreaterThan(256);
    expect(owner).toMatch(new RegExp(`^${CLUSTER_ID}/${ns}/sha256:[0-9a-f]{64}$`));
    const azure = emulatedWorkflow(env.emulator, 'long-object-name');
    expect(azure?.tags['logicops-owner']).toBe(owner);
    const assignment = Object.values(env.emulator.state.roleAssignments).find((a) =>
      a.scope.toLowerCase().includes(`/vaults/${DEMO_RBAC_VAULT}/secrets/`),
    );
    expect(assignment?.description).toContain(owner);

    // A resync later the workflow is still its own: no AlreadyOwned, no second write.
    const writesBefore = env.emulator.counters().writes;
    await new Promise((resolve) => setTimeout(resolve, 2 * RESYNC_S * 1000));
    expect(isReady(await readWorkflow(env, ns, LONGEST_NAME))).toBe(true);
    expect(env.emulator.counters().writes).toBe(writesBefore);
  });

  it('is cleaned up on deletion: the owner tag is accepted as this object’s', async () => {
    await deleteObject(env, VAULT_SECRET_BINDING_RESOURCE, ns, LONGEST_NAME);
    await deleteObject(env, LOGIC_APP_WORKFLOW_RESOURCE, ns, LONGEST_NAME);
    await eventually(async () => {
      expect(await readWorkflow(env, ns, LONGEST_NAME)).toBeUndefined();
      expect(await readBinding(env, ns, LONGEST_NAME)).toBeUndefined();
    }, 60_000);
    expect(emulatedWorkflow(env.emulator, 'long-object-name')).toBeUndefined();
    expect(
      Object.values(env.emulator.state.roleAssignments).filter((a) =>
        a.scope.toLowerCase().includes(`/vaults/${DEMO_RBAC_VAULT}/secrets/`),
      ),
    ).toEqual([]);
  });
});

describe('status.quota', () => {
  const COUNTED = ['counted-a', 'counted-b', 'counted-c', 'counted-d'];
  const inRegion = () =>
    Object.values(env.emulator.state.workflows).filter((w) => w.location === 'westeurope');
  const usageOf = async (name: string) =>
    Object.fromEntries(
      ((await readWorkflow(env, ns, name))?.status?.quota ?? []).map((entry) => [entry.name, entry.used]),
    );

  it("equals the emulator's count within a resync after workflows are added outside logicops", async () => {
    for (const name of COUNTED) await createWorkflow(env, ns, name);
    await eventually(async () => {
      for (const name of COUNTED) expect(isReady(await readWorkflow(env, ns, name))).toBe(true);
    }, 60_000);
    // Each was counted before its own create; the ones created after it show up at its next resync.
    const counts = () => ({
      WorkflowsPerRegion: inRegion().length,
      ManagedIdentityWorkflowsPerSubscriptionRegion: inRegion().filter((w) => w.identity).length,
    });
    await eventually(async () => {
      for (const name of COUNTED) expect(await usageOf(name)).toEqual(counts());
    }, 30_000);

    // Three more in the region, made by someone else (one without an identity), one elsewhere.
    const sinceSeq = env.emulator.requests().at(-1)?.seq ?? 0;
    const outside = [
      { name: 'outside-1', location: 'westeurope', identity: { type: 'SystemAssigned' } },
      { name: 'outside-2', location: 'westeurope', identity: { type: 'SystemAssigned' } },
      { name: 'outside-3', location: 'westeurope', identity: { type: 'None' } },
      { name: 'outside-4', location: 'northeurope', identity: { type: 'SystemAssigned' } },
    ];
    for (const { name, location, identity } of outside) {
      await env.azure.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, name, {
        location,
        identity,
        definition: DEFINITION,
      });
    }
    const expected = counts();
    expect(expected.WorkflowsPerRegion).toBeGreaterThanOrEqual(COUNTED.length + 3);
    await eventually(async () => {
      for (const name of COUNTED) expect(await usageOf(name)).toEqual(expected);
    }, 30_000);
    expect(condition(await readWorkflow(env, ns, 'counted-a'), 'QuotaAvailable')).toMatchObject({
      status: 'True',
      reason: 'WithinLimit',
    });

    // From the shared listing: one listing per TTL serves every workflow's pass, so the operator
    // listed the subscription fewer times than it read its workflows.
    const operatorRequests = env.emulator
      .requests(sinceSeq)
      .filter((r) => r.plane === 'arm' && r.method === 'GET' && r.userAgent?.includes('logicops'));
    const listings = operatorRequests.filter((r) =>
      /^\/subscriptions\/[^/]+\/providers\/microsoft\.logic\/workflows$/i.test(r.path),
    );
    const workflowReads = operatorRequests.filter((r) =>
      /\/providers\/microsoft\.logic\/workflows\/[^/]+$/i.test(r.path),
    );
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.length).toBeLessThan(workflowReads.length);
  });
});
