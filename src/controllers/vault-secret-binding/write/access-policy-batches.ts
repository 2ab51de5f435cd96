// Coalesced access-policy adds (issues 9 and 12): bindings granting on the same vault send ONE
// `accessPolicies/add` carrying every pending principal's permissions, instead of one write per
// binding. Key Vault merges each entry into its principal's entry, so the batch means exactly
// what the separate adds meant.
//
// A binding plans and records its write-ahead ledger (Intended) under the vault lock, hands its
// addition here and ends its pass ("waiting for the vault's write"), so its worker is free for
// the next binding: a batch is not bounded by the number of workers. When the write settles,
// every binding in it is enqueued again (`settled`); its next pass finds the entry in Azure and
// records Granted, or rethrows the write's failure (`takeResult`) so it is classified as usual.
//
// The batch seals as late as possible, so that bindings arriving while a write waits join it:
//   1. gather: wait until no addition arrived for `quietMs` (at most `maxWaitMs` after the first);
//      and while more of the vault's bindings are on their way (`expectedAdditions`: their
//      workflow's principal is about to appear), keep gathering, up to `backlogMaxWaitMs` after
//      the first. Bindings become grantable one by one as their workflows are created, often
//      further apart than `quietMs`; without this, a bulk apply writes once per binding. Once
//      those still expected are few next to those waiting (`SEAL_WHEN_PENDING_REACHES`), the
//      batch seals without them: the waiting bindings become Ready now, and the stragglers
//      follow in one small write, instead of everyone waiting for the last workflow;
//   2. the gateway waits for the ARM write budget and the leader fence, and only then calls the
//      composer (vault-gateway.ts `AccessPolicyAdditions`);
//   3. the composer takes the vault lock, and while other bindings are queued on that lock (they
//      may be about to plan an add) it lets them go first — until `maxWaitMs` has passed;
//   4. it takes every pending addition (up to MAX_ENTRIES_PER_ADD) and the request goes out,
//      still under the lock, which is released when the write settles (no 409 from ourselves).
import type {
  AccessPolicyAddition,
  AccessPolicyPrincipal,
  VaultGateway,
  VaultRef,
} from '../../../azure/index.ts';
import { normalizeResourceId } from '../../../azure/index.ts';
import type { Clock } from '../../../runtime/index.ts';
import { normalizePermissions } from '../plan/permissions-math.ts';
import type { VaultLocks } from './vault-lock.ts';

/** Entries per `accessPolicies/add` request; the rest go in the next one. */
export const MAX_ENTRIES_PER_ADD = 100;

export interface BatchTiming {
  /** The batch seals once no addition arrived for this long. */
  quietMs: number;
  /** ... or this long after its first addition, whichever comes first. */
  maxWaitMs: number;
  /** While more of the vault's bindings are expected, gather up to this long after the first addition. */
  backlogMaxWaitMs: number;
}

/**
 * 200 ms of quiet adds at most that to a lone binding's time to Ready; a burst (a Flux apply, a
 * namespace of bindings) keeps arriving faster than that and is written once, within 2 s. A
 * bulk apply whose workflows are still being created holds each vault's add up to 30 s, so
 * 100 bindings on a vault cost a handful of writes rather than 100 (issue 12).
 */
export const DEFAULT_BATCH_TIMING: BatchTiming = { quietMs: 200, maxWaitMs: 2_000, backlogMaxWaitMs: 30_000 };

/**
 * A gathering batch seals, even though more additions are expected, once it holds this many
 * times as many as are still expected. At the end of a bulk apply the last write then carries
 * only the stragglers (about a fifth of what the write before it carried), so few bindings
 * wait for the last workflows and then for their own status writes all at once. It costs at
 * most one write per vault more per bulk apply (issue 12: ≤ 0.05 writes per binding at 100 a vault).
 */
export const SEAL_WHEN_PENDING_REACHES = 4;

