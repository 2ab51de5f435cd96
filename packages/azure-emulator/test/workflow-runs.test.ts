// Triggers, runs and trigger histories of a workflow through @azure/arm-logic 8.2.0 (api-version
// 2019-05-01), and the admin API's run outcome. Shapes are compared with Azure's own examples
// (azure-rest-api-specs specification/logic/resource-manager/Microsoft.Logic/stable/2019-05-01/
// examples/WorkflowTriggers_List.json, WorkflowTriggers_Run.json, WorkflowRuns_List.json,
// WorkflowTriggerHistories_List.json; copies in fixtures/azure-examples) and, through the
// contract check, with logic.json's schemas.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import {
  admin,
  armError,
  captureRaw,
  type Harness,
  shapeDifferences,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const WF = 'wf-runs';
let h: Harness;

const definition = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  triggers: {
    manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } },
    Every_hour: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } },
  },
  actions: {},
};

/** The 200 body of an example; these examples carry it under the status without a `body` key. */
function exampleBody(file: string): unknown {
  const example = JSON.parse(
    readFileSync(new URL(`./fixtures/azure-examples/${file}`, import.meta.url), 'utf8'),
  ) as { responses: Record<string, { body?: unknown }> };
  const answer = example.responses['200'];
  return answer?.body ?? answer;
}

const outcomePath = (name = WF) =>
  `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/workflows/${name}/run-outcome`;

beforeAll(async () => {
  h = await startHarness();
  await h.logic.workflows.createOrUpdate(RG, WF, { location: 'westeurope', definition });
});
afterAll(async () => {
  await h?.emu.close();
});

