// Access-policy mode: the principal's entry in the vault's access-policy list, changed only
// with the atomic accessPolicies/add and /remove operations (never a PUT of the vault), and
// only by the permissions this binding's ledger says logicops added. Callers hold the vault lock.
import { normalizeResourceId } from '../../../azure/index.ts';
import { AccessModel, GrantPhase, type GrantRecord, Reason } from '../../../crds/index.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import { pausedWrite, quotaWouldExceed } from '../../shared/grants/write-refusals.ts';
import type { BindingRun, Principal } from '../context.ts';
import { AwaitingConsistentReads } from '../observe/vault-consistency.ts';
import type { SharedVault } from '../observe/vault-reads.ts';
import { type GrantDecision, planAccessPolicyGrantOn } from '../plan/access-policy-plan.ts';
import { hasAccessPolicyPart } from '../plan/grant-model.ts';
import { normalizePermissions } from '../plan/permissions-math.ts';
import type { GrantEvent } from '../report/announcer.ts';
import { removeConfirmed } from '../revoke/removal-confirmation.ts';
import { revokeRoleAssignmentPart } from '../revoke/revoke.ts';

/**
 * Grants (or restores, or finishes migrating to) this binding's access policy. A plain add
 * joins the vault's coalesced write (access-policy-batches.ts) and ends the pass waiting for it;
 * the next pass (enqueued when the write settles) records Granted. Callers hold the vault lock.
 */
