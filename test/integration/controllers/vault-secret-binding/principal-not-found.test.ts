// Issue 21, item 8: "PrincipalNotFound can still occur for new service principals". The binding
// assigns Key Vault Secrets User with `principalType: ServicePrincipal`, which makes ARM skip the
// directory lookup (the documented way around replication lag, aka.ms/docs-principaltype) — but
// for a service principal that is still replicating the assignment can fail all the same. The
// emulator's replicationLag with `evenWithPrincipalType` answers so for 15 s after the workflow's
// identity is created. The binding must wait (WaitingForPrincipal, never Stalled) and be Ready
// once the principal has replicated, with the assignment in Azure.

import { DEMO_RBAC_VAULT } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultSecretBinding } from '../../../../src/crds/index.ts';
import { eventually } from '../../../support/eventually.ts';
import { deleteTestNamespace } from '../../support/cluster.ts';
import { type BindingOperator, startBindingOperator } from './operator.ts';

const LAG_S = 15;
let op: BindingOperator;

beforeAll(async () => {
  op = await startBindingOperator('vsb-pnf');
  // The operator's own token is held before the lag (the seeded operator app replicates too).
  await op.clients.keyVault.vaults.get('logicops-demo', DEMO_RBAC_VAULT);
});
afterAll(async () => {
  await op?.stop();
  if (op) await deleteTestNamespace(op.namespace);
});

const condition = (binding: VaultSecretBinding, type: string) =>
  binding.status?.conditions?.find((c) => c.type === type);

describe('VaultSecretBinding (RBAC) for a service principal still replicating', () => {
  it('waits through PrincipalNotFound despite principalType ServicePrincipal, never Stalled, then is Ready', async () => {
    op.emu.setFaults({ replicationLag: { seconds: LAG_S, evenWithPrincipalType: true } });
    const refusedBefore = op.emu.counters().faults.replicationLag.principalNotFound;
    const { principalId } = await op.createWorkflow('wf');
    await op.createBinding('rbac', { vaultId: op.vaultId(DEMO_RBAC_VAULT) });

    const reasons = new Set<string>();
    const waiting = await eventually(async () => {
      const ready = condition(await op.readBinding('rbac'), 'Ready');
      if (ready?.reason) reasons.add(ready.reason);
      expect(ready).toMatchObject({ status: 'False', reason: 'WaitingForPrincipal' });
      return ready;
    });
    expect(waiting?.message).toContain('replication lag');
    expect(op.emu.counters().faults.replicationLag.principalNotFound - refusedBefore).toBeGreaterThan(0);

    const binding = await eventually(
      async () => {
        const current = await op.readBinding('rbac');
        const ready = condition(current, 'Ready');
        if (ready?.reason) reasons.add(ready.reason);
        expect(ready?.status).toBe('True');
        return current;
      },
      (LAG_S + 45) * 1000,
      250,
    );
    expect(condition(binding, 'Stalled')).toBeUndefined();
    expect(reasons.has('AuthorizationFailed')).toBe(false);
    // The assignment is in Azure, for that principal, with principalType ServicePrincipal.
    const assignments = Object.values(op.emu.state.roleAssignments).filter(
      (a) => a.principalId === principalId,
    );
    expect(assignments).toHaveLength(1);
    expect(assignments[0]).toMatchObject({ principalType: 'ServicePrincipal' });
  }, 120_000);
});
