// Step: report the actions whose secret data Azure cannot hide in run history, once Azure holds
// the definition that has them (after write-workflow; a paused, different workflow never gets
// here). Status always carries the current list; an Event says so each time the list changes —
// compared with what status reported, so a resync with nothing new says nothing.
import type { Step } from '../context.ts';
import {
  exposedNote,
  RUN_HISTORY_EXPOSED_REASON,
  RUN_HISTORY_SECURED_REASON,
  reportableExposures,
  SECURED_NOTE,
  sameExposures,
} from '../run-history-report.ts';

export const reportRunHistory: Step = async (run) => {
  const exposed = run.exposedInRunHistory;
  // secureRunHistory off: nothing was analysed, so there is nothing to claim either way.
  if (exposed === undefined) {
    run.status.exposedInRunHistory = null;
    return undefined;
  }
  const reportable = reportableExposures(exposed);
  run.status.exposedInRunHistory = reportable.length > 0 ? reportable : null;
  const reported = run.object.status?.exposedInRunHistory;
  if (sameExposures(reported, reportable)) return undefined;
  if (exposed.length > 0) {
    run.logger.info(
      { workflow: run.ref, actions: exposed.map((entry) => entry.action) },
      'Run history can show secret data',
    );
    await run.deps.events.record(
      run.object,
      'Warning',
      RUN_HISTORY_EXPOSED_REASON,
      'SecureRunHistory',
      exposedNote(exposed),
    );
  } else if ((reported?.length ?? 0) > 0) {
    await run.deps.events.record(
      run.object,
      'Normal',
      RUN_HISTORY_SECURED_REASON,
      'SecureRunHistory',
      SECURED_NOTE,
    );
  }
  return undefined;
};
