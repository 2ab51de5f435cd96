// Upgrade path: versions before issue 20 kept the grant ledger in `status.grant`. A binding with
// no operator record but such a status gets it moved into a record once, so grants made before
// the upgrade are still revoked exactly (without it, the permissions logicops added would count
// as pre-existing and leak).
//
// Status is team-writable, so the legacy ledger is taken only where it cannot describe anything
// the operator would not grant for this very binding now: this binding's vault, the principal the
// workflow controller vouches for, read permissions only, and an RBAC scope that is this
// binding's secret. Anything else is ignored (and logged): a forged status can then at most
// misstate which of the team's own principal's read permissions on its own vault were there
// before — the residual risk docs/security.md names.
import { sameResourceId } from '../../../azure/index.ts';
import type { GrantRecord } from '../../../crds/index.ts';
import { type IdentityRecord, isGrantRecord } from '../../shared/records/record-configmap.ts';
import type { BindingRun } from '../context.ts';
import { roleAssignmentTarget } from '../plan/grant-model.ts';

export async function adoptLegacyLedger(
  run: BindingRun,
  identity: IdentityRecord | undefined,
): Promise<void> {
  const legacy = run.object.status?.grant;
  if (!legacy || run.record || !identity) return;
  if (!isPlausibleLegacyLedger(legacy, run, identity)) {
    run.rc.logger.warn(
      { principalId: legacy.principalId, vaultId: legacy.vaultId },
      'Ignored the grant ledger in status: it does not describe this binding’s grant to its workflow’s principal',
    );
    return;
  }
  await run.writeLedger(structuredClone(legacy));
  run.rc.logger.info('Moved the grant ledger from status into an operator record');
}

function isPlausibleLegacyLedger(legacy: GrantRecord, run: BindingRun, identity: IdentityRecord): boolean {
  if (!isGrantRecord(legacy)) return false;
  if (!sameResourceId(legacy.vaultId, run.spec.vaultId)) return false;
  if (legacy.principalId.toLowerCase() !== identity.principalId.toLowerCase()) return false;
  if (legacy.roleAssignmentName === undefined && legacy.roleAssignmentScope === undefined) return true;
  const target = roleAssignmentTarget(run.spec.vaultId, run.spec.secretName, identity.principalId);
  return sameResourceId(legacy.roleAssignmentScope ?? '', target.scope);
}
