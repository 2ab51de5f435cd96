import { readFileSync } from 'node:fs';
import path from 'node:path';
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

  it('is the vocabulary docs/design.md lists, every reason in its row', () => {
    const design = readFileSync(path.resolve(import.meta.dirname, '../../../docs/design.md'), 'utf8');
    const row = (start: string) => design.split('\n').find((line) => line.startsWith(start)) ?? '';
    const inFlight = row('| `Ready=False` + `Reconciling=True`');
    const stalled = row('| `Ready=False` + `Stalled=True`');
    for (const reason of IN_FLIGHT_REASONS) expect(inFlight).toContain(`\`${reason}\``);
    for (const reason of STALLED_REASONS) expect(stalled).toContain(`\`${reason}\``);
    const listed = [...`${inFlight}${stalled}`.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set([...IN_FLIGHT_REASONS, ...STALLED_REASONS]));
  });

  it('matches the vocabulary in docs/design.md', () => {
    expect(IN_FLIGHT_REASONS).toEqual([
      'Progressing',
      'Throttled',
      'WaitingForPrincipal',
      'WaitingForWorkflow',
      'WaitingForBindings',
      'WaitingForSecret',
      'WaitingForConfigMap',
      'WaitingForConnections',
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
      'CredentialUnavailable',
    ]);
  });

  it('every reason is documented and is a valid metav1.Condition reason', () => {
    for (const reason of Object.values(Reason)) {
      expect(REASON_MEANINGS[reason].meaning.length).toBeGreaterThan(10);
      expect(reason).toMatch(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
    }
  });
});
