// Secure values Azure never returns (issue 21, item 1): which values they are, and the salted
// record of the last write that stands in for them in the diff.
import { describe, expect, it } from 'vitest';
import type { DesiredWorkflow } from '../../../../src/azure/index.ts';
import {
  recordHolds,
  type SecureValues,
  sealSecureValues,
  secureParameterNames,
  secureValuesOf,
  secureValuesVerdict,
} from '../../../../src/controllers/logic-app-workflow/secure-values.ts';

const KEY = 'hunter2-not-a-real-key';

function desired(
  parameters: Record<string, unknown>,
  declarations: Record<string, unknown>,
): DesiredWorkflow {
  return {
    location: 'westeurope',
    tags: {},
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: { parameters: declarations },
    parameters: Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, { value }])),
  };
}

describe('which values are secure', () => {
  it('are the parameters declared securestring or secureobject, in any casing', () => {
    expect(
      secureParameterNames({
        parameters: {
          a: { type: 'securestring' },
          b: { type: 'SecureObject' },
          c: { type: 'String' },
          d: { type: 'Object' },
          e: 'not a declaration',
        },
      }),
    ).toEqual(new Set(['a', 'b']));
    expect(secureParameterNames({})).toEqual(new Set());
  });

  it('are their values and their defaults; a workflow without any has none', () => {
    const values = secureValuesOf(
      desired(
        { apiKey: KEY, endpoint: 'https://partner.example/' },
        {
          apiKey: { type: 'SecureString' },
          fallback: { type: 'SecureString', defaultValue: 'fallback-key' },
          endpoint: { type: 'String', defaultValue: 'https://default.example/' },
        },
      ),
    );
    expect(values).toEqual({ parameters: { apiKey: KEY }, defaults: { fallback: 'fallback-key' } });
    expect(secureValuesOf(desired({ endpoint: 'x' }, { endpoint: { type: 'String' } }))).toBeUndefined();
    // Declared secure but given neither a value nor a default: nothing to withhold.
    expect(secureValuesOf(desired({}, { apiKey: { type: 'SecureString' } }))).toBeUndefined();
  });
});

describe('the record of the last write', () => {
  const values: SecureValues = { parameters: { apiKey: KEY, settings: { a: 1, b: 2 } }, defaults: {} };

  it('holds a salted digest, never the values, and a fresh salt gives another digest', () => {
    const first = sealSecureValues(values, '0001');
    const second = sealSecureValues(values, '0001');
    expect(JSON.stringify(first)).not.toContain(KEY);
    expect(first.digest).not.toBe(second.digest);
    expect(first.salt).not.toBe(second.salt);
    expect(Buffer.from(first.salt, 'base64')).toHaveLength(16);
    expect(first.workflowVersion).toBe('0001');
  });

  it('is deterministic for one salt and ignores key order', () => {
    const salt = Buffer.alloc(16, 7);
    const reordered: SecureValues = { defaults: {}, parameters: { settings: { b: 2, a: 1 }, apiKey: KEY } };
    expect(sealSecureValues(values, undefined, salt)).toEqual(sealSecureValues(reordered, undefined, salt));
  });

  it.each([
    ['no record', undefined, values, '0001', 'unrecorded'],
    ['the same values at the version written', sealSecureValues(values, '0001'), values, '0001', 'unchanged'],
    [
      'a changed value',
      sealSecureValues(values, '0001'),
      { ...values, parameters: { ...values.parameters, apiKey: 'rotated' } },
      '0001',
      'changed',
    ],
    [
      'a changed secure default',
      sealSecureValues(values, '0001'),
      { ...values, defaults: { fallback: 'x' } },
      '0001',
      'changed',
    ],
    [
      'the same values, but Azure stamped another version since',
      sealSecureValues(values, '0001'),
      values,
      '0002',
      'writtenElsewhere',
    ],
    ['no version known on either side', sealSecureValues(values, undefined), values, '0002', 'unchanged'],
  ] as const)('%s → %s', (_case, record, current, version, verdict) => {
    expect(secureValuesVerdict(current, record, version)).toBe(verdict);
  });

  it('needs no renewal only for the same values at the same version', () => {
    const record = sealSecureValues(values, '0001');
    expect(recordHolds(record, values, '0001')).toBe(true);
    expect(recordHolds(record, values, '0002')).toBe(false);
    expect(recordHolds(record, { ...values, parameters: {} }, '0001')).toBe(false);
    expect(recordHolds(undefined, values, '0001')).toBe(false);
  });
});
