// The Azure formats behave as documented, checked in JavaScript (the same patterns run as
// RE2 in the API server; the integration tier checks them there). The named cases per field,
// with their sources, are in azure-name-cases.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyCase,
  celMatches,
  LOCATION,
  matchesFormat,
  RESOURCE_GROUP_NAME,
  SECRET_NAME,
  TRIGGER_NAME,
  toRegExp,
  USER_ASSIGNED_IDENTITY_ID,
  VAULT_ID,
  WORKFLOW_NAME,
  WORKFLOW_PARAMETER_NAME,
} from '../../../src/crds/azure-formats.ts';

const sub = '8e3f4a2c-1b5d-4c6e-9f70-2a1b3c4d5e6f';
const vaultId = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`;
const isVaultId = (v: string) => matchesFormat(VAULT_ID, v);

describe('secret names: 1-127 of [0-9a-zA-Z-]', () => {
  const allowed = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'.split('');

  it('accepts every string of allowed characters of length 1-127', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...allowed), minLength: 1, maxLength: 127 }), (name) =>
        matchesFormat(SECRET_NAME, name),
      ),
    );
  });

  it('rejects any name with another character, and lengths 0 and 128', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !allowed.includes(c)),
        (prefix, bad) => !matchesFormat(SECRET_NAME, `${prefix}${bad}`),
      ),
    );
    expect(matchesFormat(SECRET_NAME, '')).toBe(false);
    expect(matchesFormat(SECRET_NAME, 'a'.repeat(128))).toBe(false);
  });
});

describe('vault ids', () => {
  it.each(['kv1', 'kv-partner-keys', `k${'v'.repeat(23)}`, 'KV-Upper-9'])('accepts vault name %s', (name) => {
    expect(isVaultId(vaultId(name))).toBe(true);
  });

  it.each(['kv', `k${'v'.repeat(24)}`, 'kv--x', '-kv', '9kv', 'kv-', 'kv_x'])(
    'rejects vault name %s',
    (name) => {
      expect(isVaultId(vaultId(name))).toBe(false);
    },
  );

  it('accepts the lower-case segments az prints and rejects other resource types', () => {
    expect(isVaultId(vaultId('kv1').replace('resourceGroups', 'resourcegroups').toLowerCase())).toBe(true);
    expect(
      isVaultId(vaultId('kv1').replace('Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts')),
    ).toBe(false);
  });
});

describe('other names', () => {
  it('resource groups: Unicode letters allowed, no trailing period, at most 90', () => {
    const rg = (v: string) => matchesFormat(RESOURCE_GROUP_NAME, v);
    expect(['rg', 'rg_(x).1-', 'grüße', 'r'.repeat(90)].every(rg)).toBe(true);
    expect(['rg.', 'r g', 'r/g', '', 'r'.repeat(91), 'rg\u{1d400}'].some(rg)).toBe(false);
  });

  it('workflow names: letters, digits, - _ . ( ), 1-43, no trailing period', () => {
    const wf = (v: string) => matchesFormat(WORKFLOW_NAME, v);
    expect(['a', 'Orders(v2)_x.y-', 'a'.repeat(43)].every(wf)).toBe(true);
    expect(['', 'a b', 'a/b', 'a'.repeat(44), '.', '..', 'a.'].some(wf)).toBe(false);
  });

  it('user-assigned identity ids end in a 3-128 character name', () => {
    const id = (name: string) =>
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
    const ok = (v: string) => matchesFormat(USER_ASSIGNED_IDENTITY_ID, v);
    expect(ok(id('id-orders_1'))).toBe(true);
    expect(ok(id('ab'))).toBe(false);
    expect(ok(id('-abc'))).toBe(false);
  });

  it('locations are canonical, parameter names avoid $ and quotes', () => {
    expect(matchesFormat(LOCATION, 'westeurope')).toBe(true);
    expect(matchesFormat(LOCATION, 'West Europe')).toBe(false);
    expect(matchesFormat(WORKFLOW_PARAMETER_NAME, 'partnerApiKeyUri')).toBe(true);
    expect(matchesFormat(WORKFLOW_PARAMETER_NAME, '$connections')).toBe(false);
    expect(matchesFormat(WORKFLOW_PARAMETER_NAME, "a')")).toBe(false);
  });
});

describe('celMatches', () => {
  it('wraps each pattern in a CEL raw string and joins them with &&', () => {
    expect(celMatches(SECRET_NAME)).toBe(`self.matches(r'${SECRET_NAME.patterns[0]}')`);
    expect(celMatches(VAULT_ID)).toBe(VAULT_ID.patterns.map((p) => `self.matches(r'${p}')`).join(' && '));
  });

  it('never uses (?i): RE2 would fold the Kelvin sign into k and the long s into s', () => {
    for (const format of [
      VAULT_ID,
      USER_ASSIGNED_IDENTITY_ID,
      WORKFLOW_NAME,
      SECRET_NAME,
      RESOURCE_GROUP_NAME,
    ]) {
      expect(celMatches(format)).not.toContain('(?i)');
    }
    // What (?i) would have let through: JavaScript's iu folds exactly as RE2 does here.
    expect(/^[a-z]+$/iu.test('\u212a\u017f')).toBe(true);
    expect(matchesFormat(VAULT_ID, vaultId('\u212av1'))).toBe(false);
  });
});

describe('anyCase', () => {
  it('spells a segment case-insensitively without Unicode folding, escaping periods', () => {
    expect(anyCase('Microsoft.KeyVault')).toBe(
      '[mM][iI][cC][rR][oO][sS][oO][fF][tT]\\.[kK][eE][yY][vV][aA][uU][lL][tT]',
    );
    const re = toRegExp(`^${anyCase('subscriptions')}$`);
    expect(['subscriptions', 'SUBSCRIPTIONS', 'Subscriptions'].every((s) => re.test(s))).toBe(true);
    expect(re.test('\u017fubscriptions')).toBe(false);
  });

  it('turns RE2 code-point escapes into JavaScript ones', () => {
    expect(toRegExp('^[^\\x{10000}-\\x{10FFFF}]*$').test('\u{1d400}')).toBe(false);
    expect(toRegExp('^[^\\x{10000}-\\x{10FFFF}]*$').test('grüße')).toBe(true);
  });
});

describe('trigger names (spec.callbackUrl.trigger, and the trigger a callback URL is listed for)', () => {
  it('accepts the names definitions use, up to 80 characters (Logic Apps limits: action or trigger name)', () => {
    for (const name of [
      'manual',
      'When_a_HTTP_request_is_received',
      'Request 2',
      'order.created',
      'x'.repeat(80),
    ]) {
      expect(matchesFormat(TRIGGER_NAME, name)).toBe(true);
    }
  });

  it('refuses what would change the URL path: dot segments, /, \\, ?, #, %, control characters, and 81 characters', () => {
    for (const name of [
      '',
      '.',
      '..',
      '...',
      'a/b',
      'a\\b',
      'a?b',
      'a#b',
      '%2e%2e',
      'a\nb',
      'x'.repeat(81),
    ]) {
      expect(matchesFormat(TRIGGER_NAME, name)).toBe(false);
    }
  });

  it('renders as a CEL rule on RE2-compatible syntax', () => {
    expect(celMatches(TRIGGER_NAME)).toBe(`self.matches(r'${TRIGGER_NAME.patterns[0]}')`);
    expect(() => toRegExp(TRIGGER_NAME.patterns[0]!)).not.toThrow();
  });
});
