// Coalesced access-policy adds (issue 12): bindings granting on the same vault send ONE
// `accessPolicies/add` carrying every pending principal's permissions, instead of one write per
// binding. Key Vault merges each entry into its principal's entry, so the batch means exactly
// what the separate adds meant.
//
// How it fits the vault lock: a binding plans and records its write-ahead ledger (Intended)
// under the lock, submits its addition here and releases the lock; the flush of the vault's
// batch is itself queued on the lock, so it runs after every binding that was already waiting
// to plan — and their additions ride along. Each binding waits for the flush that carries its
// addition and only then records Granted, so the ledger stays exact. Additions submitted while a
// flush runs go into the next one. A failed flush fails every binding in it (each retries).
import {
  type AccessPolicyPrincipal,
  normalizeResourceId,
  type VaultGateway,
  type VaultRef,
} from '../../azure/index.ts';
import { normalizePermissions } from './permissions-math.ts';
import type { VaultLocks } from './vault-lock.ts';

/** Entries per `accessPolicies/add` request; the rest go in the next one. */
export const MAX_ENTRIES_PER_ADD = 100;

interface Addition {
  principal: AccessPolicyPrincipal;
  permissions: readonly string[];
  signal: AbortSignal;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface VaultQueue {
  gateway: VaultGateway;
  ref: VaultRef;
  vaultId: string;
  pending: Addition[];
  flushQueued: boolean;
}

export class AccessPolicyBatches {
  private readonly queues = new Map<string, VaultQueue>();
  /** Writes sent (for tests and diagnostics). */
  writes = 0;

  constructor(
    private readonly locks: VaultLocks,
    /** Told right after every write attempt (shared reads of that vault no longer hold). */
    private readonly wrote: (vaultId: string) => void = () => undefined,
  ) {}

  /**
   * Adds `permissions` to the principal's entry in the vault's next batched write. Resolves once
   * that write succeeded; rejects with its error, or when `signal` aborts first. Call it while
   * holding the vault lock, and await the result only after releasing it.
   */
  add(
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    principal: AccessPolicyPrincipal,
    permissions: readonly string[],
    signal: AbortSignal,
  ): Promise<void> {
    const key = normalizeResourceId(vaultId);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { gateway, ref, vaultId, pending: [], flushQueued: false };
      this.queues.set(key, queue);
    }
    const done = new Promise<void>((resolve, reject) => {
      queue.pending.push({ principal, permissions, signal, resolve, reject });
    });
    if (!queue.flushQueued) {
      queue.flushQueued = true;
      void this.locks.withVault(vaultId, () => this.flush(key));
    }
    return abortable(done, signal);
  }

  /** Principals with an addition waiting for the vault's next write (quota counts them). */
  pendingPrincipals(vaultId: string): string[] {
    const queue = this.queues.get(normalizeResourceId(vaultId));
    return (queue?.pending ?? []).map((addition) => addition.principal.objectId.toLowerCase());
  }

  private async flush(key: string): Promise<void> {
    const queue = this.queues.get(key);
    if (!queue) return;
    const batch = queue.pending.splice(0, MAX_ENTRIES_PER_ADD);
    queue.flushQueued = false;
    if (queue.pending.length > 0) {
      queue.flushQueued = true;
      void this.locks.withVault(queue.vaultId, () => this.flush(key));
    } else {
      this.queues.delete(key);
    }
    const live = batch.filter((addition) => !addition.signal.aborted);
    if (live.length === 0) return;
    // The shared write is cancelled only when every binding waiting for it gave up.
    const abort = new AbortController();
    let gaveUp = 0;
    for (const addition of live) {
      addition.signal.addEventListener(
        'abort',
        () => {
          gaveUp += 1;
          if (gaveUp === live.length) abort.abort(addition.signal.reason);
        },
        { once: true },
      );
    }
    try {
      this.writes += 1;
      await queue.gateway.addAccessPolicies(queue.ref, mergeByPrincipal(live), { signal: abort.signal });
      for (const addition of live) addition.resolve();
    } catch (error) {
      for (const addition of live) addition.reject(error);
    } finally {
      this.wrote(queue.vaultId);
    }
  }
}

/** One entry per principal, with the union of the permissions its bindings asked for. */
export function mergeByPrincipal(
  additions: ReadonlyArray<Pick<Addition, 'principal' | 'permissions'>>,
): Array<{ principal: AccessPolicyPrincipal; secretPermissions: string[] }> {
  const merged = new Map<string, { principal: AccessPolicyPrincipal; permissions: string[] }>();
  for (const { principal, permissions } of additions) {
    const key = `${principal.tenantId.toLowerCase()}|${principal.objectId.toLowerCase()}`;
    const entry = merged.get(key) ?? { principal, permissions: [] };
    entry.permissions.push(...permissions);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ principal, permissions }) => ({
    principal,
    secretPermissions: normalizePermissions(permissions),
  }));
}

function abortable(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