/** The binding an addition belongs to: `uid` identifies it, `key` re-enqueues it. */
export interface BatchOwner {
  uid: string;
  key: string;
}

/** What a binding's next pass learns about the write that carried its addition. */
export type BatchResult<E> = { ok: true; event: E | undefined } | { ok: false; error: unknown };

interface Addition<E> {
  owner: BatchOwner;
  principal: AccessPolicyPrincipal;
  permissions: readonly string[];
  /** Announced by the binding once it records Granted (e.g. its Granted/GrantRestored Event). */
  event: E | undefined;
}

interface VaultBatch<E> {
  gateway: VaultGateway;
  ref: VaultRef;
  vaultId: string;
  pending: Array<Addition<E>>;
  firstAt: number;
  lastAt: number;
}

export interface AccessPolicyBatchesOptions {
  clock: Clock;
  timing?: BatchTiming;
  /** Told right after every write attempt (shared reads of that vault no longer hold). */
  wrote?: (vaultId: string) => void;
  /**
   * How many more of the vault's bindings are expected to add soon (the controller knows them
   * from its cache). Asked once the quiet window has passed; default: none.
   */
  expectedAdditions?: (vaultId: string) => number;
  /** Told the keys of the bindings whose write settled (the controller enqueues them). */
  settled?: (keys: string[]) => void;
}

export class AccessPolicyBatches<E = unknown> {
  private readonly batches = new Map<string, VaultBatch<E>>();
  /** uid → a waiter per addition not yet settled (pending or in flight). */
  private readonly inFlight = new Map<string, { done: Promise<void>; settle: () => void }>();
  private readonly results = new Map<string, BatchResult<E>>();
  private readonly timing: BatchTiming;
  /** Writes sent (for tests and diagnostics). */
  writes = 0;

  constructor(
    private readonly locks: VaultLocks,
    private readonly options: AccessPolicyBatchesOptions,
  ) {
    this.timing = options.timing ?? DEFAULT_BATCH_TIMING;
  }

  /**
   * Queues `permissions` for the principal's entry in the vault's next write. Call it holding
   * the vault lock, after the Intended ledger is recorded; the binding learns the outcome on
   * its next pass (`takeResult`).
   */
  add(
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    owner: BatchOwner,
    principal: AccessPolicyPrincipal,
    permissions: readonly string[],
    event?: E,
    /** Who writes (issue 23): additions of different identities never share a write. */
    actorKey = '',
  ): void {
    const key = `${actorKey}\u0000${normalizeResourceId(vaultId)}`;
    const now = this.options.clock.now();
    let batch = this.batches.get(key);
    const start = !batch;
    if (!batch) {
      batch = { gateway, ref, vaultId, pending: [], firstAt: now, lastAt: now };
      this.batches.set(key, batch);
    }
    if (batch.pending.length === 0) batch.firstAt = now;
    batch.lastAt = now;
    batch.pending.push({ owner, principal, permissions, event });
    this.results.delete(owner.uid);
    if (!this.inFlight.has(owner.uid)) {
      let settle!: () => void;
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.inFlight.set(owner.uid, { done, settle });
    }
    if (start) void this.drain(key, batch);
  }

  /** Whether the binding has an addition not yet written (queued or in flight). */
  isPending(uid: string): boolean {
    return this.inFlight.has(uid);
  }

  /** Settles when the binding's addition was written or failed; undefined when none is pending. */
  whenSettled(uid: string): Promise<void> | undefined {
    return this.inFlight.get(uid)?.done;
  }

  /** Whether a settled write's outcome waits for the binding's next pass. */
  hasResult(uid: string): boolean {
    return this.results.has(uid);
  }

  /** The outcome of the write that carried the binding's last addition, once (then forgotten). */
  takeResult(uid: string): BatchResult<E> | undefined {
    const result = this.results.get(uid);
    this.results.delete(uid);
    return result;
  }

