import { describe, expect, it } from 'vitest';
import {
  normalizePermissions,
  planAccessPolicyGrant,
  planAccessPolicyRevoke,
  sharedEntryView,
} from '../../../../src/controllers/vault-secret-binding/plan/permissions-math.ts';
import type { GrantRecord } from '../../../../src/crds/index.ts';

const P1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const P2 = 'aaaaaaaa-0000-4000-8000-000000000002';
const KV = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const OTHER_KV = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/other';

const ledger = (overrides: Partial<GrantRecord>): GrantRecord => ({
  phase: 'Granted',
  principalId: P1,
  vaultId: KV,
  accessModel: 'AccessPolicy',
  permissionsAdded: ['get'],
  permissionsPreExisting: [],
  ...overrides,
});
const nobody = { neededByOthers: [], addedByOthers: [] };

describe('normalizePermissions', () => {
  it('lower-cases, de-duplicates, sorts and keeps only read permissions', () => {
    expect(normalizePermissions(['List', 'get', 'Get', 'set'])).toEqual(['get', 'list']);
  });
});

describe('sharedEntryView', () => {
  const cases: Array<{ name: string; others: GrantRecord[]; needed: string[]; added: string[] }> = [
    { name: 'no other binding', others: [], needed: [], added: [] },
    {
      name: 'another binding of the same principal and vault (any namespace: ledgers carry no namespace)',
      others: [ledger({ permissionsAdded: ['list'] })],
      needed: ['list'],
      added: ['list'],
    },
    {
      name: 'vault ids compare case-insensitively',
      others: [ledger({ vaultId: KV.toUpperCase(), permissionsAdded: ['get'] })],
      needed: ['get'],
      added: ['get'],
    },
    { name: 'another principal', others: [ledger({ principalId: P2 })], needed: [], added: [] },
    { name: 'another vault', others: [ledger({ vaultId: OTHER_KV })], needed: [], added: [] },
    {
      name: 'a binding revoking still counts as having added, but no longer needs',
      others: [ledger({ phase: 'Revoking', permissionsAdded: ['get'] })],
      needed: [],
      added: ['get'],
    },
    {
      name: 'a binding migrating to RBAC still counts as having added, but no longer needs',
      others: [ledger({ accessModel: 'RBAC', permissionsAdded: ['get'], roleAssignmentName: 'x' })],
      needed: [],
      added: ['get'],
    },
    {
      name: 'an Intended grant is needed (its add may be in flight)',
      others: [ledger({ phase: 'Intended', permissionsAdded: ['get', 'list'] })],
      needed: ['get', 'list'],
      added: ['get', 'list'],
    },
  ];
  it.each(cases)('$name', ({ others, needed, added }) => {
    expect(sharedEntryView(others, P1, KV)).toEqual({ neededByOthers: needed, addedByOthers: added });
  });
});

