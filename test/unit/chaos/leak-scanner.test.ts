// The scanner is only worth its zero if it finds a planted value in every form a leak takes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanForLeaks, spellings, tokenNeedles } from '../../chaos/security/leak-scanner.ts';

const canary = () => `canary-${randomBytes(12).toString('hex')}`;
const fakeJwt = () =>
  [
    Buffer.from('{"alg":"RS256"}').toString('base64url'),
    Buffer.from('{"oid":"x"}').toString('base64url'),
    randomBytes(64).toString('base64url'),
  ].join('.');

/** Where the scanner found `value`, as `source: spelling`. */
function found(value: string, haystacks: { source: string; text: string }[]): string[] {
  return scanForLeaks([{ label: 'secret kv/s', value }], haystacks).map((l) => `${l.source}: ${l.spelling}`);
}

describe('the leak scanner', () => {
  it('finds nothing in clean text', () => {
    expect(found(canary(), [{ source: 'log', text: '{"msg":"Granted"}' }])).toEqual([]);
  });

  it('finds a value as is, JSON-escaped once and twice, and never repeats the value in its report', () => {
    const value = `${canary()}"\\`;
    const inLog = JSON.stringify({ msg: value });
    const haystacks = [
      { source: 'plain', text: `prefix ${value} suffix` },
      { source: 'log', text: inLog },
      { source: 'body quoted in a log', text: JSON.stringify({ body: inLog }) },
      { source: 'clean', text: 'nothing here' },
    ];
    expect(found(value, haystacks)).toEqual([
      'plain: as is',
      'log: JSON-escaped',
      'body quoted in a log: JSON-escaped twice',
    ]);
    const leaks = scanForLeaks([{ label: 'secret kv/s', value }], haystacks);
    expect(JSON.stringify(leaks)).not.toContain(value.slice(0, 20));
  });

  it('finds a URL-encoded and a form-encoded value (a query string, a token request body)', () => {
    const value = `${canary()}+/= &?`;
    expect(
      found(value, [
        { source: 'url', text: `https://x.example/?key=${encodeURIComponent(value)}&b=1` },
        {
          source: 'form',
          text: `grant_type=client_credentials&client_secret=${new URLSearchParams({ v: value }).toString().slice(2)}`,
        },
      ]),
    ).toEqual(['url: URL-encoded', 'form: form-encoded']);
  });

  it.each([0, 1, 2, 3, 4, 5])('finds a base64-encoded value inside a longer blob, %i bytes in', (before) => {
    // A Secret's data or a dumped Authorization header: the value is somewhere inside what was encoded.
    const value = canary();
    const blob = Buffer.concat([randomBytes(before), Buffer.from(value), randomBytes(7)]);
    expect(found(value, [{ source: 'b64', text: `data: ${blob.toString('base64')}` }])).toEqual([
      expect.stringMatching(/^b64: base64/),
    ]);
    expect(found(value, [{ source: 'b64url', text: blob.toString('base64url') }])).toEqual([
      expect.stringMatching(/^b64url: base64/),
    ]);
  });

  it('finds a value whose base64 needs the URL alphabet only in its base64url spelling', () => {
    // 0xfb 0xff encode to '+/' in the standard alphabet, '-_' in the URL one.
    const value = `${canary()}\u00fb\u00ff\u00fe`;
    const encoded = Buffer.from(value).toString('base64url');
    expect(encoded).toMatch(/[-_]/);
    expect(found(value, [{ source: 'jwt segment', text: `x.${encoded}.y` }])).toEqual([
      expect.stringMatching(/^jwt segment: base64url/),
    ]);
  });

  it('spells an alphanumeric value once per distinct form, not once per encoding', () => {
    const forms = spellings('abcdefghijklmnop').map((s) => s.text);
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms).toContain('abcdefghijklmnop');
  });

  it("finds a token's signature even when the rest of the token was cut off", () => {
    const token = fakeJwt();
    const signature = token.split('.')[2] ?? '';
    const leaks = scanForLeaks(tokenNeedles('token #1', token), [
      { source: 'truncated', text: `Bearer …${signature}` },
    ]);
    expect(leaks).toEqual([
      { source: 'truncated', needle: 'token #1 (signature)', spelling: 'as is', offset: expect.any(Number) },
    ]);
  });

  it('reports a value once per haystack it is in, naming each', () => {
    const value = canary();
    const leaks = scanForLeaks(
      [{ label: 'secret', value }],
      [
        { source: 'a', text: `${value} and ${value}` },
        { source: 'b', text: 'clean' },
        { source: 'c', text: JSON.stringify([value]) },
      ],
    );
    expect(leaks.map((l) => l.source)).toEqual(['a', 'c']);
  });

  it('refuses needles too short to mean anything', () => {
    expect(() => scanForLeaks([{ label: 'short', value: 'abc' }], [])).toThrow(/shorter/);
  });
});
