// Access-policy mode: the principal's entry in the vault's access-policy list, changed only
// with the atomic accessPolicies/add and /remove operations (never a PUT of the vault), and
// only by the permissions this binding's ledger says logicops added. Callers hold the vault lock.
import type { AccessPolicy, ObservedVault } from '../../azure/index.ts';
import { AccessModel, GrantPhase, type GrantRecord, type QuotaUsage } from '../../crds/index.ts';
import type { BindingRun, Principal } from './context.ts';
import { hasAccessPolicyPart, hasRoleAssignmentPart, sameGrantRecord } from './grant-model.ts';
import { PausedWrite, QuotaWouldExceed } from './outcome.ts';
import { normalizePermissions, planAccessPolicyGrant, sharedEntryView } from './permissions-math.ts';
import { revokeRoleAssignmentPart } from './revoke.ts';

export function entryOf(vault: ObservedVault, principal: Principal): AccessPolicy | undefined {
  const objectId = principal.principalId.toLowerCase();
  return vault.accessPolicies.find(
    (policy) => policy.objectId.toLowerCase() === objectId && !policy.applicationId,
  );
}

/** What is left to do once the vault lock is released (waiting for a coalesced write). */
export type AfterVaultLock = () => Promise<void>;

/**
 * Grants (or restores, or finishes migrating to) this binding's access policy. A plain add
 * joins the vault's coalesced write (access-policy-batches.ts): the returned function waits for
 * it and records the grant, and must be called after the vault lock is released.
 */
export async function ensureAccessPolicyGrant(
  run: BindingRun,
  principal: Required<Principal>,
): Promise<AfterVaultLock | undefined> {
  const { vaults } = run.gateways();
  const ref = run.vaultRef();
  // The observed (possibly shared) read may only conclude "nothing to do"; anything else is
  // decided on a read made now, under the lock (the entry may have changed while we waited).
  let step = run.vault ? decide(run, run.vault, principal) : undefined;
  if (!step?.settled) {
    const vault = (await run.shared.vaultReads.fresh(vaults, run.spec.vaultId, ref, run.signal)) ?? run.vault;
    if (!vault) throw new Error(`vault ${run.spec.vaultId} disappeared`);
    step = decide(run, vault, principal);
  }
  const { vault, existing, plan, granted, leftoverAssignment, limit } = step;
  const record = run.record;
  run.observed.quota = step.quota;
  if (step.settled) return undefined;
  if (step.inSync) {
    await run.writeLedger(granted);
    return undefined;
  }
  if (run.paused) throw new PausedWrite(describeChange(plan.add, plan.remove, Boolean(leftoverAssignment)));
  // Quota counts entries, so only a new entry can exceed it (an update never is blocked). New
  // entries already waiting in the vault's coalesced write count as used.
  const batches = run.shared.accessPolicyBatches;
  const present = new Set(vault.accessPolicies.map((policy) => policy.objectId.toLowerCase()));
  const me = principal.principalId.toLowerCase();
  const pendingNew = new Set(
    batches.pendingPrincipals(run.spec.vaultId).filter((id) => !present.has(id) && id !== me),
  );
  const used = vault.accessPolicies.length + pendingNew.size;
  if (!existing && plan.add.length > 0) run.observed.quota.used = used + 1;
  if (!existing && plan.add.length > 0 && used >= limit) {
    run.observed.quota.used = used;
    run.observed.quotaExceeded = true;
    throw new QuotaWouldExceed(
      `vault ${vault.name} already has ${used} of ${limit} access policies; a new entry for principal ${principal.principalId} would exceed the limit`,
    );
  }

  // Write-ahead: the record covers the old and the new grant before either Azure write.
  const intended: GrantRecord = {
    ...granted,
    phase: GrantPhase.Intended,
    permissionsAdded: plan.intendedPermissionsAdded,
    ...(leftoverAssignment
      ? {
          roleAssignmentName: leftoverAssignment.roleAssignmentName,
          roleAssignmentScope: leftoverAssignment.roleAssignmentScope,
        }
      : {}),
  };
  await run.writeLedger(intended);
  const entryKey = { tenantId: principal.tenantId, objectId: principal.principalId };
  if (plan.remove.length === 0 && !leftoverAssignment) {
    // A plain add: join the vault's next coalesced write, and finish once the lock is free.
    const written = batches.add(vaults, run.spec.vaultId, ref, entryKey, plan.add, run.signal);
    // Waited for by the returned function; this only keeps an early failure from going unhandled.
    written.catch(() => undefined);
    return async () => {
      await written;
      await run.writeLedger(granted);
      await announce(run, record, plan.add, false);
    };
  }
  try {
    if (plan.add.length > 0) await vaults.addAccessPolicy(ref, entryKey, plan.add, { signal: run.signal });
    if (plan.remove.length > 0)
      await vaults.removeAccessPolicy(ref, entryKey, plan.remove, { signal: run.signal });
  } finally {
    run.shared.vaultReads.wrote(run.spec.vaultId);
  }
  if (leftoverAssignment) await revokeRoleAssignmentPart(run, intended);
  await run.writeLedger(granted);
  await announce(run, record, plan.add, Boolean(leftoverAssignment));
  return undefined;
}

