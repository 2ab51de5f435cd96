// One read of a vault (and of a secret's existence) shared by every binding of that vault that
// looks within a few seconds AS THE SAME AZURE ACTOR: a burst of N bindings on one vault —
// creation, or a resync that brings them due together — costs one `vaults/read` per actor instead
// of N (or 3N before: observe, the re-read under the lock, the quota count). Concurrent callers of
// one actor share the read in flight.
//
// The same holds for the vault's role assignments (RBAC mode): one listing of every assignment
// at, above and below the vault (all pages) serves the resync of each of its bindings of that
// actor, instead of one GET per binding.
//
// Why per actor (issue 23): each namespace may act as its own identity (azure/actor.ts). A read
// made by another namespace's identity may show what this one may not see — an identity with no
// role on the vault would decide from another's read instead of getting AuthorizationFailed — and
// every ARM call of a namespace must be made by its own principal. Namespaces sharing an actor
// (every namespace without its own credential acts as the operator) still share one read.
//
// What a cached read may decide: observation (access model, secret URI, whether the secret
// exists) and "nothing to do" for a binding whose recorded grant the vault (or the listing)
// still shows. Any write or ledger change re-reads under the vault lock (`fresh`, or the GET of
// the assignment in rbac-grant.ts). Our own writes invalidate the vault's entries of EVERY actor
// (our deletes of role assignments, its listings) — Azure changed whoever wrote — and a read that
// was in flight during one of them is not kept, whoever made it.
//
// Every caller gets the same deep-frozen value, not a copy: a vault with 250 access policies is
// ~110 KiB of objects, and a copy per binding pass made a resync of 2,500 bindings allocate
// ~270 MiB a minute, enough garbage to keep the old generation compacting (docs/benchmark.md,
// "Fifth issue-12 pass").
import {
  normalizeResourceId,
  type ObservedVault,
  type RoleAssignment,
  type RoleAssignmentGateway,
  type VaultGateway,
  type VaultRef,
} from '../../../azure/index.ts';
import { type DeepReadonly, deepFreeze } from '../../../runtime/deep-freeze.ts';
import type { Clock } from '../../../runtime/index.ts';
import { ReadsByActor } from '../../shared/reads-by-actor.ts';

export const DEFAULT_VAULT_READ_TTL_MS = 5_000;

interface Entry<T> {
  at: number;
  value: DeepReadonly<T>;
}

export type SharedVault = DeepReadonly<ObservedVault>;
export type SharedRoleAssignments = DeepReadonly<RoleAssignment[]>;

/** Entries are pruned once the maps hold more than this many (expired ones only). */
const PRUNE_ABOVE = 512;

