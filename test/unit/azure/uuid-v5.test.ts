import { describe, expect, it } from 'vitest';
import { UUID_NAMESPACE_DNS, UUID_NAMESPACE_URL, uuidV5 } from '../../../src/azure/uuid-v5.ts';

describe('uuidV5', () => {
  it('matches RFC 9562 appendix A.4 (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', UUID_NAMESPACE_DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it("matches Python's uuid.uuid5(NAMESPACE_DNS, 'python.org')", () => {
    expect(uuidV5('python.org', UUID_NAMESPACE_DNS)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('is deterministic and sensitive to the name and the namespace', () => {
    const a = uuidV5('scope|role|principal', UUID_NAMESPACE_URL);
    expect(uuidV5('scope|role|principal', UUID_NAMESPACE_URL)).toBe(a);
    expect(uuidV5('scope|role|principal2', UUID_NAMESPACE_URL)).not.toBe(a);
    expect(uuidV5('scope|role|principal', UUID_NAMESPACE_DNS)).not.toBe(a);
  });

  it('sets version 5 and the RFC variant', () => {
    expect(uuidV5('anything', UUID_NAMESPACE_URL)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });
});
