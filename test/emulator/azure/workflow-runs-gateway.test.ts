// WorkflowRunsGateway through the real @azure/arm-logic client against the emulator: the newest
// runs in one read (the first page of `$top`, even where more pages exist), the triggers, and a
// failed run's error code without its message.

import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAzureError } from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, DEFINITION, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
const REF = { resourceGroup: RG, name: 'wf-runs' };
let t: AzureTestbed;
beforeAll(async () => {
  // Pages of 2: `$top` larger than a page must still cost one read.
  t = await startTestbed({ pageSize: 2 });
  await t.gateways.workflows.createOrUpdate(REF, {
    location: 'westeurope',
    tags: {},
    identity: { type: 'None' },
    state: 'Enabled',
    definition: {
      ...DEFINITION,
      triggers: {
        ...DEFINITION.triggers,
        Every_day: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } },
      },
    },
    parameters: {},
  });
});
afterAll(async () => {
  await t?.close();
});

const outcome = (body: unknown) =>
  fetch(
    `${t.emu.adminEndpoint}/subscriptions/${t.emu.subscriptionId}/resourceGroups/${RG}/workflows/${REF.name}/run-outcome`,
    { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );

describe('WorkflowRunsGateway', () => {
  it('answers no runs for a workflow that never ran, and its triggers as declared', async () => {
    expect(await t.gateways.workflowRuns.recentRuns(REF, 10)).toEqual([]);
    const triggers = await t.gateways.workflowRuns.triggers(REF);
    expect(triggers.map((trigger) => [trigger.name, trigger.state, trigger.lastExecutionTime])).toEqual([
      ['manual', 'Enabled', undefined],
      ['Every_day', 'Enabled', undefined],
    ]);
    expect(triggers[1]?.nextExecutionTime).toBeInstanceOf(Date);
  });

  it('reads the newest runs, newest first, in one request; a failed run carries its code, not its message', async () => {
    const logic = t.clients.logic;
    await logic.workflowTriggers.run(RG, REF.name, 'manual');
    expect(
      (await outcome({ status: 'Failed', error: { code: 'BadGateway', message: 'secret-ish text' } })).status,
    ).toBe(200);
    await logic.workflowTriggers.run(RG, REF.name, 'manual');
    await logic.workflowTriggers.run(RG, REF.name, 'manual');

    const since = lastSeq(t.emu);
    const runs = await t.gateways.workflowRuns.recentRuns(REF, 3);
    expect(
      armRequestsSince(t.emu, since).map((r) => `${r.method} ${r.path.split('/').slice(-1)[0]}`),
    ).toEqual(['GET runs']);
    // The service's page (2 here) is shorter than `$top`: the gateway keeps it, and never asks for
    // the next page (older runs).
    expect(runs.map((run) => [run.status, run.errorCode, run.trigger])).toEqual([
      ['Failed', 'BadGateway', 'manual'],
      ['Failed', 'BadGateway', 'manual'],
    ]);
    expect(JSON.stringify(runs)).not.toContain('secret-ish');
    expect(runs[0]?.startTime).toBeInstanceOf(Date);
    expect(runs[0]?.endTime).toBeInstanceOf(Date);

    const one = await t.gateways.workflowRuns.recentRuns(REF, 1);
    expect(one.map((run) => run.name)).toEqual([runs[0]?.name]);
    const manual = (await t.gateways.workflowRuns.triggers(REF)).find((trigger) => trigger.name === 'manual');
    expect(manual?.lastExecutionTime?.toISOString()).toBe(runs[0]?.startTime?.toISOString());
  });

  it('fails as a classified AzureError for a workflow that does not exist', async () => {
    const error = await t.gateways.workflowRuns.recentRuns({ resourceGroup: RG, name: 'wf-missing' }, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAzureError(error) && error.failure.kind).toBe('notFound');
    const record = t.records.at(-1);
    expect(record).toMatchObject({ operation: 'workflowRuns.list', write: false, outcome: 'notFound' });
  });
});