export class VaultReads {
  /** vault id → actor key → read. */
  private readonly vaults = new ReadsByActor<Entry<ObservedVault | undefined>>();
  /** `<vault id>|<secret name>` → actor key → "exists". */
  private readonly secrets = new ReadsByActor<Entry<boolean>>();
  /** vault id → actor key → listing. */
  private readonly assignments = new ReadsByActor<Entry<RoleAssignment[]>>();
  /** Reads in flight, by what is read and who reads it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /**
   * Bumped by every write we make to a vault (key: the vault id), or by every role assignment we
   * delete under it (key: `assignments|<vault id>`), whichever actor made it: reads started
   * before it are not cached, whichever actor made them.
   */
  private readonly epochs = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = DEFAULT_VAULT_READ_TTL_MS,
  ) {}

  /** The vault as `actor` read it within the TTL, or read now (shared with its concurrent callers). */
  vault(
    /** AzureActor.key of who reads; `gateway` must act as that actor. */
    actor: string,
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    signal: AbortSignal,
  ): Promise<SharedVault | undefined> {
    const key = normalizeResourceId(vaultId);
    const cached = this.live(this.vaults, key, actor);
    if (cached) return Promise.resolve(cached.value);
    return this.shared(`vault|${key}|${actor}`, key, this.vaults, key, actor, () =>
      gateway.get(ref, { signal }),
    );
  }

  /** Reads the vault now as `actor` (never from the cache): for decisions that lead to a write. */
  async fresh(
    actor: string,
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    signal: AbortSignal,
  ): Promise<SharedVault | undefined> {
    const key = normalizeResourceId(vaultId);
    const epoch = this.epochs.get(key) ?? 0;
    const startedAt = this.clock.now();
    const vault = deepFreeze(await gateway.get(ref, { signal }));
    if ((this.epochs.get(key) ?? 0) === epoch) this.store(this.vaults, key, actor, startedAt, vault);
    return vault;
  }

  /**
   * A read of the vault by `actor` that started after `sinceMs` (and after our last write to it),
   * or a read now. For write decisions: with `sinceMs` the start of the deciding pass, the read
   * shows every change made before that pass began — such as a permission a person added just
   * before applying the binding — so it is as good as a read of the pass's own. A vault's bindings
   * woken together and planning one after another under the lock then share one read (issue 12).
   */
  startedAfter(
    actor: string,
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    signal: AbortSignal,
    sinceMs: number,
  ): Promise<SharedVault | undefined> {
    const entry = this.vaults.get(normalizeResourceId(vaultId), actor);
    if (entry && entry.at > sinceMs) return Promise.resolve(entry.value);
    return this.fresh(actor, gateway, vaultId, ref, signal);
  }

  /** Whether the secret exists, as `actor` read it within the TTL (the value is never read). */
  secretExists(
    actor: string,
    gateway: VaultGateway,
    vaultId: string,
    ref: VaultRef,
    secretName: string,
    signal: AbortSignal,
    /** Skip the kept answer (a reconcile request). */
    fresh = false,
  ): Promise<boolean> {
    const vaultKey = normalizeResourceId(vaultId);
    const key = `${vaultKey}|${secretName.toLowerCase()}`;
    if (fresh) this.secrets.delete(key, actor);
    const cached = this.live(this.secrets, key, actor);
    if (cached) return Promise.resolve(cached.value);
    // Only "exists" is kept: a missing secret is being waited for, and each look must be new.
    return this.shared(`secret|${key}|${actor}`, vaultKey, this.secrets, key, actor, () =>
      gateway.secretExists(ref, secretName, { signal }),
    ).then((exists) => {
      if (!exists) this.secrets.delete(key, actor);
      return exists;
    });
  }

  /**
   * Every role assignment at, above or below the vault, as `actor` listed it within the TTL or
   * lists it now (shared with its concurrent callers). Observation only: enough to see that a
   * recorded assignment is still there, never to decide a write.
   */
  roleAssignments(
    actor: string,
    gateway: RoleAssignmentGateway,
    vaultId: string,
    signal: AbortSignal,
  ): Promise<SharedRoleAssignments> {
    const key = normalizeResourceId(vaultId);
    const cached = this.live(this.assignments, key, actor);
    if (cached) return Promise.resolve(cached.value);
    return this.shared(
      `assignments|${key}|${actor}`,
      `assignments|${key}`,
      this.assignments,
      key,
      actor,
      () => gateway.listAround(vaultId, { signal }),
    );
  }

  /**
   * Call after we delete a role assignment under the vault (as any actor): no actor's cached
   * listing holds any more. (A create needs no call: a listing that misses a new assignment only
   * sends the binding to the locked path, which reads the assignment itself.)
   */
  deletedRoleAssignment(vaultId: string): void {
    const key = normalizeResourceId(vaultId);
    const epochKey = `assignments|${key}`;
    this.epochs.set(epochKey, (this.epochs.get(epochKey) ?? 0) + 1);
    this.assignments.forget(key);
  }

  /** Call after every write to the vault (as any actor): no actor's cached read holds any more. */
  wrote(vaultId: string): void {
    const key = normalizeResourceId(vaultId);
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
    this.vaults.forget(key);
  }

  private live<T>(reads: ReadsByActor<Entry<T>>, key: string, actor: string): Entry<T> | undefined {
    const entry = reads.get(key, actor);
    if (!entry) return undefined;
    if (this.clock.now() - entry.at < this.ttlMs) return entry;
    reads.delete(key, actor);
    return undefined;
  }

  private shared<T>(
    flightKey: string,
    /** The epoch that invalidates this read (see `epochs`). */
    epochKey: string,
    reads: ReadsByActor<Entry<T>>,
    key: string,
    actor: string,
    read: () => Promise<T>,
  ): Promise<DeepReadonly<T>> {
    const running = this.inFlight.get(flightKey) as Promise<DeepReadonly<T>> | undefined;
    if (running) return running;
    const epoch = this.epochs.get(epochKey) ?? 0;
    const startedAt = this.clock.now();
    const promise = read()
      .then((result) => {
        const value = deepFreeze(result);
        if ((this.epochs.get(epochKey) ?? 0) === epoch) this.store(reads, key, actor, startedAt, value);
        return value;
      })
      .finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, promise);
    return promise;
  }

  private store<T>(
    reads: ReadsByActor<Entry<T>>,
    key: string,
    actor: string,
    at: number,
    value: DeepReadonly<T>,
  ): void {
    reads.set(key, actor, { at, value });
    if (reads.size <= PRUNE_ABOVE) return;
    reads.prune((entry) => this.clock.now() - entry.at >= this.ttlMs);
  }
}
