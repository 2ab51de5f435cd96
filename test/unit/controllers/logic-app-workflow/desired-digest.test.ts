import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  desiredDigest,
} from '../../../../src/controllers/logic-app-workflow/desired-digest.ts';
import { sameJson } from '../../../../src/controllers/logic-app-workflow/workflow-diff.ts';

// Pairs the drift check must see as equal (or not) exactly as sameJson does.
const pairs: Array<[string, unknown, unknown]> = [
  ['key order', { a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }],
  ['a key set to undefined', { a: 1, b: undefined }, { a: 1 }],
  ['array order', { a: [1, 2] }, { a: [2, 1] }],
  [
    'a changed leaf',
    { definition: { actions: { x: { uri: 'a' } } } },
    { definition: { actions: { x: { uri: 'b' } } } },
  ],
  ['number against string', { a: 1 }, { a: '1' }],
  ['null against a missing key', { a: null }, {}],
  ['undefined against null in an array', [undefined], [null]],
  ['a key whose name contains separators', { 'a:b': 1 }, { a: { b: 1 } }],
];

describe('desiredDigest', () => {
  it.each(pairs)('agrees with sameJson: %s', (_, a, b) => {
    expect(desiredDigest(a) === desiredDigest(b)).toBe(sameJson(a, b));
  });

  it('is a short string, not the object', () => {
    const definition = {
      actions: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, { i }])),
    };
    expect(desiredDigest(definition)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('writes keys sorted and leaves out undefined ones', () => {
    expect(canonicalJson({ b: [1, undefined], a: 'x', c: undefined })).toBe('{"a":"x","b":[1,undefined]}');
  });
});