  /** Principals with an addition waiting for the vault's next write (quota counts them). */
  pendingPrincipals(vaultId: string): string[] {
    const vault = normalizeResourceId(vaultId);
    return [...this.batches.values()]
      .filter((batch) => normalizeResourceId(batch.vaultId) === vault)
      .flatMap((batch) => batch.pending.map((addition) => addition.principal.objectId.toLowerCase()));
  }

  /** Writes the vault's batches one after another until nothing is pending. */
  private async drain(key: string, batch: VaultBatch<E>): Promise<void> {
    try {
      while (batch.pending.length > 0) {
        await this.gather(batch);
        await this.write(batch);
      }
    } finally {
      this.batches.delete(key);
    }
  }

  private async gather(batch: VaultBatch<E>): Promise<void> {
    const { clock } = this.options;
    const { quietMs, maxWaitMs, backlogMaxWaitMs } = this.timing;
    for (;;) {
      const now = clock.now();
      let wait = Math.min(batch.lastAt + quietMs, batch.firstAt + maxWaitMs) - now;
      if (wait <= 0 && now < batch.firstAt + backlogMaxWaitMs && this.worthWaitingFor(batch)) {
        // Look again after another quiet window, never past the backlog limit.
        wait = Math.min(quietMs, batch.firstAt + backlogMaxWaitMs - now);
      }
      if (wait <= 0) return;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
    }
  }

  /** Whether the additions still expected are many enough, next to those pending, to wait for. */
  private worthWaitingFor(batch: VaultBatch<E>): boolean {
    let expected: number;
    try {
      expected = this.options.expectedAdditions?.(batch.vaultId) ?? 0;
    } catch {
      return false; // a broken estimate must not hold a write back
    }
    return expected > 0 && batch.pending.length < SEAL_WHEN_PENDING_REACHES * expected;
  }

  private async write(batch: VaultBatch<E>): Promise<void> {
    let release: (() => void) | undefined;
    let sent: Array<Addition<E>> | undefined;
    const compose = async (): Promise<AccessPolicyAddition[]> => {
      release = await this.sealingLock(batch);
      sent = batch.pending.splice(0, MAX_ENTRIES_PER_ADD);
      batch.firstAt = this.options.clock.now();
      if (sent.length > 0) this.writes += 1;
      return mergeByPrincipal(sent);
    };
    try {
      await batch.gateway.addAccessPolicies(batch.ref, compose);
      this.settle(sent ?? [], undefined);
    } catch (error) {
      // Refused before composing (fenced, budget wait aborted): nothing was taken, so the
      // whole queue fails with it rather than spinning.
      this.settle(sent ?? batch.pending.splice(0), error);
    } finally {
      release?.();
      this.options.wrote?.(batch.vaultId);
    }
  }

  /** The vault lock, once no binding is queued on it any more (or the batch waited long enough). */
  private async sealingLock(batch: VaultBatch<E>): Promise<() => void> {
    for (;;) {
      const release = await this.locks.acquire(batch.vaultId);
      const overdue = this.options.clock.now() >= batch.firstAt + this.timing.maxWaitMs;
      if (overdue || this.locks.waiting(batch.vaultId) === 0) return release;
      // Those queued may be about to plan an add: let them, then seal (we queue behind them).
      release();
    }
  }

  private settle(additions: ReadonlyArray<Addition<E>>, error: unknown): void {
    const keys: string[] = [];
    for (const addition of additions) {
      const { uid, key } = addition.owner;
      this.results.set(uid, error === undefined ? { ok: true, event: addition.event } : { ok: false, error });
      this.inFlight.get(uid)?.settle();
      this.inFlight.delete(uid);
      keys.push(key);
    }
    if (keys.length > 0) this.options.settled?.(keys);
  }
}

/** One entry per principal, with the union of the permissions its bindings asked for. */
export function mergeByPrincipal(
  additions: ReadonlyArray<{ principal: AccessPolicyPrincipal; permissions: readonly string[] }>,
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
