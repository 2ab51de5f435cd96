// One writer at a time per vault, in this process (DESIGN.md guarantee 3). Key Vault answers
// 409 to concurrent writes, and the shared-entry arithmetic is only right when the read of the
// entry, the ledger write and the Azure write of one binding are not interleaved with another
// binding's on the same vault. Across replicas, leader election keeps one writer.
import { normalizeResourceId } from '../../azure/index.ts';

export class VaultLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of the same vault's lock has finished. */
  async withVault<T>(vaultId: string, work: () => Promise<T>): Promise<T> {
    const key = normalizeResourceId(vaultId);
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last holder leaves no entry behind, so the map does not grow with every vault ever seen.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Vaults with a holder or waiters (for tests and diagnostics). */
  get busyVaults(): number {
    return this.tails.size;
  }
}
