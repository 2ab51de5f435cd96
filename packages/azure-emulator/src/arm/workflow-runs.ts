// Microsoft.Logic/workflows/{triggers, runs, triggers/histories}, api-version 2019-05-01: what a
// client reads of a workflow's run history without the portal, and the trigger's `run` action.
// Shapes follow azure-rest-api-specs specification/logic/resource-manager/Microsoft.Logic/stable/
// 2019-05-01/logic.json (WorkflowTrigger, WorkflowRun, WorkflowTriggerHistory) and its examples
// WorkflowTriggers_List/Get/Run, WorkflowRuns_List/Get, WorkflowTriggerHistories_List. Runs come
// from the one run store (workflow-runs-store.ts); answers never carry inputs or outputs content.
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import { json, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { WorkflowRecord, WorkflowRunRecord } from '../state.ts';
import { findRequested } from './common.ts';
import { page } from './paging.ts';
import { type DeclaredTrigger, findTrigger, recordRun, runsOf, triggersOf } from './workflow-runs-store.ts';
import { LOGIC_API_VERSIONS } from './workflows.ts';

const WORKFLOW_TYPE = 'Microsoft.Logic/workflows';
const WORKFLOW =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name}';
const TRIGGER = `${WORKFLOW}/triggers/{trigger}`;

function findWorkflow(core: EmulatorCore, ctx: RequestContext): WorkflowRecord {
  return findRequested(core.state.workflows, ctx, WORKFLOW_TYPE);
}

/**
 * The trigger a request names, or 404 `WorkflowTriggerNotFound` with Azure's wording: "The
 * workflow '…' trigger '…' could not be found." (the ARM error Microsoft Learn quotes in
 * "Connected Field Service … questions and answers about configuration").
 */
function requestedTrigger(workflow: WorkflowRecord, name: string): DeclaredTrigger {
  const trigger = findTrigger(workflow, name);
  if (!trigger) {
    throw new ArmError(
      404,
      'WorkflowTriggerNotFound',
      `The workflow '${workflow.name}' trigger '${name}' could not be found.`,
    );
  }
  return trigger;
}

/** `{id, name, type}` of the workflow version a trigger or run belongs to (ResourceReference). */
function versionReference(workflow: WorkflowRecord, version: string | undefined) {
  const name = version ?? String(workflow.properties.version ?? '');
  return { id: `${workflow.id}/versions/${name}`, name, type: 'Microsoft.Logic/workflows/versions' };
}

/** Newest first: how Azure's run history (portal, `az logic workflow run list`) lists runs. */
function newestFirst(core: EmulatorCore, workflow: WorkflowRecord): WorkflowRunRecord[] {
  return [...runsOf(core, workflow)].reverse();
}

/** A run as WorkflowRuns_List/Get answer it; no inputs or outputs content, ever. */
export function runBody(workflow: WorkflowRecord, run: WorkflowRunRecord) {
  const correlation = { clientTrackingId: run.name };
  return {
    properties: {
      waitEndTime: run.startTime,
      startTime: run.startTime,
      ...(run.endTime ? { endTime: run.endTime } : {}),
      status: run.status,
      ...(run.error
        ? { code: run.error.code, error: { code: run.error.code, message: run.error.message } }
        : {}),
      correlation,
      workflow: versionReference(workflow, run.workflowVersion),
      trigger: {
        name: run.triggerName,
        startTime: run.startTime,
        endTime: run.startTime,
        correlation,
        code: 'OK',
        status: 'Succeeded',
      },
      outputs: {},
    },
    id: `${workflow.id}/runs/${run.name}`,
    name: run.name,
    type: 'Microsoft.Logic/workflows/runs',
  };
}

/** A trigger history entry: one per run the trigger fired, named like the run (WorkflowTriggerHistories_List). */
function historyBody(workflow: WorkflowRecord, trigger: DeclaredTrigger, run: WorkflowRunRecord) {
  return {
    properties: {
      startTime: run.startTime,
      endTime: run.startTime,
      // The trigger fired, whatever became of the run it started.
      status: 'Succeeded',
      code: 'OK',
      correlation: { clientTrackingId: run.name },
      fired: true,
      run: { id: `${workflow.id}/runs/${run.name}`, name: run.name, type: 'Microsoft.Logic/workflows/runs' },
    },
    id: `${workflow.id}/triggers/${trigger.name}/histories/${run.name}`,
    name: run.name,
    type: 'Microsoft.Logic/workflows/triggers/histories',
  };
}

