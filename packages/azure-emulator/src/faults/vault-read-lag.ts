// Read-after-write lag of Key Vault's control plane (fault `vaultReadLag`). After an access-policy
// write, reads of the vault do not show it at once: Terraform's azurerm provider re-reads the
// vault after every access-policy create, update and delete until three consecutive reads, 5 s
// apart, agree with the write (hashicorp/terraform-provider-azurerm PR #9125, "check access
// policy consistency before committing to state"; key_vault_access_policy_resource.go:
// `Delay: 5 * time.Second, ContinuousTargetOccurence: 3`).
//
// The model: an access-policy write that changes the vault opens a window — for `seconds` on the
// emulator's clock, or for the next `reads` GETs of the vault, whichever ends first — in which
//  * reads (GET, lists) return the vault as it was before that write (a stale copy);
//  * an `accessPolicies/remove` removes only what that stale copy holds: a permission it does
//    not show yet is not removed, and the answer is still 200 ("nothing matched" is a success).
// So a revoke sent right after a grant can leave the permission behind, and one read cannot tell.
// A write inside an open window neither moves the window nor refreshes the copy; the copy catches
// up to everything when the window closes. Adds and replaces apply to the vault as it is.
import type { AccessPolicyEntry, PermissionCategory, VaultRecord } from '../state.ts';

export interface VaultReadLagConfig {
  /** How long reads stay stale after an access-policy write (emulator clock). */
  seconds?: number;
  /** How many GETs of the vault stay stale after an access-policy write. */
  reads?: number;
}

interface Window {
  /** The vault as it was before the write that opened the window. */
  snapshot: VaultRecord;
  until?: number;
  readsLeft?: number;
}

export class VaultReadLag {
  #config: VaultReadLagConfig | undefined;
  readonly #windows = new Map<string, Window>();

  constructor(private readonly now: () => number) {}

  /** Replaces the configuration; open windows close. */
  configure(config: VaultReadLagConfig | undefined): void {
    this.#config = config && (config.seconds || config.reads) ? { ...config } : undefined;
    this.#windows.clear();
  }

  get enabled(): boolean {
    return this.#config !== undefined;
  }

  /**
   * Call after an access-policy write was applied, with the vault as it was before and after.
   * Opens a window when the write changed the access policies and none is open.
   */
  wrote(key: string, before: VaultRecord, after: VaultRecord): void {
    const config = this.#config;
    if (!config || this.#open(key)) return;
    if (JSON.stringify(before.accessPolicies) === JSON.stringify(after.accessPolicies)) return;
    this.#windows.set(key, {
      snapshot: before,
      ...(config.seconds ? { until: this.now() + config.seconds * 1000 } : {}),
      ...(config.reads ? { readsLeft: config.reads } : {}),
    });
  }

  /** The stale copy a GET of the vault sees now (counted as one of the window's reads), or undefined. */
  read(key: string): VaultRecord | undefined {
    const window = this.#open(key);
    if (!window) return undefined;
    if (window.readsLeft !== undefined) window.readsLeft -= 1;
    return window.snapshot;
  }

  /** The stale copy without using up a read (lists, the base of a remove), or undefined. */
  view(key: string): VaultRecord | undefined {
    return this.#open(key)?.snapshot;
  }

  #open(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (!window) return undefined;
    const timeUp = window.until !== undefined && this.now() >= window.until;
    const readsUp = window.readsLeft !== undefined && window.readsLeft <= 0;
    if (timeUp || readsUp) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }
}

/**
 * A remove as a lagging vault carries it out: each listed permission is removed only if the
 * stale copy's entry holds it (exact match, as `remove` compares). Returns the changes to apply
 * and whether anything was dropped.
 */
export function removalSeenBy(
  stale: VaultRecord,
  changes: AccessPolicyEntry[],
  sameEntry: (a: AccessPolicyEntry, b: AccessPolicyEntry) => boolean,
): { changes: AccessPolicyEntry[]; skipped: boolean } {
  let skipped = false;
  const seen = changes.map((change) => {
    const entry = stale.accessPolicies.find((candidate) => sameEntry(candidate, change));
    const permissions: AccessPolicyEntry['permissions'] = {};
    for (const [category, listed] of Object.entries(change.permissions) as [PermissionCategory, string[]][]) {
      const held = entry?.permissions[category] ?? [];
      const kept = listed.filter((permission) => held.includes(permission));
      if (kept.length < listed.length) skipped = true;
      permissions[category] = kept;
    }
    return { ...change, permissions };
  });
  return { changes: seen, skipped };
}
