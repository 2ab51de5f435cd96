// The run report (steps/report-runs.ts, run-reports.ts): the last run and the triggers in
// status, read only when due on the injected clock, and one Warning Event per failed run — never
// again on a later pass or after a restart (status.lastRun remembers).
import { beforeEach, describe, expect, it } from 'vitest';
import type { ObservedRun } from '../../../../src/azure/index.ts';
import { newlyFailedRuns } from '../../../../src/controllers/logic-app-workflow/run-reports.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import type { FakeClock } from '../../../support/fake-clock.ts';
import type { FakeAzure, FakeKube, RecordingEvents } from './support/fakes.ts';
import { NS, ReconcileHarness, workflowObject } from './support/reconcile-harness.ts';

const MINUTE = 60_000;
const INTERVAL = 10 * MINUTE;
const DEFINITION = {
  triggers: {
    manual: { type: 'Request', kind: 'Http' },
    Every_hour: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } },
  },
  actions: {},
};

function workflow(annotations: Record<string, string> = {}): LogicAppWorkflow {
  return workflowObject({ definition: DEFINITION }, { annotations });
}

describe('run report', () => {
  let h: ReconcileHarness;
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let clock: FakeClock;

  beforeEach(() => {
    h = new ReconcileHarness({
      lean: true,
      settings: { resync: { periodMs: INTERVAL, jitterFraction: 0.1 } },
    });
    ({ kube, azure, events, clock } = h);
  });

  /** A pass on the stored object, counting only its own Azure calls. */
  async function pass(object?: LogicAppWorkflow) {
    azure.calls.length = 0;
    return h.run(object);
  }
  const status = () => kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf')?.status;
  const runReads = () => azure.calls.filter((call) => call.startsWith('workflowRuns.'));
  const run = (name: string, status: string, startMinute: number, extra: Partial<ObservedRun> = {}) =>
    azure.addRun('wf', {
      name,
      status,
      startTime: new Date(clock.now() + startMinute * MINUTE),
      ...(status === 'Running' ? {} : { endTime: new Date(clock.now() + startMinute * MINUTE + 1_000) }),
      ...(status === 'Failed' ? { errorCode: 'ActionFailed' } : {}),
      ...extra,
    });
  const failedEvents = () => events.recorded.filter((event) => event.reason === 'WorkflowRunFailed');

  it('reads nothing on the pass that creates the workflow, and nothing before the next resync is due', async () => {
    expect(await pass(workflow())).toEqual({ type: 'done' });
    expect(azure.calls).toContain('workflows.createOrUpdate');
    expect(runReads()).toEqual([]);
    // Passes woken by bindings, ConfigMaps or Namespaces in between read nothing either.
    for (const minutes of [1, 2, 4.9]) {
      await clock.advance(minutes * MINUTE);
      await pass();
      expect(runReads()).toEqual([]);
    }
    expect(status()?.lastRun).toBeUndefined();
    // 7.9 minutes in: still short of 0.8 of the 10-minute period.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(7.9 * MINUTE);
  });

  it('at the next resync (0.8 of a period or later) reads the newest runs and the triggers into status', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU11', 'Succeeded', 1, { trigger: 'manual' });
    await clock.advance(0.8 * INTERVAL);
    expect(await pass()).toEqual({ type: 'done' });
    expect(runReads()).toEqual(['workflowRuns.recentRuns', 'workflowRuns.triggers']);
    expect(status()?.lastRun).toEqual({
      name: '08584737551867954143243946780CU11',
      status: 'Succeeded',
      startTime: new Date(Date.UTC(2026, 0, 1) + MINUTE).toISOString(),
      endTime: new Date(Date.UTC(2026, 0, 1) + MINUTE + 1_000).toISOString(),
      trigger: 'manual',
    });
    expect(status()?.triggers).toEqual([
      {
        name: 'manual',
        state: 'Enabled',
        lastExecutionTime: new Date(Date.UTC(2026, 0, 1) + MINUTE).toISOString(),
      },
      { name: 'Every_hour', state: 'Enabled' },
    ]);
    expect(failedEvents()).toEqual([]);

    // Nothing new: the next due read lists the runs only (the triggers cannot have moved).
    await clock.advance(INTERVAL);
    await pass();
    expect(runReads()).toEqual(['workflowRuns.recentRuns']);
  });

  it('announces a failed run once, naming it and its error code; never again on later passes', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU22', 'Failed', 2);
    await clock.advance(INTERVAL);
    await pass();
    expect(status()?.lastRun).toMatchObject({
      name: '08584737551867954143243946780CU22',
      status: 'Failed',
      errorCode: 'ActionFailed',
    });
    expect(failedEvents()).toEqual([
      {
        type: 'Warning',
        reason: 'WorkflowRunFailed',
        note: `Run 08584737551867954143243946780CU22 of Azure workflow rg/wf failed (ActionFailed), started ${new Date(Date.UTC(2026, 0, 1) + 2 * MINUTE).toISOString()} by trigger 'manual'. Its run history in Azure shows which action failed.`,
      },
    ]);
    await clock.advance(INTERVAL);
    await pass();
    expect(runReads()).toEqual(['workflowRuns.recentRuns']);
    expect(failedEvents()).toHaveLength(1);
  });

  it('does not announce it again after a restart: status.lastRun says it was reported', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU33', 'Failed', 2);
    await clock.advance(INTERVAL);
    await pass();
    expect(failedEvents()).toHaveLength(1);
    // A new process (or the other replica after a failover): no memory, so its first pass reads.
    h.restart();
    await pass();
    expect(runReads()).toEqual(['workflowRuns.recentRuns', 'workflowRuns.triggers']);
    expect(failedEvents()).toHaveLength(1);
  });

  it('announces every failed run since the last read, oldest first, and a running run once it fails', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU41', 'Running', 1);
    await clock.advance(INTERVAL);
    await pass();
    expect(status()?.lastRun).toMatchObject({ name: '08584737551867954143243946780CU41', status: 'Running' });
    expect(status()?.lastRun?.endTime).toBeUndefined();
    expect(failedEvents()).toEqual([]);

    // It failed since, and three more ran: two of them failed.
    const runs = azure.runs.get('wf') ?? [];
    runs[0] = { ...runs[0]!, status: 'Failed', errorCode: 'ActionFailed', endTime: new Date(clock.now()) };
    run('08584737551867954143243946780CU42', 'Failed', 2, { errorCode: 'BadGateway' });
    run('08584737551867954143243946780CU43', 'Succeeded', 3);
    run('08584737551867954143243946780CU44', 'Failed', 4);
    await clock.advance(INTERVAL);
    await pass();
    expect(failedEvents().map((event) => event.note.split(' ')[1])).toEqual([
      '08584737551867954143243946780CU41',
      '08584737551867954143243946780CU42',
      '08584737551867954143243946780CU44',
    ]);
    expect(failedEvents()[1]?.note).toContain('(BadGateway)');
    expect(status()?.lastRun).toMatchObject({ name: '08584737551867954143243946780CU44', status: 'Failed' });
  });

  it('a failed read changes neither the outcome nor what status shows; the next resync reads again', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU51', 'Succeeded', 1);
    await clock.advance(INTERVAL);
    await pass();
    const before = status()?.lastRun;
    run('08584737551867954143243946780CU52', 'Failed', 2);
    azure.failNext.set('workflowRuns.recentRuns', {
      kind: 'throttled',
      retryAfterMs: 30_000,
      message: 'Too many requests',
    });
    await clock.advance(INTERVAL);
    expect(await pass()).toEqual({ type: 'done' });
    expect(status()?.lastRun).toEqual(before);
    expect(status()?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(failedEvents()).toEqual([]);
    // Not retried on every pass in between: it waits for its turn.
    await clock.advance(MINUTE);
    await pass();
    expect(runReads()).toEqual([]);
    await clock.advance(INTERVAL);
    await pass();
    expect(status()?.lastRun?.name).toBe('08584737551867954143243946780CU52');
    expect(failedEvents()).toHaveLength(1);
  });

  it('reads now for a new logicops.io/reconcile-request, whatever the time', async () => {
    await pass(workflow());
    run('08584737551867954143243946780CU61', 'Succeeded', 1);
    await clock.advance(MINUTE);
    await pass(workflow({ 'logicops.io/reconcile-request': 'now' }));
    expect(runReads()).toEqual(['workflowRuns.recentRuns', 'workflowRuns.triggers']);
    expect(status()?.lastRun?.name).toBe('08584737551867954143243946780CU61');
    // Handled: the next pass does not read again.
    await clock.advance(MINUTE);
    await pass();
    expect(runReads()).toEqual([]);
  });

  it('reads nothing with the run report off (runReportIntervalMs 0, --run-status-period 0s)', async () => {
    h.restart({ runReportIntervalMs: 0 });
    await pass(workflow());
    run('08584737551867954143243946780CU71', 'Failed', 1);
    await clock.advance(INTERVAL);
    await pass(workflow({ 'logicops.io/reconcile-request': 'now' }));
    expect(runReads()).toEqual([]);
    expect(status()?.lastRun).toBeUndefined();
    expect(failedEvents()).toEqual([]);
  });

  it('reads at the interval it is given, not at every resync', async () => {
    h.restart({ runReportIntervalMs: 3 * INTERVAL });
    await pass(workflow());
    const reads: number[] = [];
    for (let resync = 1; resync <= 6; resync++) {
      await clock.advance(INTERVAL);
      await pass();
      reads.push(runReads().length);
    }
    // Due at 0.8 of 30 minutes: the third resync after the create, then every third.
    expect(reads).toEqual([0, 0, 2, 0, 0, 1]);
  });

  it('keeps status within its bounds whatever Azure answers (at most 10 triggers, long codes cut)', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`t${i}`, { type: 'Request', kind: 'Http' }]),
    );
    await pass({ ...workflow(), spec: { ...workflow().spec, definition: { triggers: many, actions: {} } } });
    run('08584737551867954143243946780CU81', 'Failed', 1, { errorCode: 'E'.repeat(300) });
    await clock.advance(INTERVAL);
    await pass();
    expect(status()?.triggers?.map((trigger) => trigger.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `t${i}`),
    );
    expect(status()?.lastRun?.errorCode).toBe('E'.repeat(128));
  });

  it('re-reads the triggers when the workflow was written (a new version can change them)', async () => {
    await pass(workflow());
    await clock.advance(INTERVAL);
    await pass();
    expect(runReads()).toEqual(['workflowRuns.recentRuns', 'workflowRuns.triggers']);
    const stored = azure.workflows.get('wf');
    if (stored) stored.version = azure.newVersion();
    await clock.advance(INTERVAL);
    await pass();
    expect(runReads()).toEqual(['workflowRuns.recentRuns', 'workflowRuns.triggers']);
  });
});

