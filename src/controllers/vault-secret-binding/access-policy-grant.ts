// Access-policy mode: the principal's entry in the vault's access-policy list, changed only
// with the atomic accessPolicies/add and /remove operations (never a PUT of the vault), and
// only by the permissions this binding's ledger says logicops added. Callers hold the vault lock.
import type { AccessPolicy, ObservedVault } from '../../azure/index.ts';
import { AccessModel, GrantPhase, type GrantRecord } from '../../crds/index.ts';
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

/** Grants (or restores, or finishes migrating to) this binding's access policy. */
export async function ensureAccessPolicyGrant(
  run: BindingRun,
  principal: Required<Principal>,
): Promise<void> {
  const { vaults } = run.gateways();
  const ref = run.vaultRef();
  // Read again under the lock: the entry may have changed while we waited for it.
  const vault = (await vaults.get(ref, { signal: run.signal })) ?? run.vault;
  if (!vault) throw new Error(`vault ${run.spec.vaultId} disappeared`);
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
  run.observed.quota = { name: 'AccessPoliciesPerVault', scope: run.spec.vaultId, used: entriesAfter, limit };

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
  if (inSync && sameGrantRecord(record, granted)) return;
  if (inSync) {
    await run.writeLedger(granted);
    return;
  }
  if (run.paused) throw new PausedWrite(describeChange(plan.add, plan.remove, Boolean(leftoverAssignment)));
  // Quota counts entries, so only a new entry can exceed it (an update never is blocked).
  if (!existing && plan.add.length > 0 && vault.accessPolicies.length >= limit) {
    run.observed.quota.used = vault.accessPolicies.length;
    run.observed.quotaExceeded = true;
    throw new QuotaWouldExceed(
      `vault ${vault.name} already has ${vault.accessPolicies.length} of ${limit} access policies; a new entry for principal ${principal.principalId} would exceed the limit`,
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
  if (plan.add.length > 0) await vaults.addAccessPolicy(ref, entryKey, plan.add, { signal: run.signal });
  if (plan.remove.length > 0)
    await vaults.removeAccessPolicy(ref, entryKey, plan.remove, { signal: run.signal });
  if (leftoverAssignment) await revokeRoleAssignmentPart(run, intended);
  await run.writeLedger(granted);
  await announce(run, record, plan.add, Boolean(leftoverAssignment));
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
