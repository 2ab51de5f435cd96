import { describe, expect, it } from 'vitest';
import { admissionOutcome, namesAField, objectOutcome } from '../../chaos/bad-input/outcome.ts';
import type { KubeObject } from '../../chaos/support/kube.ts';

const withConditions = (
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>,
): KubeObject => ({
  metadata: { name: 'x', namespace: 'ns' },
  spec: {},
  status: { conditions },
});

describe('bad-input outcomes', () => {
  it('accepts admission messages that name a field, and only those', () => {
    expect(namesAField('LogicAppWorkflow.logicops.io "x" is invalid: spec.location: Invalid value')).toBe(
      true,
    );
    expect(namesAField('metadata.name: Invalid value: "UPPER": a lowercase RFC 1123 subdomain')).toBe(true);
    expect(namesAField('.spec.identity.type: Unsupported value')).toBe(true);
    expect(admissionOutcome('the server could not handle the request').kind).toBe('violation');
  });

  it('classifies Ready, Stalled, documented waits and everything else', () => {
    expect(objectOutcome(withConditions([{ type: 'Ready', status: 'True', reason: 'Succeeded' }]))).toEqual({
      kind: 'ready',
    });
    expect(
      objectOutcome(
        withConditions([
          { type: 'Ready', status: 'False', reason: 'InvalidSpec' },
          { type: 'Stalled', status: 'True', reason: 'InvalidSpec' },
        ]),
      ),
    ).toEqual({ kind: 'stalled', reason: 'InvalidSpec' });
    expect(
      objectOutcome(
        withConditions([
          { type: 'Ready', status: 'False', reason: 'WaitingForSecret' },
          { type: 'Reconciling', status: 'True', reason: 'WaitingForSecret' },
        ]),
      ).kind,
    ).toBe('waiting');
    expect(
      objectOutcome(
        withConditions([
          { type: 'Ready', status: 'False', reason: 'Progressing' },
          { type: 'Reconciling', status: 'True', reason: 'Progressing' },
        ]),
      ).kind,
    ).toBe('violation');
    expect(objectOutcome(withConditions([])).kind).toBe('violation');
  });
});