export async function ensureAccessPolicyGrant(
  run: BindingRun,
  principal: Required<Principal>,
): Promise<Outcome | undefined> {
  const { vaults } = run.gateways();
  const ref = run.vaultRef();
  // The observed (possibly shared) read may only conclude "nothing to do" — or, right after our
  // own coalesced write (which dropped the shared reads made before it), "the add is in Azure".
  // Anything else is decided on a read made now, under the lock.
  const shared = run.vault ? decide(run, run.vault, principal) : undefined;
  const writtenForUs = run.batchWrite !== undefined && shared?.inSync === true;
  const step = shared?.settled || writtenForUs ? shared : await decideOnFreshRead(run, principal);
  const { vault, existing, plan, granted, leftoverAssignment, limit } = step;
  const record = run.record;
  const consistency = run.shared.consistency;
  const { uid } = run.batchOwner;
  run.observed.quota = step.quota;
  if (step.settled) {
    consistency.forgetAddition(uid);
    return undefined;
  }
  // A permission recorded as pre-existing is never revoked: only reads that agree may say so.
  await confirmPreExisting(run, step, principal);
  if (step.inSync) {
    consistency.forgetAddition(uid);
    run.recordGranted(granted);
    // The coalesced write that carried our add: announce it with the status write that records Granted.
    const event = run.batchWrite?.event;
    if (event) run.announce(event.type, event.reason, 'Grant', event.note);
    return undefined;
  }
  if (plan.add.length > 0 && consistency.awaitingAddition(uid, run.spec.vaultId)) {
    // Our add for this binding went out moments ago: a read that does not show it yet proves
    // nothing, and adding again on every pass until reads catch up is a write storm.
    throw new AwaitingConsistentReads(
      `the access-policy add for principal ${principal.principalId} is not in the vault's reads yet`,
      consistency.settings.intervalMs,
    );
  }
  if (run.paused) return pausedWrite(run, describeChange(plan.add, plan.remove, Boolean(leftoverAssignment)));
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
    return quotaWouldExceed(
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
  const entryKey = { tenantId: principal.tenantId, objectId: principal.principalId };
  if (plan.remove.length === 0 && !leftoverAssignment) {
    // A plain add: join the vault's next coalesced write and free this worker meanwhile. The
    // record goes ahead of the write; the pass's status reports it when the pass ends.
    const waiting = waitingForVaultWrite(run);
    await run.writeLedger(intended);
    batches.add(
      vaults,
      run.spec.vaultId,
      ref,
      run.batchOwner,
      entryKey,
      plan.add,
      grantEvent(run, record, plan.add, false),
      run.actor?.key,
    );
    return waiting;
  }
  await run.writeLedger(intended);
  if (plan.add.length > 0) {
    try {
      await vaults.addAccessPolicy(ref, entryKey, plan.add, { signal: run.signal });
      consistency.addedFor(uid, run.spec.vaultId);
    } finally {
      run.shared.vaultReads.wrote(run.spec.vaultId);
      consistency.wrote(run.spec.vaultId);
    }
  }
  // Confirmed by reads that agree when the vault was written recently; until then the pass ends
  // here with the Intended record covering what is being removed.
  if (plan.remove.length > 0) {
    await removeConfirmed(
      run,
      { vaultId: run.spec.vaultId, ref, gateways: run.gateways() },
      entryKey,
      plan.remove,
    );
  }
  if (leftoverAssignment) await revokeRoleAssignmentPart(run, intended);
  await run.writeLedger(granted);
  const event = grantEvent(run, record, plan.add, Boolean(leftoverAssignment));
  if (event) await run.event(event.type, event.reason, 'Grant', event.note);
  return undefined;
}

/** The pass ends here; the batch enqueues the binding when its write settled (and a requeue backs that up). */
export function waitingForVaultWrite(run: BindingRun): Outcome {
  return {
    kind: 'waiting',
    reason: Reason.Progressing,
    message: `Intent recorded; waiting for the coalesced accessPolicies/add on vault ${run.vaultRef().name}`,
    afterMs: run.shared.settings.batchBackstopMs ?? run.shared.settings.waitingRequeueMs,
  };
}

/**
 * Concludes without the vault lock what the shared read can conclude: nothing to do, or — right
 * after our own coalesced write carried this binding's add — record Granted. Returns whether it
 * did. A vault's bindings recording their grants then do not queue behind each other (and behind
 * the next batch) on the lock just to write their own status.
 */
export async function concludeWithoutLock(run: BindingRun, principal: Required<Principal>): Promise<boolean> {
  if (!run.vault) return false;
  const step = decide(run, run.vault, principal);
  const writtenForUs = run.batchWrite !== undefined && step.inSync;
  if (!step.settled && !writtenForUs) return false;
  if (!step.settled && needsPresenceConfirmation(run, step)) return false;
  if (step.settled || writtenForUs) run.shared.consistency.forgetAddition(run.batchOwner.uid);
  run.observed.quota = step.quota;
  if (step.settled) return true;
  run.recordGranted(step.granted);
  const event = run.batchWrite?.event;
  if (event) run.announce(event.type, event.reason, 'Grant', event.note);
  return true;
}

/** Permissions this read would record as pre-existing that the ledger does not already. */
function newlyPreExisting(run: BindingRun, step: GrantDecision<SharedVault>): string[] {
  const recorded = hasAccessPolicyPart(run.record) ? (run.record?.permissionsPreExisting ?? []) : [];
  return step.plan.permissionsPreExisting.filter((permission) => !recorded.includes(permission));
}

function needsPresenceConfirmation(run: BindingRun, step: GrantDecision<SharedVault>): boolean {
  return newlyPreExisting(run, step).length > 0 && run.shared.consistency.mayLag(run.spec.vaultId);
}

/**
 * A read that shows a permission no ledger claims makes it pre-existing, and pre-existing
 * permissions are never revoked. Right after an access-policy write the read may be an older copy
 * (one from before a revoke of ours), so while the vault may lag, such a permission is recorded
 * only once `reads` reads in a row, `intervalMs` apart, show it (vault-consistency.ts).
 */
async function confirmPreExisting(
  run: BindingRun,
  step: GrantDecision<SharedVault>,
  principal: Required<Principal>,
): Promise<void> {
  const consistency = run.shared.consistency;
  const key = `present|${run.batchOwner.uid}|${normalizeResourceId(run.spec.vaultId)}|${principal.principalId.toLowerCase()}`;
  const newly = newlyPreExisting(run, step);
  if (newly.length === 0 || !consistency.mayLag(run.spec.vaultId)) {
    consistency.forget(key);
    return;
  }
  const subject = newly.join(',');
  const message = () =>
    `vault ${step.vault.name} shows ${subject} for principal ${principal.principalId} with no logicops grant behind it; recording it as there before once ${consistency.settings.reads} reads agree (${consistency.agreeing(key)} so far)`;
  if (!consistency.pending(key, subject)) {
    consistency.start(key, subject);
    // This pass's read is the first of them.
    if (consistency.record(key, true) === 'agreed') return;
    throw new AwaitingConsistentReads(message(), consistency.settings.intervalMs);
  }
  const dueIn = consistency.dueInMs(key);
  if (dueIn > 0) throw new AwaitingConsistentReads(message(), dueIn);
  if (consistency.record(key, true) === 'waiting')
    throw new AwaitingConsistentReads(message(), consistency.settings.intervalMs);
}

async function decideOnFreshRead(
  run: BindingRun,
  principal: Required<Principal>,
): Promise<GrantDecision<SharedVault>> {
  const { vaults } = run.gateways();
  const vault =
    (await run.shared.vaultReads.startedAfter(
      run.actorKey,
      vaults,
      run.spec.vaultId,
      run.vaultRef(),
      run.signal,
      run.startedAt,
    )) ?? run.vault;
  if (!vault) throw new Error(`vault ${run.spec.vaultId} disappeared`);
  return decide(run, vault, principal);
}

/** Plans against one read of the vault, with what this pass knows (planAccessPolicyGrantOn is pure). */
function decide(
  run: BindingRun,
  vault: SharedVault,
  principal: Required<Principal>,
): GrantDecision<SharedVault> {
  return planAccessPolicyGrantOn(vault, {
    principal,
    vaultId: run.spec.vaultId,
    permissions: run.spec.permissions,
    record: run.record,
    otherLedgers: run.otherLedgers(principal.principalId),
    limit: run.shared.settings.quota.accessPoliciesPerVault,
  });
}

function grantEvent(
  run: BindingRun,
  before: GrantRecord | undefined,
  added: string[],
  migrated: boolean,
): GrantEvent | undefined {
  const permissions = normalizePermissions(run.spec.permissions).join(', ');
  if (migrated) {
    return {
      type: 'Normal',
      reason: 'GrantMigrated',
      note: `Migrated the grant to an access policy (${permissions}) and revoked the role assignment`,
    };
  }
  if (
    before?.phase === GrantPhase.Granted &&
    before.accessModel === AccessModel.AccessPolicy &&
    added.length > 0
  ) {
    return {
      type: 'Warning',
      reason: 'GrantRestored',
      note: `The access policy lost ${added.join(', ')} outside logicops; restored it`,
    };
  }
  if (added.length > 0) {
    return {
      type: 'Normal',
      reason: 'Granted',
      note: `Granted secret permissions ${added.join(', ')} with an access policy`,
    };
  }
  return undefined;
}

function describeChange(add: string[], remove: string[], migrating: boolean): string {
  const parts = [
    add.length > 0 ? `add ${add.join(', ')}` : '',
    remove.length > 0 ? `remove ${remove.join(', ')}` : '',
    migrating ? 'revoke the role assignment of the previous access model' : '',
  ].filter(Boolean);
  return `would ${parts.join(' and ')} on the access policy`;
}
