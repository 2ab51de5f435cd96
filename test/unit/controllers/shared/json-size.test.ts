import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonStringBytes,
  measureJson,
  measureJsonText,
} from '../../../../src/controllers/shared/json-size.ts';

/** A value nested `levels` objects deep: {"a":{"a":…{}…}}. */
function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** The same as text, built without JSON.stringify (which recurses). */
function nestedText(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

describe('measureJson', () => {
  it.each([
    ['null', null, { bytes: 4, values: 1, depth: 0 }],
    ['true', true, { bytes: 4, values: 1, depth: 0 }],
    ['false', false, { bytes: 5, values: 1, depth: 0 }],
    ['an integer', -12, { bytes: 3, values: 1, depth: 0 }],
    ['a float with exponent', 1e21, { bytes: 5, values: 1, depth: 0 }],
    ['a string', 'abc', { bytes: 5, values: 1, depth: 0 }],
    ['an empty object', {}, { bytes: 2, values: 1, depth: 1 }],
    ['an empty array', [], { bytes: 2, values: 1, depth: 1 }],
    ['an object (keys are not values)', { a: 1, b: [true] }, { bytes: 18, values: 4, depth: 2 }],
    ['arrays of arrays', [[[]], []], { bytes: 9, values: 4, depth: 3 }],
  ] as const)('%s', (_name, value, expected) => {
    expect(measureJson(value)).toEqual(expected);
    expect(measureJson(value).bytes).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it('counts bytes exactly as JSON.stringify writes them, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(measureJson(value).bytes).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  it('measures 100,000 levels of nesting without recursing', () => {
    expect(measureJson(nested(100_000))).toEqual({
      bytes: nestedText(100_000).length,
      values: 100_000,
      depth: 100_000,
    });
  });
});

describe('jsonStringBytes', () => {
  it.each([
    ['plain ASCII', 'abc'],
    ['quote and backslash', 'a"b\\c'],
    ['short escapes', '\b\f\n\r\t'],
    ['other control characters', '\u0000\u0001\u001f'],
    ['two-byte UTF-8', 'é ß'],
    ['three-byte UTF-8', '€ 日本'],
    ['a surrogate pair (four bytes)', '😀'],
    ['a lone high surrogate', '\ud800x'],
    ['a lone low surrogate', 'x\udc00'],
  ])('%s', (_name, value) => {
    expect(jsonStringBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
  });

  it('agrees with JSON.stringify for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(jsonStringBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('measureJsonText', () => {
  it.each([
    ['a scalar', '42', { bytes: 2, values: 1, depth: 0 }],
    ['literals', '[true,false,null]', { bytes: 17, values: 4, depth: 1 }],
    ['numbers with sign, fraction and exponent', '[-1.5e+3,2E-2,0]', { bytes: 16, values: 4, depth: 1 }],
    ['keys are not values', '{"a":"b","c":{}}', { bytes: 16, values: 3, depth: 2 }],
    [
      'brackets and colons inside strings do not count',
      '{"k":"{[:]}\\"{"}',
      { bytes: 16, values: 2, depth: 1 },
    ],
    ['whitespace counts as bytes, not values', '{ "a" : [ 1 , 2 ] }\n', { bytes: 20, values: 4, depth: 2 }],
  ] as const)('%s', (_name, text, expected) => {
    expect(measureJsonText(text)).toEqual(expected);
  });

  it('gives what measureJson gives of the parsed value, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, indented) => {
        const text = indented ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        const parsed = measureJson(value);
        expect(measureJsonText(text)).toEqual({
          bytes: Buffer.byteLength(text, 'utf8'),
          values: parsed.values,
          depth: parsed.depth,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('measures 100,000 levels of nesting in text', () => {
    expect(measureJsonText(nestedText(100_000))).toEqual({
      bytes: 599_996,
      values: 100_000,
      depth: 100_000,
    });
  });
});
