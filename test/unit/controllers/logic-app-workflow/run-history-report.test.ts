import { describe, expect, it } from 'vitest';
import {
  exposedNote,
  reportableExposures,
  sameExposures,
} from '../../../../src/controllers/logic-app-workflow/run-history-report.ts';
import {
  MAX_RUN_HISTORY_EXPOSURES,
  RUN_HISTORY_EXPOSURE_LIMITS,
  type RunHistoryExposure,
} from '../../../../src/crds/index.ts';

const entry = (action: string, overrides: Partial<RunHistoryExposure> = {}): RunHistoryExposure => ({
  action,
  type: 'SetVariable',
  shows: ['inputs', 'outputs'],
  change: "keep the secret out of variables: use the output of 'Get' directly",
  ...overrides,
});

describe('reportableExposures', () => {
  it('keeps what fits the status schema as it is', () => {
    expect(reportableExposures([entry('A'), entry('B', { shows: ['outputs'], type: 'Wait' })])).toEqual([
      entry('A'),
      entry('B', { shows: ['outputs'], type: 'Wait' }),
    ]);
  });

  it('shortens strings past the schema bounds and caps the list, so the status patch is never refused', () => {
    const long = entry('x'.repeat(400), { type: 't'.repeat(100), change: 'c'.repeat(900) });
    const many = Array.from({ length: MAX_RUN_HISTORY_EXPOSURES + 5 }, (_, i) => entry(`A${i}`));
    const [clipped] = reportableExposures([long]);
    expect(clipped?.action).toHaveLength(RUN_HISTORY_EXPOSURE_LIMITS.action);
    expect(clipped?.type).toHaveLength(RUN_HISTORY_EXPOSURE_LIMITS.type);
    expect(clipped?.change).toHaveLength(RUN_HISTORY_EXPOSURE_LIMITS.change);
    expect(clipped?.change.endsWith('…')).toBe(true);
    expect(reportableExposures(many)).toHaveLength(MAX_RUN_HISTORY_EXPOSURES);
  });
});

describe('sameExposures', () => {
  it('treats absent and empty alike, and any difference as a change', () => {
    expect(sameExposures(undefined, [])).toBe(true);
    expect(sameExposures([entry('A')], [entry('A')])).toBe(true);
    expect(sameExposures(undefined, [entry('A')])).toBe(false);
    expect(sameExposures([entry('A')], [entry('A', { shows: ['outputs'] })])).toBe(false);
    expect(sameExposures([entry('A')], [])).toBe(false);
  });
});

describe('exposedNote', () => {
  it('names each action, what shows and what to change', () => {
    expect(exposedNote([entry('Keep_key'), entry('Check', { type: 'If' })])).toBe(
      'Run history can show secret data in 2 actions whose type Azure cannot secure; the workflow is deployed as written (status.exposedInRunHistory lists them). ' +
        "Keep_key (SetVariable, inputs and outputs): keep the secret out of variables: use the output of 'Get' directly; " +
        "Check (If, inputs and outputs): keep the secret out of variables: use the output of 'Get' directly.",
    );
  });
});