interface GrantDecision {
  vault: ObservedVault;
  existing: AccessPolicy | undefined;
  plan: ReturnType<typeof planAccessPolicyGrant>;
  granted: GrantRecord;
  leftoverAssignment: GrantRecord | undefined;
  limit: number;
  quota: QuotaUsage;
  /** Azure matches the spec (no write needed). */
  inSync: boolean;
  /** In sync and the ledger already says so: nothing at all to do. */
  settled: boolean;
}

/** Plans this binding's access-policy grant against one read of the vault (pure). */
function decide(run: BindingRun, vault: ObservedVault, principal: Required<Principal>): GrantDecision {
  const existing = entryOf(vault, principal);
  const record = run.record;
  const shared = sharedEntryView(run.otherLedgers(), principal.principalId, run.spec.vaultId);
  const plan = planAccessPolicyGrant({
    desired: run.spec.permissions,
    entry: existing?.permissions.secrets ?? [],
    ...(hasAccessPolicyPart(record) && record ? { ledger: record } : {}),
    shared,
  });
  const limit = run.shared.settings.quota.accessPoliciesPerVault;
  const entriesAfter = vault.accessPolicies.length + (existing || plan.add.length === 0 ? 0 : 1);
  const granted: GrantRecord = {
    phase: GrantPhase.Granted,
    principalId: principal.principalId,
    tenantId: principal.tenantId,
    vaultId: run.spec.vaultId,
    accessModel: AccessModel.AccessPolicy,
    permissionsAdded: plan.permissionsAdded,
    permissionsPreExisting: plan.permissionsPreExisting,
  };
  const leftoverAssignment = hasRoleAssignmentPart(record) ? record : undefined;
  const inSync = plan.add.length === 0 && plan.remove.length === 0 && !leftoverAssignment;
  return {
    vault,
    existing,
    plan,
    granted,
    leftoverAssignment,
    limit,
    quota: { name: 'AccessPoliciesPerVault', scope: run.spec.vaultId, used: entriesAfter, limit },
    inSync,
    settled: inSync && sameGrantRecord(record, granted),
  };
}

async function announce(
  run: BindingRun,
  before: GrantRecord | undefined,
  added: string[],
  migrated: boolean,
): Promise<void> {
  const permissions = normalizePermissions(run.spec.permissions).join(', ');
  if (migrated) {
    await run.event(
      'Normal',
      'GrantMigrated',
      'Grant',
      `Migrated the grant to an access policy (${permissions}) and revoked the role assignment`,
    );
  } else if (
    before?.phase === GrantPhase.Granted &&
    before.accessModel === AccessModel.AccessPolicy &&
    added.length > 0
  ) {
    await run.event(
      'Warning',
      'GrantRestored',
      'Grant',
      `The access policy lost ${added.join(', ')} outside logicops; restored it`,
    );
  } else if (added.length > 0) {
    await run.event(
      'Normal',
      'Granted',
      'Grant',
      `Granted secret permissions ${added.join(', ')} with an access policy`,
    );
  }
}

function describeChange(add: string[], remove: string[], migrating: boolean): string {
  const parts = [
    add.length > 0 ? `add ${add.join(', ')}` : '',
    remove.length > 0 ? `remove ${remove.join(', ')}` : '',
    migrating ? 'revoke the role assignment of the previous access model' : '',
  ].filter(Boolean);
  return `would ${parts.join(' and ')} on the access policy`;
}