/** The runs a trigger fired, newest first (trigger names compare as ARM compares child names). */
function runsFiredBy(core: EmulatorCore, workflow: WorkflowRecord, trigger: DeclaredTrigger) {
  return newestFirst(core, workflow).filter(
    (run) => run.triggerName.toLowerCase() === trigger.name.toLowerCase(),
  );
}

/** A trigger as WorkflowTriggers_List/Get answer it: state follows the workflow's. */
function triggerBody(core: EmulatorCore, workflow: WorkflowRecord, trigger: DeclaredTrigger) {
  const state = String(workflow.properties.state ?? 'Enabled');
  const last = runsFiredBy(core, workflow, trigger)[0];
  const recurrence = recurrenceOf(workflow, trigger);
  const next =
    recurrence && state === 'Enabled'
      ? nextOccurrence(recurrence, String(workflow.properties.createdTime), core.now())
      : undefined;
  return {
    properties: {
      provisioningState: 'Succeeded',
      createdTime: workflow.properties.createdTime,
      changedTime: workflow.properties.changedTime,
      state,
      ...(last ? { status: 'Succeeded', lastExecutionTime: last.startTime } : {}),
      ...(next ? { nextExecutionTime: next } : {}),
      ...(recurrence ? { recurrence } : {}),
      workflow: versionReference(workflow, undefined),
    },
    id: `${workflow.id}/triggers/${trigger.name}`,
    name: trigger.name,
    type: 'Microsoft.Logic/workflows/triggers',
  };
}

const FREQUENCIES = ['Second', 'Minute', 'Hour', 'Day', 'Week', 'Month', 'Year'] as const;
type Frequency = (typeof FREQUENCIES)[number];
interface Recurrence {
  frequency: Frequency;
  interval: number;
}

/**
 * A Recurrence trigger's `recurrence` as the trigger resource reports it: frequency and interval.
 * A WDL `startTime` may carry no time zone (it is read in `timeZone`), so the emulator leaves it
 * out and schedules from the workflow's creation.
 */
function recurrenceOf(workflow: WorkflowRecord, trigger: DeclaredTrigger): Recurrence | undefined {
  if (trigger.type.toLowerCase() !== 'recurrence') return undefined;
  const definition = workflow.properties.definition as { triggers?: Record<string, unknown> } | undefined;
  const declared = definition?.triggers?.[trigger.name] as
    | { recurrence?: Record<string, unknown> }
    | undefined;
  const frequency = FREQUENCIES.find(
    (f) => f.toLowerCase() === String(declared?.recurrence?.frequency ?? '').toLowerCase(),
  );
  const interval = Number(declared?.recurrence?.interval);
  if (!frequency || !Number.isInteger(interval) || interval < 1) return undefined;
  return { frequency, interval };
}

/** The first occurrence after `now` of a schedule that starts when the workflow was created. */
function nextOccurrence(recurrence: Recurrence, createdTime: string, now: number): string | undefined {
  const start = Date.parse(createdTime);
  if (Number.isNaN(start)) return undefined;
  const next = new Date(start);
  // At most a few hundred thousand steps for a one-second schedule started a few days ago.
  for (let steps = 0; next.getTime() <= now && steps < 1_000_000; steps++) advance(next, recurrence);
  return next.toISOString();
}

function advance(date: Date, { frequency, interval }: Recurrence): void {
  const unitMs = { Second: 1_000, Minute: 60_000, Hour: 3_600_000, Day: 86_400_000, Week: 604_800_000 };
  if (frequency === 'Month') date.setUTCMonth(date.getUTCMonth() + interval);
  else if (frequency === 'Year') date.setUTCFullYear(date.getUTCFullYear() + interval);
  else date.setTime(date.getTime() + interval * unitMs[frequency]);
}

/**
 * `$filter=status eq '…'`: the one property of the spec's WorkflowRunFilter and
 * WorkflowTriggerHistoryFilter (x-ms-odata). Other filters are refused, not ignored.
 */
