// The runs of workflows, one place for every way a run starts (a callback URL call, the
// trigger's `run` action) and every way it is read (runs, trigger histories). A run completes
// at once with the outcome set for its workflow (admin API), Succeeded by default: the emulator
// executes no actions, it only keeps what Azure's run history would report.
import { randomInt } from 'node:crypto';
import type { EmulatorCore } from '../core.ts';
import { armKey } from '../ids.ts';
import type { RunOutcome, WorkflowRecord, WorkflowRunRecord } from '../state.ts';

/** How many runs the emulator keeps per workflow (oldest dropped first). */
export const RUNS_KEPT_PER_WORKFLOW = 100;

/** Records a run of `workflow` fired by `triggerName`, finished with the workflow's set outcome. */
export function recordRun(
  core: EmulatorCore,
  workflow: WorkflowRecord,
  triggerName: string,
  startedBy: WorkflowRunRecord['startedBy'],
): WorkflowRunRecord {
  const key = armKey(workflow.id);
  const outcome: RunOutcome = core.state.runOutcomes[key] ?? { status: 'Succeeded' };
  const now = core.nowIso();
  const run: WorkflowRunRecord = {
    name: newRunName(),
    triggerName,
    startedBy,
    status: outcome.status,
    startTime: now,
    endTime: now,
    ...(workflow.properties.version ? { workflowVersion: String(workflow.properties.version) } : {}),
    ...(outcome.error ? { error: { ...outcome.error } } : {}),
  };
  const runs = core.state.workflowRuns[key] ?? [];
  runs.push(run);
  if (runs.length > RUNS_KEPT_PER_WORKFLOW) runs.splice(0, runs.length - RUNS_KEPT_PER_WORKFLOW);
  core.state.workflowRuns[key] = runs;
  return run;
}

/** The runs of a workflow, oldest first (empty when it never ran). */
export function runsOf(core: EmulatorCore, workflow: WorkflowRecord): readonly WorkflowRunRecord[] {
  return core.state.workflowRuns[armKey(workflow.id)] ?? [];
}

/** Forgets a deleted workflow's runs and outcome (a workflow re-created under the name starts clean). */
export function forgetRuns(core: EmulatorCore, workflowId: string): void {
  delete core.state.workflowRuns[armKey(workflowId)];
  delete core.state.runOutcomes[armKey(workflowId)];
}

/** A run id in the shape Azure uses, e.g. `08584737551867954143243946780CU57`. */
function newRunName(): string {
  let digits = '085';
  while (digits.length < 29) digits += String(randomInt(10));
  return `${digits}CU${randomInt(10, 100)}`;
}

/** A trigger as the workflow's definition declares it (`definition.triggers`). */
export interface DeclaredTrigger {
  name: string;
  /** WDL type as written, e.g. `Request`, `Recurrence`, `ApiConnection`. */
  type: string;
  /** WDL kind, e.g. `Http` for a Request trigger; absent when the definition gives none. */
  kind?: string;
}

/** The triggers the workflow's current definition declares, in definition order. */
export function triggersOf(workflow: WorkflowRecord): DeclaredTrigger[] {
  const definition = workflow.properties.definition as { triggers?: unknown } | undefined;
  const triggers = definition?.triggers;
  if (typeof triggers !== 'object' || triggers === null) return [];
  return Object.entries(triggers as Record<string, { type?: unknown; kind?: unknown } | null>).map(
    ([name, trigger]) => ({
      name,
      type: typeof trigger?.type === 'string' ? trigger.type : '',
      ...(typeof trigger?.kind === 'string' ? { kind: trigger.kind } : {}),
    }),
  );
}

/** The declared trigger of that name, if any (compared case-insensitively, as ARM compares child resource names). */
export function findTrigger(workflow: WorkflowRecord, name: string): DeclaredTrigger | undefined {
  return triggersOf(workflow).find((trigger) => trigger.name.toLowerCase() === name.toLowerCase());
}
