// WorkflowCallbackGateway through the real @azure/arm-logic client against the emulator:
// WorkflowTriggers_ListCallbackUrl and Workflows_RegenerateAccessKey (Azure/azure-rest-api-specs
// specification/logic/resource-manager/Microsoft.Logic/stable/2019-05-01/logic.json; the
// contract check holds the bodies to it). The emulator's URL points at itself (its README,
// "Callback URLs"), so the URL is called here as a caller would.
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAzureError, isInvalidAzureNameError } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, DEFINITION, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
let t: AzureTestbed;
beforeAll(async () => {
  t = await startTestbed();
});
afterAll(async () => {
  await t?.close();
});

async function createWorkflow(name: string, definition: Record<string, unknown> = DEFINITION) {
  await t.gateways.workflows.createOrUpdate(
    { resourceGroup: RG, name },
    {
      location: 'westeurope',
      tags: {},
      identity: { type: 'None' },
      state: 'Enabled',
      definition,
      parameters: {},
    },
  );
}

const call = async (url: string) => (await fetch(url, { method: 'POST', body: '{}' })).status;

describe('WorkflowCallbackGateway', () => {
  it('lists a Request trigger URL that starts a run, and a regenerated primary key refuses it', async () => {
    const ref = { resourceGroup: RG, name: 'wf-callbacks' };
    await createWorkflow(ref.name);
    const since = lastSeq(t.emu);
    const url = await t.gateways.workflowCallbacks.triggerCallbackUrl(ref, 'manual');
    expect(url).toMatch(/\/triggers\/manual\/paths\/invoke\?api-version=2019-05-01&sp=.+&sv=1\.0&sig=/);
    expect(await call(url)).toBe(202);

    await t.gateways.workflowCallbacks.regenerateAccessKey(ref, 'Primary');
    expect(await call(url)).toBe(401);
    const renewed = await t.gateways.workflowCallbacks.triggerCallbackUrl(ref, 'manual');
    expect(renewed).not.toBe(url);
    expect(await call(renewed)).toBe(202);

    expect(
      armRequestsSince(t.emu, since).map(
        (r) => `${r.method} ${r.path.split('/').slice(-2).join('/')} ${r.status}`,
      ),
    ).toEqual([
      'POST manual/listCallbackUrl 200',
      'POST wf-callbacks/regenerateAccessKey 200',
      'POST manual/listCallbackUrl 200',
    ]);
    // POST actions are metered and fenced as writes: a standby replica mints no URL.
    expect(t.records.slice(-3).map((r) => [r.operation, r.write])).toEqual([
      ['workflowTriggers.listCallbackUrl', true],
      ['workflows.regenerateAccessKey', true],
      ['workflowTriggers.listCallbackUrl', true],
    ]);
  });

  it('is an AzureError for a trigger without a callback URL, and a name check before any request', async () => {
    const ref = { resourceGroup: RG, name: 'wf-recurrence' };
    await createWorkflow(ref.name, {
      ...DEFINITION,
      triggers: { hourly: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } },
    });
    const failed = await t.gateways.workflowCallbacks
      .triggerCallbackUrl(ref, 'hourly')
      .catch((e: unknown) => e);
    expect(isAzureError(failed) && [failed.statusCode, failed.code]).toEqual([400, 'ApiNotSupported']);

    const since = lastSeq(t.emu);
    const traversal = await t.gateways.workflowCallbacks
      .triggerCallbackUrl(ref, '..')
      .catch((e: unknown) => e);
    expect(isInvalidAzureNameError(traversal)).toBe(true);
    expect(armRequestsSince(t.emu, since)).toEqual([]);
  });

  it('refuses to mint a URL when the write fence is closed', async () => {
    const ref = { resourceGroup: RG, name: 'wf-fenced' };
    await createWorkflow(ref.name);
    t.fence.leader = false;
    try {
      await expect(t.gateways.workflowCallbacks.triggerCallbackUrl(ref, 'manual')).rejects.toThrow(
        /Not the leader/,
      );
    } finally {
      t.fence.leader = true;
    }
  });
});
