// The scanner is only worth its zero if it finds a planted canary in every form a leak takes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanForLeaks, tokenNeedles } from '../../chaos/security/leak-scanner.ts';

const canary = () => `canary-${randomBytes(12).toString('hex')}`;
const fakeJwt = () =>
  [
    Buffer.from('{"alg":"RS256"}').toString('base64url'),
    Buffer.from('{"oid":"x"}').toString('base64url'),
    randomBytes(64).toString('base64url'),
  ].join('.');

describe('the leak scanner', () => {
  it('finds nothing in clean text', () => {
    const value = canary();
    expect(
      scanForLeaks([{ label: 'secret', value }], [{ source: 'log', text: '{"msg":"Granted"}' }]),
    ).toEqual([]);
  });

  it('finds a planted canary as is, JSON-escaped and base64-encoded, naming only its label', () => {
    const value = `${canary()}"\\`;
    const haystacks = [
      { source: 'plain', text: `prefix ${value} suffix` },
      { source: 'json', text: JSON.stringify({ msg: value }) },
      { source: 'base64', text: `data: ${Buffer.from(value).toString('base64')}` },
      { source: 'clean', text: 'nothing here' },
    ];
    const leaks = scanForLeaks([{ label: 'secret kv/s', value }], haystacks);
    expect(leaks.map((l) => l.source)).toEqual(['plain', 'json', 'base64']);
    expect(JSON.stringify(leaks)).not.toContain(value.slice(0, 20));
  });

  it("finds a token's signature even when the rest of the token was cut off", () => {
    const token = fakeJwt();
    const signature = token.split('.')[2] ?? '';
    const leaks = scanForLeaks(tokenNeedles('token #1', token), [
      { source: 'truncated', text: `Bearer …${signature}` },
    ]);
    expect(leaks).toEqual([
      { source: 'truncated', needle: 'token #1 (signature)', offset: expect.any(Number) },
    ]);
  });

  it('refuses needles too short to mean anything', () => {
    expect(() => scanForLeaks([{ label: 'short', value: 'abc' }], [])).toThrow(/shorter/);
  });
});
