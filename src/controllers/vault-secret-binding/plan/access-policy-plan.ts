// The access-policy grant of one binding, planned against one read of the vault: pure (no I/O,
// no clock), so every case is a table row in a unit test. The writer (write/access-policy-grant.ts)
// decides from it whether to do nothing, record Granted, or write — and what to record first.
import type { AccessPolicy } from '../../../azure/index.ts';
import { AccessModel, GrantPhase, type GrantRecord, type QuotaUsage } from '../../../crds/index.ts';
import type { DeepReadonly } from '../../../runtime/deep-freeze.ts';
import { hasAccessPolicyPart, hasRoleAssignmentPart, sameGrantRecord } from './grant-model.ts';
import { planAccessPolicyGrant, sharedEntryView } from './permissions-math.ts';

/** The part of a vault read the plan looks at. */
export interface VaultAccessPolicies {
  accessPolicies: readonly DeepReadonly<AccessPolicy>[];
}

export interface AccessPolicyPlanInput {
  principal: { principalId: string; tenantId: string };
  vaultId: string;
  /** What the spec asks for. */
  permissions: readonly string[];
  /** This binding's grant record, if any. */
  record: GrantRecord | undefined;
  /** Every other binding's record: shared entries and assignments. */
  otherLedgers: readonly GrantRecord[];
  /** Access policies a vault may hold. */
  limit: number;
}

export interface GrantDecision<V extends VaultAccessPolicies = VaultAccessPolicies> {
  vault: V;
  existing: DeepReadonly<AccessPolicy> | undefined;
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

/** The principal's own entry (an entry for an application on its behalf is not it). */
export function entryOf(
  vault: VaultAccessPolicies,
  principal: { principalId: string },
): DeepReadonly<AccessPolicy> | undefined {
  const objectId = principal.principalId.toLowerCase();
  return vault.accessPolicies.find(
    (policy) => policy.objectId.toLowerCase() === objectId && !policy.applicationId,
  );
}

export function planAccessPolicyGrantOn<V extends VaultAccessPolicies>(
  vault: V,
  input: AccessPolicyPlanInput,
): GrantDecision<V> {
  const { principal, record, vaultId, limit } = input;
  const existing = entryOf(vault, principal);
  const shared = sharedEntryView([...input.otherLedgers], principal.principalId, vaultId);
  const plan = planAccessPolicyGrant({
    desired: [...input.permissions],
    entry: existing?.permissions.secrets ?? [],
    ...(hasAccessPolicyPart(record) && record ? { ledger: record } : {}),
    shared,
  });
  const entriesAfter = vault.accessPolicies.length + (existing || plan.add.length === 0 ? 0 : 1);
  const granted: GrantRecord = {
    phase: GrantPhase.Granted,
    principalId: principal.principalId,
    tenantId: principal.tenantId,
    vaultId,
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
    quota: { name: 'AccessPoliciesPerVault', scope: vaultId, used: entriesAfter, limit },
    inSync,
    settled: inSync && sameGrantRecord(record, granted),
  };
}
