import { describe, expect, it } from 'vitest';
import {
  IN_FLIGHT_REASONS,
  isInFlightReason,
  isStalledReason,
  QUOTA_AVAILABLE_REASONS,
  REASON_MEANINGS,
  Reason,
  STALLED_REASONS,
} from '../../../src/crds/conditions.ts';

describe('condition reasons', () => {
  it('every reason is Succeeded, in flight, stalled, or a QuotaAvailable reason', () => {
    const grouped = new Set<string>([
      Reason.Succeeded,
      ...IN_FLIGHT_REASONS,
      ...STALLED_REASONS,
      ...QUOTA_AVAILABLE_REASONS,
    ]);
    expect([...grouped].sort()).toEqual(Object.values(Reason).sort());
  });

  it('no reason is both in flight and stalled (kstatus would read it two ways)', () => {
    expect(IN_FLIGHT_REASONS.filter((r) => isStalledReason(r))).toEqual([]);
    expect(STALLED_REASONS.filter((r) => isInFlightReason(r))).toEqual([]);
  });

  it('matches the vocabulary in DESIGN.md', () => {
    expect(IN_FLIGHT_REASONS).toEqual([
      'Progressing',
      'Throttled',
      'WaitingForPrincipal',
      'WaitingForWorkflow',
      'WaitingForBindings',
      'WaitingForSecret',
      'WaitingForConfigMap',
      'Deleting',
    ]);
    expect(STALLED_REASONS).toEqual([
      'InvalidSpec',
      'ResourceGroupNotFound',
      'AuthorizationFailed',
      'PolicyDenied',
      'QuotaExceeded',
      'AlreadyOwned',
      'NamespacePolicyDenied',
    ]);
  });

  it('every reason is documented and is a valid metav1.Condition reason', () => {
    for (const reason of Object.values(Reason)) {
      expect(REASON_MEANINGS[reason].meaning.length).toBeGreaterThan(10);
      expect(reason).toMatch(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
    }
  });
});
