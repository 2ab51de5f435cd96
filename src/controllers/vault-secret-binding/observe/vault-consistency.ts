// Key Vault's control plane is eventually consistent: for a while after an access-policy write,
// a read of the vault may still show it as it was before, and a remove sent in that while may
// act on that older state — so a revoke right after a grant can leave the permission behind, and
// a single read afterwards cannot tell. Terraform's azurerm provider answers this by reading the
// vault after every access-policy write until three consecutive reads, 5 s apart, agree
// (hashicorp/terraform-provider-azurerm PR #9125, key_vault_access_policy_resource.go:
// `Delay: 5 * time.Second, ContinuousTargetOccurence: 3`). logicops does the same where a
// decision depends on it, without holding a worker: each read is a pass of its own, requeued
// `intervalMs` after the previous one (removal-confirmation.ts).
//
// It is needed only while reads may still lag a write of ours: within `reads × intervalMs` of our
// last access-policy write to the vault — or of this process's start, since an earlier process's
// writes are unknown. A grant older than that is in every read, and its revoke needs no wait.
//
// Kept per vault, not per Azure actor (issue 23), on purpose: the lag is the vault's — a write by
// one namespace's identity may be missing from the next read by any identity, another
// namespace's included — so a write of ours, whoever made it, opens the window for every reader
// of the vault. Keyed per actor, a revoke right after another identity's write to the same vault
// would trust a single read that may predate that write. Nothing here is an Azure answer that
// one actor could be served instead of another: only when we wrote and what reads agreed on, and
// the reads themselves are each actor's own (vault-reads.ts).
import { normalizeResourceId } from '../../../azure/index.ts';
import type { Clock } from '../../../runtime/index.ts';
import { WaitingError } from '../../shared/frame/outcome.ts';

export interface ConsistentReads {
  /** Consecutive reads that must agree; 0: no confirmation. */
  reads: number;
  /** Time between two of them. */
  intervalMs: number;
}

/** Terraform's azurerm provider: three consecutive reads, 5 s apart. */
export const DEFAULT_CONSISTENT_READS: ConsistentReads = { reads: 3, intervalMs: 5_000 };

/** Reads after which a confirmation gives up (and says so in an Event) rather than wait forever. */
export const MAX_CHECKS_PER_READ = 4;

interface Agreement {
  /** What the reads must agree on (e.g. the permissions removed), as one comparable string. */
  subject: string;
  agreeing: number;
  checks: number;
  lastAt: number;
}

export type AgreementVerdict = 'agreed' | 'waiting' | 'gaveUp';

export class VaultConsistency {
  readonly #lastWrite = new Map<string, number>();
  readonly #addedFor = new Map<string, { vault: string; at: number }>();
  readonly #agreements = new Map<string, Agreement>();
  readonly #startedAt: number;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    readonly settings: ConsistentReads = DEFAULT_CONSISTENT_READS,
  ) {
    this.#startedAt = clock.now();
  }

  /** How long after a write reads may still lag it, as far as logicops waits for them. */
  get horizonMs(): number {
    return this.settings.reads * this.settings.intervalMs;
  }

  /** Call after every access-policy write of ours to the vault, whichever actor made it. */
  wrote(vaultId: string): void {
    this.#lastWrite.set(normalizeResourceId(vaultId), this.clock.now());
  }

  /** Reads of the vault may still lag an access-policy write of ours (or of an earlier process). */
  mayLag(vaultId: string): boolean {
    if (this.settings.reads <= 0) return false;
    const last = Math.max(this.#lastWrite.get(normalizeResourceId(vaultId)) ?? 0, this.#startedAt);
    return this.clock.now() - last < this.horizonMs;
  }

  /** Call when a write of ours carried this binding's addition. */
  addedFor(owner: string, vaultId: string): void {
    this.#addedFor.set(owner, { vault: normalizeResourceId(vaultId), at: this.clock.now() });
  }

  /**
   * Our addition for this binding was written so recently that a read not showing it proves
   * nothing yet: wait for reads to catch up instead of adding again.
   */
  awaitingAddition(owner: string, vaultId: string): boolean {
    const added = this.#addedFor.get(owner);
    if (!added || added.vault !== normalizeResourceId(vaultId)) return false;
    if (this.settings.reads > 0 && this.clock.now() - added.at < this.horizonMs) return true;
    this.#addedFor.delete(owner);
    return false;
  }

  /** A binding's addition is visible (or given up on): forget it. */
  forgetAddition(owner: string): void {
    this.#addedFor.delete(owner);
  }

  /** Whether an agreement on exactly `subject` is being waited for under `key`. */
  pending(key: string, subject: string): boolean {
    return this.#agreements.get(key)?.subject === subject;
  }

  /** Starts waiting for `settings.reads` agreeing reads on `subject` (the first comes one interval from now). */
  start(key: string, subject: string): void {
    this.#agreements.set(key, { subject, agreeing: 0, checks: 0, lastAt: this.clock.now() });
  }

  /** Ms until the next read may count (0: now). */
  dueInMs(key: string): number {
    const agreement = this.#agreements.get(key);
    if (!agreement) return 0;
    return Math.max(0, agreement.lastAt + this.settings.intervalMs - this.clock.now());
  }

  /** When the previous read of `key` counted (or the wait started): the next read must start later. */
  since(key: string): number {
    return this.#agreements.get(key)?.lastAt ?? 0;
  }

  /** Records one read: whether it agrees. Agreement needs `reads` agreeing reads in a row. */
  record(key: string, agrees: boolean): AgreementVerdict {
    const agreement = this.#agreements.get(key);
    if (!agreement) return 'agreed';
    agreement.checks += 1;
    agreement.lastAt = this.clock.now();
    agreement.agreeing = agrees ? agreement.agreeing + 1 : 0;
    if (agreement.agreeing >= this.settings.reads) {
      this.#agreements.delete(key);
      return 'agreed';
    }
    if (agreement.checks >= this.settings.reads * MAX_CHECKS_PER_READ) {
      this.#agreements.delete(key);
      return 'gaveUp';
    }
    return 'waiting';
  }

  /** How many agreeing reads `key` has so far. */
  agreeing(key: string): number {
    return this.#agreements.get(key)?.agreeing ?? 0;
  }

  forget(key: string): void {
    this.#agreements.delete(key);
  }
}

/**
 * Thrown when a pass must wait for the next read of a confirmation, from deep in a grant or a
 * revoke: the frame maps it to waiting and requeues after `afterMs`.
 */
export class AwaitingConsistentReads extends WaitingError {
  constructor(subject: string, afterMs: number) {
    super(`Waiting for Key Vault reads to agree: ${subject}`, afterMs);
  }
}
