// A workflow's run history, read-only (api-version 2019-05-01): its newest runs and its triggers,
// for the status report of issue 25 ("run visibility without the portal"). Names and times only:
// nothing here reads a run's inputs or outputs, which can hold secret data.
import {
  getContinuationToken,
  type LogicManagementClient,
  type WorkflowRun,
  type WorkflowTrigger,
} from '@azure/arm-logic';
import { checkWorkflowRef } from './arm-names.ts';
import type { AzureCalls, CallOptions } from './instrumentation.ts';
import type { WorkflowRef } from './workflow-model.ts';

/** A run as status reports it. */
export interface ObservedRun {
  name: string;
  /** Azure's WorkflowStatus: Running, Succeeded, Failed, Cancelled, … */
  status: string;
  startTime?: Date;
  endTime?: Date;
  /** The trigger that started it. */
  trigger?: string;
  /** The run's error code (e.g. ActionFailed) when it failed; never the message, which may quote data. */
  errorCode?: string;
}

/** A trigger as status reports it. */
export interface ObservedTrigger {
  name: string;
  /** Enabled or Disabled. */
  state?: string;
  lastExecutionTime?: Date;
  nextExecutionTime?: Date;
}

export interface WorkflowRunsGateway {
  /** The newest runs, newest first, at most `top`: the first page only, so one read. */
  recentRuns(ref: WorkflowRef, top: number, options?: CallOptions): Promise<ObservedRun[]>;
  /** Every trigger of the workflow (all pages; a workflow has at most 10). */
  triggers(ref: WorkflowRef, options?: CallOptions): Promise<ObservedTrigger[]>;
}

export class SdkWorkflowRunsGateway implements WorkflowRunsGateway {
  constructor(
    private readonly client: LogicManagementClient,
    private readonly calls: AzureCalls,
  ) {}

  async recentRuns(ref: WorkflowRef, top: number, options: CallOptions = {}): Promise<ObservedRun[]> {
    checkWorkflowRef(ref);
    const page = await this.calls.read('workflowRuns.list', options, async (sdk) => {
      // Only the first page: `$top` sizes it, and a nextLink would only lead to older runs.
      const first = await this.client.workflowRuns
        .list(ref.resourceGroup, ref.name, { top, ...sdk })
        .byPage()
        .next();
      return first.done ? [] : first.value;
    });
    return page.map(observedRun);
  }

  async triggers(ref: WorkflowRef, options: CallOptions = {}): Promise<ObservedTrigger[]> {
    checkWorkflowRef(ref);
    const pages = await this.calls.readPages(
      'workflowTriggers.list',
      options,
      (sdk) => this.client.workflowTriggers.list(ref.resourceGroup, ref.name, sdk).byPage(),
      (page) => getContinuationToken(page) !== undefined,
      (page: WorkflowTrigger[]) => page.map(observedTrigger),
    );
    return pages.flat();
  }
}

function observedRun(run: WorkflowRun): ObservedRun {
  const errorCode = errorCodeOf(run.error) ?? (run.status === 'Failed' ? run.code : undefined);
  return {
    name: run.name ?? '',
    status: run.status ?? 'NotSpecified',
    ...(run.startTime ? { startTime: run.startTime } : {}),
    ...(run.endTime ? { endTime: run.endTime } : {}),
    ...(run.trigger?.name ? { trigger: run.trigger.name } : {}),
    ...(errorCode ? { errorCode } : {}),
  };
}

function observedTrigger(trigger: WorkflowTrigger): ObservedTrigger {
  return {
    name: trigger.name ?? '',
    ...(trigger.state ? { state: trigger.state } : {}),
    ...(trigger.lastExecutionTime ? { lastExecutionTime: trigger.lastExecutionTime } : {}),
    ...(trigger.nextExecutionTime ? { nextExecutionTime: trigger.nextExecutionTime } : {}),
  };
}

/** `error.code` of a run: the spec types `error` as a free-form object. */
function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