describe('newlyFailedRuns', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const runs: ObservedRun[] = [
    { name: 'r4', status: 'Failed', startTime: at(4) },
    { name: 'r3', status: 'Succeeded', startTime: at(3) },
    { name: 'r2', status: 'Failed', startTime: at(2) },
    { name: 'r1', status: 'Failed', startTime: at(1) },
  ];
  const names = (found: ObservedRun[]) => found.map((run) => run.name);

  it('takes the failed runs listed before the one status reported', () => {
    expect(names(newlyFailedRuns(runs, { name: 'r2', status: 'Failed' }))).toEqual(['r4']);
    expect(names(newlyFailedRuns(runs, { name: 'r4', status: 'Failed' }))).toEqual([]);
  });

  it('includes the reported run when it was still going and has failed since', () => {
    expect(names(newlyFailedRuns(runs, { name: 'r2', status: 'Running' }))).toEqual(['r4', 'r2']);
  });

  it('with nothing reported, every listed failed run is new', () => {
    expect(names(newlyFailedRuns(runs, undefined))).toEqual(['r4', 'r2', 'r1']);
  });

  it('when the reported run is no longer listed, takes the failed runs that did not start before it', () => {
    const reported = { name: 'r0', status: 'Succeeded', startTime: at(2).toISOString() };
    expect(names(newlyFailedRuns(runs, reported))).toEqual(['r4', 'r2']);
  });
});
