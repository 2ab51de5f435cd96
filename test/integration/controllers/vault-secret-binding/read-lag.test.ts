// Issue 21, item 6 must-show: "a binding deleted 1 s after its grant under read lag leaves no
// permission behind". Key Vault reads lag access-policy writes — Terraform's azurerm provider
// waits for three consecutive vault reads, 5 s apart, after each access-policy write
// (hashicorp/terraform-provider-azurerm PR #9125) — and the emulator's `vaultReadLag` models it:
// for 4 s after a write, reads show the vault as before, and a remove acts on that older copy.
// A revoke 1 s after the grant that trusts one read removes nothing; the operator must read
// again until reads agree, send the remove once they show the permission, and keep the finalizer
// until three reads in a row show it gone.
//
// The binding controller runs with the real SDK clients; confirmation is 3 reads 2 s apart (the
// default is 5 s apart) to keep the test short. Azure-side claims come from the emulator's state
// and counters, and from what the workflow's own identity can read.

import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { readSecretRaw } from '@logicops/azure-emulator/test-support/data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import { deleteTestNamespace } from '../../support/cluster.ts';
import { type BindingOperator, startBindingOperator } from './operator.ts';

const LAG_S = 4;
let op: BindingOperator;

beforeAll(async () => {
  op = await startBindingOperator('vsb-read-lag', { consistentReads: { reads: 3, intervalMs: 2_000 } });
});
afterAll(async () => {
  await op?.stop();
  if (op) await deleteTestNamespace(op.namespace);
});

/** The principal's secret permissions as the vault really holds them (the emulator's state), lower-cased. */
function held(principalId: string): string[] | undefined {
  const vault = Object.values(op.emu.state.vaults).find((v) => v.name === DEMO_ACCESS_POLICY_VAULT);
  return vault?.accessPolicies
    .find((entry) => entry.objectId === principalId)
    ?.permissions.secrets?.map((permission) => permission.toLowerCase());
}

describe('VaultSecretBinding under Key Vault read lag', () => {
  it('a binding deleted 1 s after its grant leaves no permission behind', async () => {
    op.emu.setFaults({ vaultReadLag: { seconds: LAG_S } });
    const staleBefore = op.emu.counters().faults.vaultReadLag.staleReads;
    const { principalId } = await op.createWorkflow('wf');
    await op.createBinding('b', { vaultId: op.vaultId(DEMO_ACCESS_POLICY_VAULT) });
    // The grant is in Azure (reads do not show it yet).
    await eventually(() => expect(held(principalId)).toEqual(['get']));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await op.deleteBinding('b');

    await eventually(async () => expect(await op.bindingGone('b')).toBe(true), 60_000);
    // Reads right after the grant did not show it: a revoke trusting one read (the gateway reads
    // the entry to send the names as stored) sends nothing, or a remove the lagging vault skips.
    expect(op.emu.counters().faults.vaultReadLag.staleReads - staleBefore).toBeGreaterThan(0);
    // Yet the vault holds nothing for the principal: reads that agreed decided when it was gone.
    expect(held(principalId)).toBeUndefined();
    // And the workflow's identity is refused as an access-policy vault refuses: 403 Forbidden,
    // inner code AccessDenied (issue 21, item 8; turbot/steampipe-plugin-azure#127).
    const vault = await op.clients.keyVault.vaults.get(DEMO_RESOURCE_GROUP, DEMO_ACCESS_POLICY_VAULT);
    expect(
      await readSecretRaw(op.emu, vault.properties.vaultUri ?? '', DEMO_SECRET_NAME, principalId),
    ).toEqual({
      status: 403,
      code: 'Forbidden',
      innerCode: 'AccessDenied',
    });
  }, 120_000);
});
