import { describe, expect, it } from 'vitest';
import { sumReadyCounts } from '../../../bench/measure.ts';

describe('sumReadyCounts', () => {
  it("adds several namespaces' Ready counts and their reasons into one", () => {
    expect(
      sumReadyCounts([
        { ready: 3, total: 5, notReadyReasons: { Progressing: 2 } },
        { ready: 4, total: 5, notReadyReasons: { Progressing: 1 } },
        { ready: 0, total: 2, notReadyReasons: { NoStatusYet: 1, CredentialUnavailable: 1 } },
      ]),
    ).toEqual({
      ready: 7,
      total: 12,
      notReadyReasons: { Progressing: 3, NoStatusYet: 1, CredentialUnavailable: 1 },
    });
  });

  it('is an empty count for no namespaces', () => {
    expect(sumReadyCounts([])).toEqual({ ready: 0, total: 0, notReadyReasons: {} });
  });
});
