// Issue 25, "run visibility without the portal": the operator (wired as `logicops run` wires it)
// reports the workflow's last run and triggers in status and `kubectl get`, read at resync
// through the real @azure/arm-logic client, and a failed run once as a Warning Event.
//
// The emulator and the operator share a belief about Azure here: the shapes of WorkflowRuns_List
// and WorkflowTriggers_List, and that runs list newest first (azure-rest-api-specs
// specification/logic/resource-manager/Microsoft.Logic/stable/2019-05-01/logic.json and its
// examples WorkflowRuns_List.json, WorkflowTriggers_List.json, WorkflowTriggers_Run.json; the
// contract check validates every body of this file against them).
import { LogicManagementClient } from '@azure/arm-logic';
import { EventsV1Api } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { operatorCredential } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../../support/operator-env.ts';
import { applyRequestWorkflow } from './support/kubectl-workflow.ts';

const NAME = 'runs-visible';

describe('run visibility without the portal', () => {
  let env: OperatorEnv;
  let logic: LogicManagementClient;

  beforeAll(async () => {
    env = await startOperatorEnv({ namespacePrefix: 'law-runs', flags: ['--resync-period', '3s'] });
    logic = new LogicManagementClient(operatorCredential(env.emulator), env.emulator.subscriptionId, {
      endpoint: env.emulator.armEndpoint,
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const get = async (): Promise<LogicAppWorkflow> =>
    JSON.parse((await kubectl(['get', 'law', NAME, '-n', env.namespace, '-o', 'json'])).stdout);
  const setOutcome = async (body: unknown) => {
    const path = `/subscriptions/${env.emulator.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}/workflows/${NAME}/run-outcome`;
    const response = await fetch(`${env.emulator.adminEndpoint}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  };
  /** The emulator's newest run, as Azure's run history lists it. */
  const newestRun = async () => {
    const page = await logic.workflowRuns.list(DEMO_RESOURCE_GROUP, NAME, { top: 1 }).byPage().next();
    const run = page.value?.[0];
    if (!run?.name) throw new Error('the emulator has no run');
    return run;
  };
  const failedEvents = async () =>
    (
      await adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: env.namespace })
    ).items.filter((event) => event.reason === 'WorkflowRunFailed' && event.regarding?.name === NAME);

  it('reports a failed run started by the trigger run action in status and one Warning Event, then the next Succeeded run', async () => {
    await applyRequestWorkflow(env, NAME);
    expect((await get()).status?.lastRun).toBeUndefined();

    // A run that fails, started the way a platform engineer would without the portal.
    await setOutcome({
      status: 'Failed',
      error: { code: 'BadGateway', message: 'The partner answered 502.' },
    });
    await logic.workflowTriggers.run(DEMO_RESOURCE_GROUP, NAME, 'manual');
    const failed = await newestRun();
    expect(failed.status).toBe('Failed');

    await eventually(async () => {
      const status = (await get()).status;
      expect(status?.lastRun).toEqual({
        name: failed.name,
        status: 'Failed',
        startTime: failed.startTime?.toISOString(),
        endTime: failed.endTime?.toISOString(),
        trigger: 'manual',
        errorCode: 'BadGateway',
      });
      expect(status?.triggers).toEqual([
        { name: 'manual', state: 'Enabled', lastExecutionTime: failed.startTime?.toISOString() },
      ]);
    }, 30_000);
    await eventually(async () => {
      const events = await failedEvents();
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe('Warning');
      expect(events[0]?.note).toContain(`Run ${failed.name} `);
      expect(events[0]?.note).toContain('(BadGateway)');
      // The error message may quote run data: only the code is copied. (Not a check for '502':
      // the run's random name can hold those digits.)
      expect(events[0]?.note).not.toContain('The partner answered');
    }, 30_000);
    // The printer column.
    const table = await kubectl(['get', 'law', NAME, '-n', env.namespace]);
    expect(table.stdout).toMatch(/LAST-RUN/);
    expect(table.stdout.split('\n')[1]).toMatch(/\bFailed\b/);

    // A Succeeded run is reported at the next due read; the failed one is not announced again.
    await setOutcome({ status: 'Succeeded' });
    await logic.workflowTriggers.run(DEMO_RESOURCE_GROUP, NAME, 'manual');
    const succeeded = await newestRun();
    expect(succeeded.name).not.toBe(failed.name);
    await eventually(async () => {
      const status = (await get()).status;
      expect(status?.lastRun).toMatchObject({ name: succeeded.name, status: 'Succeeded', trigger: 'manual' });
      expect(status?.lastRun?.errorCode).toBeUndefined();
      expect(status?.triggers?.[0]?.lastExecutionTime).toBe(succeeded.startTime?.toISOString());
    }, 30_000);
    // Two more reads of the runs by the operator: still the one Event, with no repeats in its series.
    const since = env.emulator.requests().at(-1)?.seq ?? 0;
    await eventually(() => {
      const reads = env.emulator
        .requests(since)
        .filter((entry) => entry.operation === 'Microsoft.Logic/workflows/runs/read');
      expect(reads.length).toBeGreaterThanOrEqual(2);
    }, 30_000);
    const events = await failedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.series).toBeUndefined();
    expect((await get()).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  }, 120_000);
});
