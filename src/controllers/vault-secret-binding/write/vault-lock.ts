// One writer at a time per vault, in this process (docs/design.md guarantee 3). Key Vault answers
// 409 to concurrent writes, and the shared-entry arithmetic is only right when the read of the
// entry, the ledger write and the Azure write of one binding are not interleaved with another
// binding's on the same vault. Across replicas, leader election keeps one writer.
//
// Per vault, not per Azure actor (issue 23), on purpose: Key Vault's 409 comes from concurrent
// writes to the vault whoever sends them, and a shared access-policy entry (a user-assigned
// identity bound from two namespaces) is one entry whichever namespace's identity writes it. So
// bindings of different namespaces on one vault still take turns, as do their coalesced writes
// (access-policy-batches.ts batches per actor and vault, and each batch takes this lock).
import { normalizeResourceId } from '../../../azure/index.ts';

interface VaultQueue {
  /** Settles when the last holder or waiter so far has released. */
  tail: Promise<void>;
  /** The holder plus everyone queued behind it. */
  entrants: number;
}

export class VaultLocks {
  private readonly queues = new Map<string, VaultQueue>();

  /** Runs `work` once every earlier holder of the same vault's lock has finished. */
  async withVault<T>(vaultId: string, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(vaultId);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * Waits for the vault's lock and returns its release (idempotent). For holders whose work
   * does not fit one callback: the coalesced access-policy write takes the lock only once its
   * ARM budget token is in hand (access-policy-batches.ts).
   */
  async acquire(vaultId: string): Promise<() => void> {
    const key = normalizeResourceId(vaultId);
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), entrants: 0 };
    this.queues.set(key, queue);
    queue.entrants += 1;
    const previous = queue.tail;
    let open!: () => void;
    const mine = new Promise<void>((resolve) => {
      open = resolve;
    });
    queue.tail = previous.then(() => mine);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      queue.entrants -= 1;
      open();
      // The last one out leaves no entry behind, so the map does not grow with every vault ever seen.
      if (queue.entrants === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    };
  }

  /** How many are queued behind the current holder of the vault's lock. */
  waiting(vaultId: string): number {
    const queue = this.queues.get(normalizeResourceId(vaultId));
    return queue ? Math.max(0, queue.entrants - 1) : 0;
  }

  /** Vaults with a holder or waiters (for tests and diagnostics). */
  get busyVaults(): number {
    return this.queues.size;
  }
}