function byStatusFilter(ctx: RequestContext): ((status: string) => boolean) | undefined {
  const filter = ctx.query.get('$filter');
  if (!filter) return undefined;
  const status = /^\s*status\s+eq\s+'([^']*)'\s*$/i.exec(filter)?.[1];
  if (status === undefined)
    throw new ArmError(400, 'InvalidFilter', `The filter '${filter}' is not supported.`);
  return (candidate) => candidate.toLowerCase() === status.toLowerCase();
}

export function workflowRunRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    resourceType: 'workflows',
    apiVersions: LOGIC_API_VERSIONS,
    requiresResourceGroup: true,
  };
  const read = (template: string, operation: string, handler: Route['handler']): Route => ({
    ...base,
    method: 'GET',
    pattern: pathPattern(template),
    operation,
    kind: 'read',
    handler,
  });
  return [
    read(`${WORKFLOW}/triggers`, 'Microsoft.Logic/workflows/triggers/read', (ctx) => {
      const workflow = findWorkflow(core, ctx);
      const triggers = triggersOf(workflow).map((trigger) => triggerBody(core, workflow, trigger));
      return json(200, page(core, ctx, triggers));
    }),
    read(TRIGGER, 'Microsoft.Logic/workflows/triggers/read', (ctx) => {
      const workflow = findWorkflow(core, ctx);
      return json(200, triggerBody(core, workflow, requestedTrigger(workflow, param(ctx, 'trigger'))));
    }),
    {
      ...base,
      method: 'POST',
      pattern: pathPattern(`${TRIGGER}/run`),
      operation: 'Microsoft.Logic/workflows/triggers/run/action',
      kind: 'action',
      handler: (ctx) => {
        const workflow = findWorkflow(core, ctx);
        const trigger = requestedTrigger(workflow, param(ctx, 'trigger'));
        if (workflow.properties.state !== 'Enabled') {
          // A disabled workflow's triggers do not fire (Microsoft Learn, "Manage logic apps in the
          // Azure portal": disabling stops the trigger). The code and wording are inferred.
          throw new ArmError(
            409,
            'WorkflowNotEnabled',
            `The workflow '${workflow.name}' is not enabled: enable it before running trigger '${trigger.name}'.`,
          );
        }
        recordRun(core, workflow, trigger.name, 'run-action');
        // WorkflowTriggers_Run.json: 200 with no body.
        return { status: 200 };
      },
    },
    read(`${TRIGGER}/histories`, 'Microsoft.Logic/workflows/triggers/histories/read', (ctx) => {
      const workflow = findWorkflow(core, ctx);
      const trigger = requestedTrigger(workflow, param(ctx, 'trigger'));
      const keep = byStatusFilter(ctx);
      // A fired trigger's history entry is Succeeded whatever became of its run.
      const runs = runsFiredBy(core, workflow, trigger).filter(() => !keep || keep('Succeeded'));
      return json(
        200,
        page(
          core,
          ctx,
          runs.map((run) => historyBody(workflow, trigger, run)),
        ),
      );
    }),
    read(`${WORKFLOW}/runs`, 'Microsoft.Logic/workflows/runs/read', (ctx) => {
      const workflow = findWorkflow(core, ctx);
      const keep = byStatusFilter(ctx);
      const runs = newestFirst(core, workflow).filter((run) => !keep || keep(run.status));
      return json(
        200,
        page(
          core,
          ctx,
          runs.map((run) => runBody(workflow, run)),
        ),
      );
    }),
    read(`${WORKFLOW}/runs/{run}`, 'Microsoft.Logic/workflows/runs/read', (ctx) => {
      const workflow = findWorkflow(core, ctx);
      const name = param(ctx, 'run');
      const run = runsOf(core, workflow).find(
        (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
      );
      if (!run) {
        // Inferred by analogy with WorkflowTriggerNotFound; Microsoft documents no wording.
        throw new ArmError(
          404,
          'WorkflowRunNotFound',
          `The workflow '${workflow.name}' run '${name}' could not be found.`,
        );
      }
      return json(200, runBody(workflow, run));
    }),
  ];
}
