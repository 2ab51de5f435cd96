import { describe, expect, it } from 'vitest';
import { LedgerBook } from '../../../../src/controllers/vault-secret-binding/ledger/ledger-book.ts';
import { AccessModel, GrantPhase, type GrantRecord } from '../../../../src/crds/index.ts';
import { MemoryRecords } from '../shared/support/memory-records.ts';
import { PRINCIPAL, vaultId } from './support/world.ts';

function record(permissionsAdded: GrantRecord['permissionsAdded'], principalId = PRINCIPAL): GrantRecord {
  return {
    phase: GrantPhase.Granted,
    principalId,
    vaultId: vaultId('kv'),
    accessModel: AccessModel.AccessPolicy,
    permissionsAdded,
  };
}

const a = { namespace: 'team-a', name: 'a' };
const b = { namespace: 'team-a', name: 'b' };
const elsewhere = { namespace: 'team-b', name: 'a' };

describe('LedgerBook over the operator records', () => {
  it("lists every other binding's ledger, across namespaces, and not the binding's own", async () => {
    const memory = new MemoryRecords();
    memory.seed('grant', a, record(['get']));
    memory.seed('grant', b, record(['list']));
    memory.seed('grant', elsewhere, record(['get', 'list']));
    const ledgers = new LedgerBook(memory.records);
    expect(ledgers.of(a)?.permissionsAdded).toEqual(['get']);
    expect(ledgers.othersGranting(a, PRINCIPAL).map((r) => r.permissionsAdded)).toEqual([
      ['list'],
      ['get', 'list'],
    ]);
  });

  it('lists only the ledgers granting the principal asked about, whatever its casing, own writes included', async () => {
    const memory = new MemoryRecords([], { lagging: true });
    const other = '99999999-9999-4999-8999-999999999999';
    memory.seed('grant', b, record(['get']));
    memory.seed('grant', elsewhere, record(['list'], other));
    const ledgers = new LedgerBook(memory.records);
    await ledgers.write({ namespace: 'team-c', name: 'c' }, record(['get', 'list'], other.toUpperCase()));
    expect(ledgers.othersGranting(a, PRINCIPAL.toUpperCase()).map((r) => r.permissionsAdded)).toEqual([
      ['get'],
    ]);
    expect(
      ledgers
        .othersGranting(a, other)
        .map((r) => r.permissionsAdded)
        .sort(),
    ).toEqual([['get', 'list'], ['list']]);
    // A record re-written for another principal leaves the first one's answer.
    await ledgers.write(b, record(['get'], other));
    expect(ledgers.othersGranting(a, PRINCIPAL)).toEqual([]);
  });

  it('shows its own last write while the cache lags behind it, then the cache again once it caught up', async () => {
    const memory = new MemoryRecords([], { lagging: true });
    memory.seed('grant', b, record(['get']));
    const ledgers = new LedgerBook(memory.records);
    await ledgers.write(b, record(['get', 'list']));
    await ledgers.write(a, record(['get']));
    // The cache has not heard of either write: our own writes win.
    expect(ledgers.othersGranting(a, PRINCIPAL).map((r) => r.permissionsAdded)).toEqual([['get', 'list']]);
    expect(ledgers.of(a)?.permissionsAdded).toEqual(['get']);
    await ledgers.write(b, undefined);
    expect(ledgers.othersGranting(a, PRINCIPAL)).toEqual([]);
    memory.deliver();
    // Caught up: the same answers, now from the cache.
    expect(ledgers.othersGranting(a, PRINCIPAL)).toEqual([]);
    expect(ledgers.of(a)?.permissionsAdded).toEqual(['get']);
    expect(memory.payload('grant', 'team-a', 'b')).toBeUndefined();
  });

  it('counts a removal of a record the cache never saw as done, and a second removal as done too', async () => {
    const memory = new MemoryRecords();
    const ledgers = new LedgerBook(memory.records);
    await ledgers.write(a, undefined);
    await ledgers.write(a, undefined);
    expect(ledgers.of(a)).toBeUndefined();
  });
});
