import { describe, expect, it } from 'vitest';
import { LedgerBook } from '../../../../src/controllers/vault-secret-binding/ledger-book.ts';
import {
  AccessModel,
  GrantPhase,
  type GrantRecord,
  type VaultSecretBinding,
} from '../../../../src/crds/index.ts';
import { ListSource, PRINCIPAL, vaultId } from './support/world.ts';

function record(permissionsAdded: GrantRecord['permissionsAdded']): GrantRecord {
  return {
    phase: GrantPhase.Granted,
    principalId: PRINCIPAL,
    vaultId: vaultId('kv'),
    accessModel: AccessModel.AccessPolicy,
    permissionsAdded,
  };
}

function binding(uid: string, grant?: GrantRecord): VaultSecretBinding {
  return {
    metadata: { name: uid, namespace: 'team-a', uid },
    status: grant ? { grant } : {},
  } as VaultSecretBinding;
}

/** A LedgerBook over a cache the test edits in place. */
function book(...initial: VaultSecretBinding[]) {
  const cache = [...initial];
  const ledgers = new LedgerBook(
    new ListSource(() => cache.map((b): [string, VaultSecretBinding] => [b.metadata.uid ?? '', b])),
  );
  return { cache, ledgers };
}

describe('LedgerBook', () => {
  it("lists every other binding's ledger, and our own last write wins over the cache's copy", () => {
    const { ledgers } = book(binding('a', record(['get'])), binding('b', record(['list'])), binding('c'));
    ledgers.remember('b', record(['get', 'list']));
    expect(ledgers.othersThan('a').map((r) => r.permissionsAdded)).toEqual([['get', 'list']]);
    ledgers.remember('a', undefined);
    expect(ledgers.othersThan('b')).toEqual([]);
  });

  it('forgets the writes of bindings that left the cache once it remembers more than the cache holds', () => {
    const { cache, ledgers } = book(binding('a'), binding('b'));
    ledgers.remember('b', record(['get']));
    cache.splice(1, 1); // b is deleted: one remembered write, one cached binding — kept for now
    expect(ledgers.othersThan('a')).toEqual([]);
    cache.push(binding('b', record(['list'])));
    expect(ledgers.othersThan('a').map((r) => r.permissionsAdded)).toEqual([['get']]);
    ledgers.remember('a', record(['get']));
    cache.splice(0); // both gone: two remembered, none cached — both forgotten
    expect(ledgers.othersThan(undefined)).toEqual([]);
    cache.push(binding('a', record(['get', 'list'])), binding('b', record(['list'])));
    expect(ledgers.othersThan(undefined).map((r) => r.permissionsAdded)).toEqual([['get', 'list'], ['list']]);
  });
});
