import { describe, expect, it } from 'vitest';
import { mergePatchBetween } from '../../../src/runtime/merge-patch.ts';

describe('mergePatchBetween', () => {
  it('is undefined when nothing changed (no write)', () => {
    expect(mergePatchBetween({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeUndefined();
  });

  it('sends only changed fields, nested', () => {
    expect(mergePatchBetween({ a: 1, b: { c: 1, d: 2 } }, { a: 1, b: { c: 1, d: 3 } })).toEqual({
      b: { d: 3 },
    });
  });

  it('nulls removed fields and replaces arrays whole', () => {
    expect(mergePatchBetween({ a: 1, list: [{ x: 1 }, { x: 2 }] }, { list: [{ x: 1 }, { x: 3 }] })).toEqual({
      a: null,
      list: [{ x: 1 }, { x: 3 }],
    });
  });

  it('treats undefined properties as absent', () => {
    expect(mergePatchBetween({ a: 1 }, { a: 1, b: undefined })).toBeUndefined();
  });
});