describe('planAccessPolicyGrant', () => {
  const cases: Array<{
    name: string;
    input: Parameters<typeof planAccessPolicyGrant>[0];
    expected: Partial<ReturnType<typeof planAccessPolicyGrant>>;
  }> = [
    {
      name: 'fresh entry: add everything, all of it ours',
      input: { desired: ['get'], entry: [], shared: nobody },
      expected: { add: ['get'], remove: [], permissionsAdded: ['get'], permissionsPreExisting: [] },
    },
    {
      name: 'entry already had get from a human: pre-existing, nothing to add',
      input: { desired: ['get', 'list'], entry: ['Get', 'set'], shared: nobody },
      expected: { add: ['list'], remove: [], permissionsAdded: ['list'], permissionsPreExisting: ['get'] },
    },
    {
      name: 'entry has get because another binding added it: shared, recorded as ours too',
      input: {
        desired: ['get'],
        entry: ['get'],
        shared: { neededByOthers: ['get'], addedByOthers: ['get'] },
      },
      expected: { add: [], remove: [], permissionsAdded: ['get'], permissionsPreExisting: [] },
    },
    {
      name: 'in sync with its own ledger: nothing to do',
      input: { desired: ['get'], entry: ['get'], ledger: { permissionsAdded: ['get'] }, shared: nobody },
      expected: { add: [], remove: [], permissionsAdded: ['get'], permissionsPreExisting: [] },
    },
    {
      name: 'drift: the entry was wiped, re-add what the ledger says is ours',
      input: { desired: ['get'], entry: [], ledger: { permissionsAdded: ['get'] }, shared: nobody },
      expected: { add: ['get'], permissionsAdded: ['get'], permissionsPreExisting: [] },
    },
    {
      name: 'a recorded pre-existing permission stays pre-existing while the entry has it',
      input: {
        desired: ['get'],
        entry: ['get'],
        ledger: { permissionsAdded: [], permissionsPreExisting: ['get'] },
        shared: nobody,
      },
      expected: { add: [], remove: [], permissionsAdded: [], permissionsPreExisting: ['get'] },
    },
    {
      name: 'a pre-existing permission wiped out of band is re-added and becomes ours',
      input: {
        desired: ['get'],
        entry: [],
        ledger: { permissionsAdded: [], permissionsPreExisting: ['get'] },
        shared: nobody,
      },
      expected: { add: ['get'], permissionsAdded: ['get'], permissionsPreExisting: [] },
    },
    {
      name: 'spec shrinks: remove what is no longer wanted',
      input: {
        desired: ['get'],
        entry: ['get', 'list'],
        ledger: { permissionsAdded: ['get', 'list'] },
        shared: nobody,
      },
      expected: {
        add: [],
        remove: ['list'],
        permissionsAdded: ['get'],
        intendedPermissionsAdded: ['get', 'list'],
      },
    },
    {
      // A read right after our own add may not show it yet (vault-consistency.ts): the ledger,
      // not the read, says what logicops added and must take back.
      name: 'spec shrinks while the read does not show the permission yet: still removed',
      input: {
        desired: ['get'],
        entry: ['get'],
        ledger: { permissionsAdded: ['get', 'list'] },
        shared: nobody,
      },
      expected: { add: [], remove: ['list'], permissionsAdded: ['get'] },
    },
    {
      name: 'spec shrinks but another binding needs the permission: keep it',
      input: {
        desired: ['get'],
        entry: ['get', 'list'],
        ledger: { permissionsAdded: ['get', 'list'] },
        shared: { neededByOthers: ['list'], addedByOthers: ['list'] },
      },
      expected: { remove: [], permissionsAdded: ['get'] },
    },
    {
      name: 'the write-ahead record covers old and new permissions',
      input: { desired: ['list'], entry: ['get'], ledger: { permissionsAdded: ['get'] }, shared: nobody },
      expected: { add: ['list'], remove: ['get'], intendedPermissionsAdded: ['get', 'list'] },
    },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(planAccessPolicyGrant(input)).toMatchObject(expected);
  });
});

describe('planAccessPolicyRevoke', () => {
  const cases: Array<{
    name: string;
    record: Partial<GrantRecord>;
    shared: ReturnType<typeof sharedEntryView>;
    remove: string[];
  }> = [
    {
      name: 'the only binding removes what it added',
      record: { permissionsAdded: ['get', 'list'] },
      shared: nobody,
      remove: ['get', 'list'],
    },
    {
      name: 'a permission another binding needs stays',
      record: { permissionsAdded: ['get', 'list'] },
      shared: { neededByOthers: ['get'], addedByOthers: ['get'] },
      remove: ['list'],
    },
    {
      name: 'pre-existing permissions are never removed',
      record: { permissionsAdded: ['list'], permissionsPreExisting: ['get'] },
      shared: nobody,
      remove: ['list'],
    },
    {
      name: 'a permission only a revoking binding had is removed',
      record: { permissionsAdded: ['get'] },
      shared: sharedEntryView([ledger({ phase: 'Revoking' })], P1, KV),
      remove: ['get'],
    },
    { name: 'nothing added, nothing removed', record: { permissionsAdded: [] }, shared: nobody, remove: [] },
  ];
  it.each(cases)('$name', ({ record, shared, remove }) => {
    expect(planAccessPolicyRevoke(record, shared)).toEqual(remove);
  });

  it('two bindings sharing an entry across namespaces: the last one out removes the shared permission', () => {
    const inTeamA = ledger({ permissionsAdded: ['get'] });
    const inTeamB = ledger({ permissionsAdded: ['get', 'list'] });
    // team-a's binding goes first: team-b still needs get.
    expect(planAccessPolicyRevoke(inTeamA, sharedEntryView([inTeamB], P1, KV))).toEqual([]);
    // then team-b's: nobody else is left.
    expect(planAccessPolicyRevoke(inTeamB, sharedEntryView([], P1, KV))).toEqual(['get', 'list']);
  });
});
