// The pure access-policy planner: one read of the vault plus the records in, a decision out.
import { describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../../../src/azure/index.ts';
import { planAccessPolicyGrantOn } from '../../../../src/controllers/vault-secret-binding/plan/access-policy-plan.ts';
import type { GrantRecord, SecretPermission } from '../../../../src/crds/index.ts';

const VAULT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';
const principal = { principalId: 'P1', tenantId: 't' };
const entry = (objectId: string, secrets: string[], applicationId?: string): AccessPolicy => ({
  tenantId: 't',
  objectId,
  ...(applicationId ? { applicationId } : {}),
  permissions: { secrets, keys: [], certificates: [], storage: [] },
});
const granted = (
  permissionsAdded: SecretPermission[],
  permissionsPreExisting: SecretPermission[] = [],
): GrantRecord => ({
  phase: 'Granted',
  principalId: 'P1',
  tenantId: 't',
  vaultId: VAULT,
  accessModel: 'AccessPolicy',
  permissionsAdded,
  permissionsPreExisting,
});
const plan = (
  accessPolicies: AccessPolicy[],
  record?: GrantRecord,
  otherLedgers: GrantRecord[] = [],
  limit = 1024,
) =>
  planAccessPolicyGrantOn(
    { accessPolicies },
    { principal, vaultId: VAULT, permissions: ['get'], record, otherLedgers, limit },
  );

describe('planAccessPolicyGrantOn', () => {
  it('plans an add of a new entry, counted against the quota', () => {
    const decision = plan([entry('OTHER', ['list'])]);
    expect(decision.plan.add).toEqual(['get']);
    expect(decision.existing).toBeUndefined();
    expect(decision.inSync).toBe(false);
    expect(decision.quota).toEqual({ name: 'AccessPoliciesPerVault', scope: VAULT, used: 2, limit: 1024 });
  });

  it('is in sync but not settled when Azure shows the grant and no record says so yet', () => {
    const decision = plan([entry('p1', ['Get'])]);
    expect(decision.plan.add).toEqual([]);
    expect(decision.inSync).toBe(true);
    expect(decision.settled).toBe(false);
    // Nothing recorded added it: it was there before, and is never revoked.
    expect(decision.granted.permissionsPreExisting).toEqual(['get']);
  });

  it('is settled when Azure and the record agree', () => {
    const decision = plan([entry('P1', ['get'])], granted(['get']));
    expect(decision.settled).toBe(true);
    expect(decision.quota.used).toBe(1);
  });

  it('does not take an application-compound entry for the principal’s own', () => {
    const decision = plan([entry('P1', ['get'], 'app-1')]);
    expect(decision.existing).toBeUndefined();
    expect(decision.plan.add).toEqual(['get']);
  });

  it('keeps a leftover role assignment of the previous model out of sync until it is revoked', () => {
    const leftover: GrantRecord = {
      phase: 'Granted',
      principalId: 'P1',
      tenantId: 't',
      vaultId: VAULT,
      accessModel: 'RBAC',
      roleAssignmentName: 'ra',
      roleAssignmentScope: `${VAULT}/secrets/s`,
    };
    const decision = plan([entry('P1', ['get'])], leftover);
    expect(decision.leftoverAssignment).toBe(leftover);
    expect(decision.inSync).toBe(false);
  });
});
