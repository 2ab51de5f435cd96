// Every binding's grant ledger as this controller knows it. The cache alone can lag behind our
// own status writes by a moment; a binding revoking a shared access-policy entry in that moment
// would not see the grant another binding has just recorded. So each ledger this controller
// writes is remembered here (by uid) and wins over the cached copy: only this controller writes
// status.grant, so its own last write is never older than the cache.

import type { GrantRecord, VaultSecretBinding } from '../../crds/index.ts';
import type { WatchedSource } from '../../runtime/index.ts';

export class LedgerBook {
  /** uid → the grant last written (null: cleared). */
  private readonly written = new Map<string, GrantRecord | null>();

  constructor(private readonly bindings: WatchedSource<VaultSecretBinding>) {}

  remember(uid: string | undefined, grant: GrantRecord | undefined): void {
    if (uid) this.written.set(uid, grant ? structuredClone(grant) : null);
  }

  /** The ledgers of every binding in the cache except `uid` (all watched namespaces). */
  othersThan(uid: string | undefined): GrantRecord[] {
    const records: GrantRecord[] = [];
    const bindings = this.bindings.list();
    for (const binding of bindings) {
      const id = binding.metadata.uid ?? '';
      if (id === uid) continue;
      const record = this.written.has(id) ? this.written.get(id) : binding.status?.grant;
      if (record) records.push(record as GrantRecord);
    }
    // Forget bindings that are gone, so the map does not grow forever. Only when it holds more
    // than the cache: every binding pass asks, and a set of every uid per pass was ~150 KiB of
    // garbage at 2,500 bindings.
    if (this.written.size > bindings.length) this.forgetAllBut(bindings, uid);
    return records;
  }

  private forgetAllBut(bindings: readonly VaultSecretBinding[], uid: string | undefined): void {
    const present = new Set(bindings.map((binding) => binding.metadata.uid ?? ''));
    for (const id of this.written.keys()) if (!present.has(id) && id !== uid) this.written.delete(id);
  }
}
