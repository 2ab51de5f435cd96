// A removal of access-policy permissions that counts as done only once reads agree it took
// effect (vault-consistency.ts). Without a recent write of ours to the vault, one remove is
// enough: its base is a vault every read agrees on. Within that window the remove may have acted
// on an older copy that did not hold the permission yet (the grant it revokes was just written),
// so the vault is read again, one pass per read, `intervalMs` apart, until `reads` reads in a row
// no longer show the permissions; a read that still shows one sends the remove again (it is
// idempotent) and starts the count over. Each wait ends the pass (AwaitingConsistentReads), so no
// worker and no vault lock is held meanwhile. Callers hold the vault lock.
import {
  type AccessPolicyPrincipal,
  type AzureGateways,
  normalizeResourceId,
  type VaultRef,
} from '../../../azure/index.ts';
import type { BindingRun } from '../context.ts';
import { AwaitingConsistentReads, MAX_CHECKS_PER_READ } from '../observe/vault-consistency.ts';
import { normalizePermissions } from '../plan/permissions-math.ts';

export interface RemovalTarget {
  vaultId: string;
  ref: VaultRef;
  gateways: AzureGateways;
}

/**
 * Removes `permissions` from the principal's entry and returns once the removal is confirmed (or
 * needed no confirmation). Throws AwaitingConsistentReads while reads are still to agree.
 */
export async function removeConfirmed(
  run: BindingRun,
  target: RemovalTarget,
  principal: AccessPolicyPrincipal,
  permissions: readonly string[],
): Promise<void> {
  const consistency = run.shared.consistency;
  const wanted = normalizePermissions(permissions);
  const key = `remove|${run.batchOwner.uid}|${normalizeResourceId(target.vaultId)}|${principal.objectId.toLowerCase()}`;
  const subject = wanted.join(',');
  if (!consistency.pending(key, subject)) {
    // Decided before our own remove counts as a write: does the vault's recent past need reads?
    const mustConfirm = consistency.mayLag(target.vaultId);
    await remove(run, target, principal, wanted);
    if (!mustConfirm) {
      consistency.forget(key);
      return;
    }
    consistency.start(key, subject);
    throw waiting(
      run,
      `removed ${subject}; confirming with ${consistency.settings.reads} consistent vault reads`,
    );
  }
  const dueIn = consistency.dueInMs(key);
  if (dueIn > 0)
    throw new AwaitingConsistentReads(confirmingMessage(run, subject, consistency.agreeing(key)), dueIn);
  // Any read started after the previous one counted will do: bindings confirming revokes on the
  // same vault together share it (vault-reads.ts); our removes drop the shared read.
  const vault = await run.shared.vaultReads.startedAfter(
    run.actorKey,
    target.gateways.vaults,
    target.vaultId,
    target.ref,
    run.signal,
    consistency.since(key),
  );
  const entry = vault?.accessPolicies.find(
    (policy) => policy.objectId.toLowerCase() === principal.objectId.toLowerCase() && !policy.applicationId,
  );
  const held = new Set((entry?.permissions.secrets ?? []).map((permission) => permission.toLowerCase()));
  const still = wanted.filter((permission) => held.has(permission));
  if (still.length > 0) await remove(run, target, principal, still);
  const verdict = consistency.record(key, still.length === 0);
  if (verdict === 'agreed') return;
  if (verdict === 'gaveUp') {
    await run.event(
      'Warning',
      'RevokeUnconfirmed',
      'Revoke',
      `Vault ${target.ref.name} kept showing ${still.join(', ') || subject} for principal ${principal.objectId} after ${consistency.settings.reads * MAX_CHECKS_PER_READ} reads; the removal was sent each time. Check the vault's access policies.`,
    );
    return;
  }
  throw waiting(
    run,
    still.length > 0
      ? `vault ${target.ref.name} still shows ${still.join(', ')}; removed again`
      : confirmingMessage(run, subject, consistency.agreeing(key)),
  );
}

async function remove(
  run: BindingRun,
  target: RemovalTarget,
  principal: AccessPolicyPrincipal,
  permissions: readonly string[],
): Promise<void> {
  try {
    await target.gateways.vaults.removeAccessPolicy(target.ref, principal, permissions, {
      signal: run.signal,
    });
  } finally {
    // Shared reads of this vault no longer hold (vault-reads.ts), and reads may lag this write.
    run.shared.vaultReads.wrote(target.vaultId);
    run.shared.consistency.wrote(target.vaultId);
  }
}

function confirmingMessage(run: BindingRun, subject: string, agreeing: number): string {
  return `removed ${subject}; ${agreeing} of ${run.shared.consistency.settings.reads} consistent vault reads agree so far`;
}

function waiting(run: BindingRun, message: string): AwaitingConsistentReads {
  return new AwaitingConsistentReads(message, run.shared.consistency.settings.intervalMs);
}
