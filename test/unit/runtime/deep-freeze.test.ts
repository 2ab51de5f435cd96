import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../src/runtime/deep-freeze.ts';

describe('deepFreeze', () => {
  it('freezes the value and everything in it, in place', () => {
    const value = { list: [{ permissions: { secrets: ['get'] } }], name: 'kv' };
    const frozen = deepFreeze(value);
    expect(frozen).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[0]?.permissions.secrets)).toBe(true);
    expect(() => value.list[0]?.permissions.secrets.push('list')).toThrow(TypeError);
    expect(() => {
      value.name = 'other';
    }).toThrow(TypeError);
  });

  it('passes primitives and undefined through', () => {
    expect(deepFreeze(undefined)).toBeUndefined();
    expect(deepFreeze('kv')).toBe('kv');
    expect(deepFreeze(3)).toBe(3);
  });

  it('does not walk into a part that is frozen already', () => {
    const inner = Object.freeze({ open: { secrets: ['get'] } });
    deepFreeze({ inner });
    expect(Object.isFrozen(inner.open)).toBe(false);
  });

  it('offers each string property to share before freezing, and keeps what it returns', () => {
    const offered: string[] = [];
    const value = { metadata: { name: 'one', namespace: 'team-a' }, tags: ['x'] };
    deepFreeze(value, (key, text) => {
      offered.push(`${key}=${text}`);
      return key === 'namespace' ? 'team-a (shared)' : text;
    });
    expect(offered).toEqual(['name=one', 'namespace=team-a', '0=x']);
    expect(value.metadata.namespace).toBe('team-a (shared)');
    expect(Object.isFrozen(value.metadata)).toBe(true);
  });
});
