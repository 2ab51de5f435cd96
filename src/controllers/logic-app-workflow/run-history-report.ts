// What logicops tells a team whose definition handles secret data where Azure cannot hide it
// (secure-run-history.ts decides which actions): status.exposedInRunHistory, always current, and
// an Event each time that list changes. The workflow deploys as written — the definition is the
// team's choice — but the team is told, by action name, with what to change. Names only: the
// report never holds a value, and action names and types come from the definition itself.
import {
  MAX_RUN_HISTORY_EXPOSURES,
  RUN_HISTORY_EXPOSURE_LIMITS,
  type RunHistoryExposure,
} from '../../crds/index.ts';

export const RUN_HISTORY_EXPOSED_REASON = 'RunHistoryExposed';
export const RUN_HISTORY_SECURED_REASON = 'RunHistorySecured';

/** The list as status can hold it: at most MAX_RUN_HISTORY_EXPOSURES entries, strings within the schema's bounds. */
export function reportableExposures(exposed: readonly RunHistoryExposure[]): RunHistoryExposure[] {
  return exposed.slice(0, MAX_RUN_HISTORY_EXPOSURES).map((entry) => ({
    action: clip(entry.action, RUN_HISTORY_EXPOSURE_LIMITS.action),
    type: clip(entry.type, RUN_HISTORY_EXPOSURE_LIMITS.type),
    shows: [...entry.shows],
    change: clip(entry.change, RUN_HISTORY_EXPOSURE_LIMITS.change),
  }));
}

/** Whether status already reports exactly this list (absent and empty both mean none). */
export function sameExposures(
  reported: readonly RunHistoryExposure[] | undefined,
  next: readonly RunHistoryExposure[],
): boolean {
  return JSON.stringify(reported ?? []) === JSON.stringify(next);
}

/** The Warning Event's note: every action, what shows, what to change (the recorder caps notes at 1 KiB). */
export function exposedNote(exposed: readonly RunHistoryExposure[]): string {
  const count = exposed.length === 1 ? '1 action' : `${exposed.length} actions`;
  const entries = exposed.map(
    (entry) => `${entry.action} (${entry.type}, ${entry.shows.join(' and ')}): ${entry.change}`,
  );
  return `Run history can show secret data in ${count} whose type Azure cannot secure; the workflow is deployed as written (status.exposedInRunHistory lists them). ${entries.join('; ')}.`;
}

export const SECURED_NOTE =
  'Every action that handles secret data is now secured in run history; none is left exposed.';

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
