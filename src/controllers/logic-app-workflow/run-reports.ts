// When to read a workflow's run history, and what the last read saw (issue 25: the last run and
// the triggers in status, "read at resync, bounded cost"). A read is 1 ARM read (the newest runs),
// plus 1 (the triggers) only when they may have moved: at most 2 per workflow per resync period,
// whatever the number of passes (bindings, ConfigMaps and Namespaces wake workflows far more often
// than that; issue 12 counted them). Memory is per process: after a restart the first pass reads.
// Which runs were already announced is not kept here but in status.lastRun, so a restart never
// announces a run twice.

import type { ObservedRun } from '../../azure/index.ts';
import { RUN_STATUS_LIMITS, type WorkflowLastRun } from '../../crds/index.ts';
import type { Clock } from '../../runtime/index.ts';

/** The newest runs one read asks for: failed runs among them that are new are announced. */
export const RUNS_PER_READ = 10;

/**
 * A read is due once this share of the interval has passed since the last: a resync comes at
 * least 0.9 of a period after the pass before it (± 10 % jitter), so every resync reads, and no
 * pass in between does.
 */
export const DUE_SHARE = 0.8;

interface Memory {
  /** Clock time of the last read (attempted: a failed read waits for its turn too). */
  readAt: number;
  /** What the triggers were last read for: the workflow version and its newest run. */
  triggersReadFor?: string;
}

export class RunReports {
  readonly #byKey = new Map<string, Memory>();

  constructor(
    private readonly clock: Clock,
    /** How often a workflow's runs are read; the controller's resync period. */
    readonly intervalMs: number,
  ) {}

  /** Whether this pass reads the runs of `key`: never read by this process, or the last read is old enough. */
  due(key: string): boolean {
    const memory = this.#byKey.get(key);
    return !memory || this.clock.now() - memory.readAt >= this.intervalMs * DUE_SHARE;
  }

  /** The runs of `key` need no read before the next interval (read now, or nothing to read yet). */
  noteRead(key: string): void {
    this.#byKey.set(key, { ...this.#byKey.get(key), readAt: this.clock.now() });
  }

  /** Whether the triggers must be read again for what this read saw. */
  triggersStale(key: string, workflowVersion: string | undefined, newest: ObservedRun | undefined): boolean {
    return this.#byKey.get(key)?.triggersReadFor !== triggersKey(workflowVersion, newest);
  }

  noteTriggersRead(key: string, workflowVersion: string | undefined, newest: ObservedRun | undefined): void {
    const memory = this.#byKey.get(key) ?? { readAt: this.clock.now() };
    this.#byKey.set(key, { ...memory, triggersReadFor: triggersKey(workflowVersion, newest) });
  }

  /** The object is gone: nothing more to read for it. */
  forget(key: string): void {
    this.#byKey.delete(key);
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/** A new version can change the triggers; a new run means one of them fired. */
function triggersKey(workflowVersion: string | undefined, newest: ObservedRun | undefined): string {
  return `${workflowVersion ?? ''}/${newest?.name ?? ''}`;
}

/**
 * The runs of `runs` (newest first) that status has not reported yet and that failed: those
 * newer than `reported` (the last run status held), and `reported` itself when it was still
 * going and has failed since. With nothing reported, every listed run is new.
 */
export function newlyFailedRuns(
  runs: readonly ObservedRun[],
  reported: Readonly<WorkflowLastRun> | undefined,
): ObservedRun[] {
  const failed = (run: ObservedRun) => run.status === 'Failed';
  if (!reported) return runs.filter(failed);
  const at = runs.findIndex((run) => run.name === reported.name);
  if (at === -1) {
    // The reported run is older than every listed one (or gone from history): all are newer
    // unless they started before it.
    const since = reported.startTime ? Date.parse(reported.startTime) : Number.NEGATIVE_INFINITY;
    return runs.filter((run) => failed(run) && (run.startTime?.getTime() ?? since) >= since);
  }
  const newer = runs.slice(0, at).filter(failed);
  const same = runs[at];
  return same && failed(same) && reported.status !== 'Failed' ? [...newer, same] : newer;
}

/** A run as status reports it, within the schema's bounds (run-status-schema.ts). */
export function lastRunStatus(run: ObservedRun): WorkflowLastRun {
  return {
    name: run.name.slice(0, RUN_STATUS_LIMITS.name),
    status: run.status.slice(0, RUN_STATUS_LIMITS.status),
    ...(run.startTime ? { startTime: run.startTime.toISOString() } : {}),
    ...(run.endTime ? { endTime: run.endTime.toISOString() } : {}),
    ...(run.trigger ? { trigger: run.trigger.slice(0, RUN_STATUS_LIMITS.name) } : {}),
    ...(run.errorCode ? { errorCode: run.errorCode.slice(0, RUN_STATUS_LIMITS.errorCode) } : {}),
  };
}
