// Step: the workflow's last run and its triggers in status, and a Warning Event for each failed
// run status has not reported yet (issue 25, "run visibility without the portal"). A report, not
// a check: it never changes the pass's outcome, and a failed read keeps what status showed.
//
// Bounded cost (run-reports.ts): the runs are read when due (once per run status period, by
// default the resync period, judged on the injected clock), the triggers only when the
// workflow's version or its newest run moved.
// A workflow created by this pass has no runs to read yet. A new logicops.io/reconcile-request
// reads now. Which runs were announced is status.lastRun: the next pass, or another replica
// after a failover, announces only runs newer than it.
import { isAzureError, type ObservedRun, type ObservedTrigger } from '../../../azure/index.ts';
import { MAX_TRIGGERS, RUN_STATUS_LIMITS, type WorkflowTriggerStatus } from '../../../crds/index.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { lastRunStatus, newlyFailedRuns, RUNS_PER_READ, type RunReports } from '../run-reports.ts';

export const RUN_FAILED_REASON = 'WorkflowRunFailed';

export const reportRuns: Step = async (run) => {
  const reports = run.runReports;
  if (!reports || !run.observed) return undefined;
  const key = run.context.key;
  if (run.created) {
    reports.noteRead(key);
    return undefined;
  }
  if (!reports.due(key) && !hasUnhandledReconcileRequest(run.object)) return undefined;
  reports.noteRead(key);
  try {
    await readAndReport(run, reports);
  } catch (error) {
    // A report: the workflow stays as Ready as it was, with the last values status showed.
    run.logger.warn(
      {
        workflow: run.ref,
        ...(isAzureError(error) ? { failure: error.failure.kind, code: error.failure.code } : {}),
        error: error instanceof Error ? error.message : String(error),
      },
      'Could not read the run history; status keeps the last run it showed, and the next due read tries again',
    );
  }
  return undefined;
};

async function readAndReport(run: WorkflowRun, reports: RunReports): Promise<void> {
  const key = run.context.key;
  const gateway = run.gateways.workflowRuns;
  const runs = await gateway.recentRuns(run.ref, RUNS_PER_READ, { signal: run.signal });
  const newest = runs[0];
  const version = run.observed?.version;
  let triggers: ObservedTrigger[] | undefined;
  if (reports.triggersStale(key, version, newest) || !run.object.status?.triggers) {
    triggers = await gateway.triggers(run.ref, { signal: run.signal });
    reports.noteTriggersRead(key, version, newest);
  }
  const reported = run.object.status?.lastRun;
  for (const failed of newlyFailedRuns(runs, reported).reverse()) await announceFailure(run, failed);
  if (newest) run.status.lastRun = lastRunStatus(newest);
  // Within the schema's bounds whatever Azure answers: a status patch the API server refuses
  // would fail the whole pass for a report.
  if (triggers) run.status.triggers = triggers.slice(0, MAX_TRIGGERS).map(triggerStatus);
}

/** One Event per failed run, oldest first: the run's name and error code, never its inputs or outputs. */
async function announceFailure(run: WorkflowRun, failed: ObservedRun): Promise<void> {
  const code = failed.errorCode ? ` (${failed.errorCode})` : '';
  const when = failed.startTime ? `, started ${failed.startTime.toISOString()}` : '';
  const by = failed.trigger ? ` by trigger '${failed.trigger}'` : '';
  run.logger.info(
    { workflow: run.ref, run: failed.name, errorCode: failed.errorCode },
    'Workflow run failed',
  );
  await run.deps.events.record(
    run.object,
    'Warning',
    RUN_FAILED_REASON,
    'ReportRuns',
    `Run ${failed.name} of Azure workflow ${run.spec.resourceGroup}/${run.ref.name} failed${code}${when}${by}. Its run history in Azure shows which action failed.`,
  );
}

function triggerStatus(trigger: ObservedTrigger): WorkflowTriggerStatus {
  return {
    name: trigger.name.slice(0, RUN_STATUS_LIMITS.name),
    ...(trigger.state ? { state: trigger.state.slice(0, RUN_STATUS_LIMITS.status) } : {}),
    ...(trigger.lastExecutionTime ? { lastExecutionTime: trigger.lastExecutionTime.toISOString() } : {}),
    ...(trigger.nextExecutionTime ? { nextExecutionTime: trigger.nextExecutionTime.toISOString() } : {}),
  };
}