describe('triggers', () => {
  it('lists the definition triggers in the shape of WorkflowTriggers_List.json, state as the workflow', async () => {
    const raw = captureRaw();
    const triggers = [];
    for await (const trigger of h.logic.workflowTriggers.list(RG, WF, raw.options)) triggers.push(trigger);
    expect(shapeDifferences(raw.last().body, exampleBody('WorkflowTriggers_List.json'))).toEqual([]);
    expect(triggers.map((t) => t.name)).toEqual(['manual', 'Every_hour']);
    expect(triggers.every((t) => t.state === 'Enabled' && t.provisioningState === 'Succeeded')).toBe(true);
    // Nothing fired yet: no lastExecutionTime; only the Recurrence is scheduled.
    const [manual, hourly] = triggers;
    expect(manual?.lastExecutionTime).toBeUndefined();
    expect(manual?.nextExecutionTime).toBeUndefined();
    expect(hourly?.recurrence).toEqual({ frequency: 'Hour', interval: 1 });
    expect(hourly?.nextExecutionTime?.getTime()).toBeGreaterThan(Date.now());
    expect(hourly?.nextExecutionTime?.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('gets one trigger by name, case-insensitively; an unknown one is 404 WorkflowTriggerNotFound', async () => {
    const trigger = await h.logic.workflowTriggers.get(RG, WF, 'MANUAL');
    expect(trigger).toMatchObject({ name: 'manual', type: 'Microsoft.Logic/workflows/triggers' });
    expect(trigger.id).toMatch(new RegExp(`/workflows/${WF}/triggers/manual$`));
    await expect(h.logic.workflowTriggers.get(RG, WF, 'nope')).rejects.toMatchObject(
      armError(404, 'WorkflowTriggerNotFound'),
    );
    await expect(h.logic.workflowTriggers.run(RG, WF, 'nope')).rejects.toMatchObject(
      armError(404, 'WorkflowTriggerNotFound'),
    );
  });
});

describe('runs started by the trigger run action', () => {
  let succeeded = '';
  let failed = '';

  it('run answers 200 without a body (WorkflowTriggers_Run.json) and records a Succeeded run', async () => {
    const raw = captureRaw();
    await h.logic.workflowTriggers.run(RG, WF, 'manual', raw.options);
    expect(raw.last()).toEqual({ status: 200, body: undefined });
    expect(exampleBody('WorkflowTriggers_Run.json')).toEqual({});

    const runs = [];
    for await (const run of h.logic.workflowRuns.list(RG, WF)) runs.push(run);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'Succeeded', trigger: { name: 'manual' } });
    succeeded = runs[0]?.name ?? '';
    expect(succeeded).toMatch(/^\d{29}CU\d{2}$/);
  });

  it('ends the next runs with the outcome the admin API sets (Failed: ActionFailed unless given)', async () => {
    expect(await admin(h.emu, 'GET', outcomePath())).toEqual({ status: 200, body: { status: 'Succeeded' } });
    const set = await admin(h.emu, 'PUT', outcomePath(), { status: 'Failed' });
    expect(set).toEqual({
      status: 200,
      body: {
        status: 'Failed',
        error: { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' },
      },
    });
    await h.logic.workflowTriggers.run(RG, WF, 'manual');

    const raw = captureRaw();
    const runs = [];
    for await (const run of h.logic.workflowRuns.list(RG, WF, raw.options)) runs.push(run);
    // scheduledTime: only a scheduled trigger (the example's Recurrence) has one; this run's is a Request.
    expect(
      shapeDifferences(raw.last().body, exampleBody('WorkflowRuns_List.json'), [
        'value[].properties.trigger.scheduledTime',
      ]),
    ).toEqual([]);
    // Newest first, as run history lists them.
    expect(runs.map((run) => run.status)).toEqual(['Failed', 'Succeeded']);
    failed = runs[0]?.name ?? '';
    expect(runs[0]).toMatchObject({ code: 'ActionFailed', error: { code: 'ActionFailed' } });
    expect(runs[1]?.name).toBe(succeeded);
    // No content of the run: its trigger's inputs and outputs, and the run's outputs, stay empty.
    const body = raw.last().body as { value: { properties: Record<string, unknown> }[] };
    const trigger = body.value[0]?.properties.trigger as Record<string, unknown>;
    expect(Object.keys(trigger)).not.toEqual(expect.arrayContaining(['inputs']));
    expect(trigger.outputs).toBeUndefined();
    expect(body.value[0]?.properties.outputs).toEqual({});
  });

  it('honours $top (the newest runs only) and $filter=status eq', async () => {
    const raw = captureRaw();
    const firstPage = await h.logic.workflowRuns
      .list(RG, WF, { top: 1, ...raw.options })
      .byPage()
      .next();
    expect(firstPage.value?.map((run: { name?: string }) => run.name)).toEqual([failed]);
    const onlySucceeded = [];
    for await (const run of h.logic.workflowRuns.list(RG, WF, { filter: "status eq 'Succeeded'" }))
      onlySucceeded.push(run.name);
    expect(onlySucceeded).toEqual([succeeded]);
    await expect(
      h.logic.workflowRuns.list(RG, WF, { filter: "startTime ge '2020-01-01'" }).next(),
    ).rejects.toMatchObject(armError(400, 'InvalidFilter'));
  });

  it('gets a run by name; an unknown one is 404 WorkflowRunNotFound', async () => {
    const run = await h.logic.workflowRuns.get(RG, WF, failed);
    expect(run).toMatchObject({ name: failed, status: 'Failed', type: 'Microsoft.Logic/workflows/runs' });
    expect(run.workflow?.name).toMatch(/^\d{20}$/);
    await expect(h.logic.workflowRuns.get(RG, WF, '08584737551867954143243946780CU57')).rejects.toMatchObject(
      armError(404, 'WorkflowRunNotFound'),
    );
  });

  it('lists trigger histories (one per fired run, newest first) in the shape of WorkflowTriggerHistories_List.json', async () => {
    const raw = captureRaw();
    const histories = [];
    for await (const history of h.logic.workflowTriggerHistories.list(RG, WF, 'manual', raw.options))
      histories.push(history);
    // scheduledTime: as for runs, a Request trigger is not scheduled.
    expect(
      shapeDifferences(raw.last().body, exampleBody('WorkflowTriggerHistories_List.json'), [
        'value[].properties.scheduledTime',
      ]),
    ).toEqual([]);
    expect(histories.map((entry) => [entry.name, entry.fired, entry.status, entry.run?.name])).toEqual([
      [failed, true, 'Succeeded', failed],
      [succeeded, true, 'Succeeded', succeeded],
    ]);
    const newest = await h.logic.workflowTriggerHistories.list(RG, WF, 'manual', { top: 1 }).byPage().next();
    expect(newest.value?.map((entry: { name?: string }) => entry.name)).toEqual([failed]);
    const none = [];
    for await (const entry of h.logic.workflowTriggerHistories.list(RG, WF, 'Every_hour')) none.push(entry);
    expect(none).toEqual([]);
  });

  it("reports the trigger's last execution as its newest run's start", async () => {
    const newest = await h.logic.workflowRuns.get(RG, WF, failed);
    const trigger = await h.logic.workflowTriggers.get(RG, WF, 'manual');
    expect(trigger.lastExecutionTime?.toISOString()).toBe(newest.startTime?.toISOString());
    expect(trigger.status).toBe('Succeeded');
  });

  it('back to Succeeded once the outcome is reset; a deleted workflow forgets runs and outcome', async () => {
    expect((await admin(h.emu, 'DELETE', outcomePath())).status).toBe(204);
    await h.logic.workflowTriggers.run(RG, WF, 'manual');
    const newest = await h.logic.workflowRuns.list(RG, WF, { top: 1 }).byPage().next();
    expect(newest.value?.[0]?.status).toBe('Succeeded');

    await h.logic.workflows.createOrUpdate(RG, 'wf-gone', { location: 'westeurope', definition });
    expect((await admin(h.emu, 'PUT', outcomePath('wf-gone'), { status: 'Cancelled' })).status).toBe(200);
    await h.logic.workflowTriggers.run(RG, 'wf-gone', 'manual');
    await h.logic.workflows.delete(RG, 'wf-gone');
    await h.logic.workflows.createOrUpdate(RG, 'wf-gone', { location: 'westeurope', definition });
    const runs = [];
    for await (const run of h.logic.workflowRuns.list(RG, 'wf-gone')) runs.push(run);
    expect(runs).toEqual([]);
    expect((await admin(h.emu, 'GET', outcomePath('wf-gone'))).body).toEqual({ status: 'Succeeded' });
  });

  it('refuses to run a trigger of a disabled workflow, and reports no next execution for it', async () => {
    await h.logic.workflows.disable(RG, WF);
    await expect(h.logic.workflowTriggers.run(RG, WF, 'manual')).rejects.toMatchObject(
      armError(409, 'WorkflowNotEnabled'),
    );
    const hourly = await h.logic.workflowTriggers.get(RG, WF, 'Every_hour');
    expect(hourly.state).toBe('Disabled');
    expect(hourly.nextExecutionTime).toBeUndefined();
    await h.logic.workflows.enable(RG, WF);
  });
});

describe('admin: run outcome', () => {
  it('refuses bodies it cannot use and workflows that do not exist', async () => {
    expect((await admin(h.emu, 'PUT', outcomePath(), { status: 'Running' })).status).toBe(400);
    expect(
      (await admin(h.emu, 'PUT', outcomePath(), { status: 'Succeeded', error: { code: 'X', message: 'y' } }))
        .status,
    ).toBe(400);
    const missing = await admin(h.emu, 'PUT', outcomePath('wf-missing'), { status: 'Failed' });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    const custom = await admin(h.emu, 'PUT', outcomePath(), {
      status: 'Failed',
      error: { code: 'BadGateway', message: 'The partner API answered 502.' },
    });
    expect(custom.body).toEqual({
      status: 'Failed',
      error: { code: 'BadGateway', message: 'The partner API answered 502.' },
    });
    await admin(h.emu, 'DELETE', outcomePath());
  });
});
