// The test-only crash point is off unless its environment variable names an exact point.
import { describe, expect, it } from 'vitest';
import { testPauseFrom } from '../../../../src/controllers/vault-secret-binding/test-pause.ts';

describe('testPauseFrom', () => {
  it('is off without the variable, or with it empty', () => {
    expect(testPauseFrom({})).toBeUndefined();
    expect(testPauseFrom({ LOGICOPS_TEST_PAUSE_AFTER: '' })).toBeUndefined();
    expect(testPauseFrom({ LOGICOPS_TEST_PAUSE_FILE: '/tmp/x' })).toBeUndefined();
  });

  it('names the point and the file to announce the pause in', () => {
    expect(testPauseFrom({ LOGICOPS_TEST_PAUSE_AFTER: 'accessPolicyAdd' })).toEqual({
      point: 'accessPolicyAdd',
    });
    expect(
      testPauseFrom({
        LOGICOPS_TEST_PAUSE_AFTER: 'accessPolicyAdd',
        LOGICOPS_TEST_PAUSE_FILE: '/tmp/paused',
      }),
    ).toEqual({ point: 'accessPolicyAdd', file: '/tmp/paused' });
  });

  it('refuses an unknown point instead of ignoring it', () => {
    expect(() => testPauseFrom({ LOGICOPS_TEST_PAUSE_AFTER: 'true' })).toThrow(/not a pause point/);
  });
});
