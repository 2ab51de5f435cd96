// Callback URLs of Request triggers through @azure/arm-logic 8.2.0 (api-version 2019-05-01):
// WorkflowTriggers_ListCallbackUrl, Workflows_ListCallbackUrl, Workflows_RegenerateAccessKey
// (Azure/azure-rest-api-specs specification/logic/resource-manager/Microsoft.Logic/stable/
// 2019-05-01/logic.json; the contract check holds every body to those operations' schemas), and
// calls of the URLs themselves. Sources for each behaviour: src/arm/workflow-callbacks.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContractViolations } from '../contract/expect-violations.ts';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import {
  armError,
  captureRaw,
  DEFINITION,
  fixtureBody,
  type Harness,
  shapeDifferences,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
let now = Date.parse('2026-12-07T12:00:00Z');
beforeAll(async () => {
  h = await startHarness({ now: () => now });
});
afterAll(async () => {
  await h?.emu.close();
});

const RECURRENCE = {
  ...DEFINITION,
  triggers: { every_hour: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } },
};

async function workflow(name: string, definition: Record<string, unknown> = DEFINITION) {
  await h.logic.workflows.createOrUpdate(RG, name, { location: 'westeurope', definition });
}

/** Calls a callback URL as a caller in a cluster would: a POST, no token. */
async function call(url: string) {
  const response = await fetch(url, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return {
    status: response.status,
    runId: response.headers.get('x-ms-workflow-run-id'),
    body: text ? (JSON.parse(text) as { error?: { code: string } }) : undefined,
  };
}

describe('listCallbackUrl', () => {
  it('answers a trigger URL in the shape of the spec example, pointing at the emulator, signed', async () => {
    await workflow('wf-callback');
    const raw = captureRaw();
    const url = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-callback', 'manual', raw.options);
    // The stored spec example of the same answer (WorkflowTriggerCallbackUrl), for a version's trigger.
    const example = fixtureBody('WorkflowVersionTriggers_ListCallbackUrl.json');
    expect(shapeDifferences(raw.last().body, example)).toEqual([]);
    expect(url.method).toBe('POST');
    // The emulator's own host, not prod-NN.<region>.logic.azure.com (README, "Callback URLs").
    expect(url.basePath).toMatch(
      new RegExp(`^${h.emu.armEndpoint}/workflows/[0-9a-f]{32}/triggers/manual/paths/invoke$`),
    );
    expect(url.queries).toMatchObject({ apiVersion: '2019-05-01', sp: '/triggers/manual/run', sv: '1.0' });
    expect(url.queries?.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.value).toBe(
      `${url.basePath}?api-version=2019-05-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${url.queries?.sig}`,
    );
    // Listing again gives the same URL while the key stays.
    expect((await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-callback', 'manual')).value).toBe(
      url.value,
    );
  });

  it('refuses a trigger that has no callback URL (400 ApiNotSupported) and one the definition lacks (404)', async () => {
    await workflow('wf-recurrence', RECURRENCE);
    await expect(
      h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-recurrence', 'every_hour'),
    ).rejects.toMatchObject({
      ...armError(400, 'ApiNotSupported'),
      message: "The 'ListCallbackUrl' API is not supported by triggers of type 'Recurrence'.",
    });
    await expect(
      h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-recurrence', 'manual'),
    ).rejects.toMatchObject(armError(404, 'WorkflowTriggerNotFound'));
    await expect(h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-missing', 'manual')).rejects.toMatchObject(
      armError(404, 'ResourceNotFound'),
    );
  });

  it('at workflow level signs with the asked key and carries notAfter as se', async () => {
    await workflow('wf-level');
    const primary = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-level', 'manual');
    const notAfter = new Date('2026-12-08T00:00:00Z');
    const secondary = await h.logic.workflows.listCallbackUrl(RG, 'wf-level', {
      keyType: 'Secondary',
      notAfter,
    });
    expect(secondary.queries?.se).toBe(notAfter.toISOString());
    expect(secondary.queries?.sig).not.toBe(primary.queries?.sig);
    expect(secondary.basePath).toBe(primary.basePath);
    expect((await call(secondary.value!)).status).toBe(202);
  });
});

describe('calling a callback URL', () => {
  it('starts a run (202, its id in x-ms-workflow-run-id), recorded as started by the callback', async () => {
    await workflow('wf-run');
    const url = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-run', 'manual');
    const answer = await call(url.value!);
    expect(answer.status).toBe(202);
    expect(answer.runId).toMatch(/^085\d{26}CU\d{2}$/);
    const runs = Object.entries(h.emu.state.workflowRuns).find(([key]) =>
      key.endsWith('/workflows/wf-run'),
    )?.[1];
    expect(runs).toEqual([
      expect.objectContaining({ name: answer.runId, triggerName: 'manual', startedBy: 'callback' }),
    ]);
  });

  it('refuses a URL without a signature, with a changed signature, or past its se', async () => {
    await workflow('wf-refuse');
    const url = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-refuse', 'manual');
    expect(await call(url.basePath!)).toMatchObject({
      status: 401,
      body: { error: { code: 'DirectApiAuthorizationRequired' } },
    });
    const forged = url.value!.replace(/sig=.*/, `sig=${'A'.repeat(43)}`);
    expect(await call(forged)).toMatchObject({
      status: 401,
      body: { error: { code: 'DirectApiInvalidAuthorizationSignature' } },
    });
    // A URL signed for one trigger does not open another path.
    const otherPath = url.value!.replace('/triggers/manual/', '/triggers/other/');
    expect((await call(otherPath)).status).toBe(401);
    const expiring = await h.logic.workflows.listCallbackUrl(RG, 'wf-refuse', {
      keyType: 'Primary',
      notAfter: new Date(now + 60_000),
    });
    expect((await call(expiring.value!)).status).toBe(202);
    now += 120_000;
    expect(await call(expiring.value!)).toMatchObject({
      status: 401,
      body: { error: { code: 'DirectApiInvalidAuthorizationSignature' } },
    });
  });
});

describe('regenerateAccessKey', () => {
  it('makes URLs signed with the old primary key fail, and lists a new one that works', async () => {
    await workflow('wf-rotate');
    const before = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-rotate', 'manual');
    const secondary = await h.logic.workflows.listCallbackUrl(RG, 'wf-rotate', { keyType: 'Secondary' });
    expect((await call(before.value!)).status).toBe(202);

    await h.logic.workflows.regenerateAccessKey(RG, 'wf-rotate', { keyType: 'Primary' });

    expect(await call(before.value!)).toMatchObject({
      status: 401,
      body: { error: { code: 'DirectApiInvalidAuthorizationSignature' } },
    });
    // The secondary key was not regenerated: its URLs keep working.
    expect((await call(secondary.value!)).status).toBe(202);
    const after = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-rotate', 'manual');
    expect(after.value).not.toBe(before.value);
    expect((await call(after.value!)).status).toBe(202);
  });

  it('refuses an unknown keyType, and a workflow re-created under the name signs with new keys', async () => {
    await workflow('wf-recreate');
    await expect(
      h.logic.workflows.regenerateAccessKey(RG, 'wf-recreate', { keyType: 'Tertiary' }),
    ).rejects.toMatchObject(armError(400, 'InvalidKeyType'));
    // The spec's KeyType allows no such value: the contract check saw the request break it.
    expectContractViolations((v) => v.operation === 'Workflows_RegenerateAccessKey@2019-05-01');
    const old = await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-recreate', 'manual');
    await h.logic.workflows.delete(RG, 'wf-recreate');
    expect(await call(old.value!)).toMatchObject({
      status: 404,
      body: { error: { code: 'WorkflowNotFound' } },
    });
    await workflow('wf-recreate');
    expect((await call(old.value!)).status).toBe(401);
  });

  it('never answers the keys themselves on any workflow read', async () => {
    await workflow('wf-keys');
    await h.logic.workflowTriggers.listCallbackUrl(RG, 'wf-keys', 'manual');
    const keys = Object.entries(h.emu.state.workflowAccessKeys).find(([key]) =>
      key.endsWith('/workflows/wf-keys'),
    )?.[1];
    expect(keys?.primary).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const read = await h.arm(
      'GET',
      `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/wf-keys?api-version=2019-05-01`,
    );
    expect(JSON.stringify(read.body)).not.toContain(keys!.primary);
    expect(JSON.stringify(read.body)).not.toContain(keys!.secondary);
  });
});
