// Key Vault's read-after-write lag (fault `vaultReadLag`), through the real SDK clients. Evidence
// that reads right after an access-policy write can disagree with it: Terraform's azurerm provider
// re-reads the vault after every access-policy create, update and delete until three consecutive
// reads, 5 s apart, agree (hashicorp/terraform-provider-azurerm PR #9125; in
// internal/services/keyvault/key_vault_access_policy_resource.go: `Delay: 5 * time.Second,
// ContinuousTargetOccurence: 3`, for the create/update and for the delete).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { admin, type Harness, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const VAULT = DEMO_ACCESS_POLICY_VAULT;
let h: Harness;
/** Real time unless a test freezes it (the lag window then ends only when the test says so). */
let frozenAt: number | undefined;
beforeAll(async () => {
  h = await startHarness({ now: () => frozenAt ?? Date.now() });
});
afterAll(async () => {
  await h?.emu.close();
});
beforeEach(() => {
  frozenAt = undefined;
  h.emu.setFaults({});
});

function change(kind: 'add' | 'remove', objectId: string, secrets: string[]) {
  return h.keyVault.vaults.updateAccessPolicy(RG, VAULT, kind, {
    properties: { accessPolicies: [{ tenantId: h.emu.tenantId, objectId, permissions: { secrets } }] },
  });
}

/**
 * The principal's secret permissions as a GET of the vault shows them (undefined: no entry),
 * lower-cased: Key Vault stores its own spelling (`Get`), which `remove` must then match.
 */
async function readPermissions(objectId: string): Promise<string[] | undefined> {
  const vault = await h.keyVault.vaults.get(RG, VAULT);
  return vault.properties.accessPolicies
    ?.find((entry) => entry.objectId === objectId)
    ?.permissions.secrets?.map((permission) => String(permission).toLowerCase());
}

/** The principal's secret permissions as the vault really holds them, lower-cased. */
function heldPermissions(objectId: string): string[] | undefined {
  const vault = Object.values(h.emu.state.vaults).find((v) => v.name === VAULT);
  return vault?.accessPolicies
    .find((entry) => entry.objectId === objectId)
    ?.permissions.secrets?.map((permission) => permission.toLowerCase());
}

describe('vault read lag', () => {
  it('is off by default: a read right after a write shows it', async () => {
    const principal = randomUUID();
    await change('add', principal, ['get']);
    expect(await readPermissions(principal)).toEqual(['get']);
  });

  it('for N seconds after an access-policy write, reads show the vault as it was before', async () => {
    frozenAt = Date.now();
    h.emu.setFaults({ vaultReadLag: { seconds: 10 } });
    const principal = randomUUID();
    const staleBefore = h.emu.counters().faults.vaultReadLag.staleReads;
    await change('add', principal, ['get']);
    expect(heldPermissions(principal)).toEqual(['get']);
    expect(await readPermissions(principal)).toBeUndefined();
    frozenAt += 9_999;
    expect(await readPermissions(principal)).toBeUndefined();
    frozenAt += 1;
    expect(await readPermissions(principal)).toEqual(['get']);
    expect(h.emu.counters().faults.vaultReadLag.staleReads - staleBefore).toBe(2);
  });

  it('for the next N reads after an access-policy write, reads are stale; lists show the stale copy too', async () => {
    h.emu.setFaults({ vaultReadLag: { reads: 2 } });
    const principal = randomUUID();
    await change('add', principal, ['get']);
    const listed = async () => {
      for await (const vault of h.keyVault.vaults.listByResourceGroup(RG)) {
        if (vault.name === VAULT)
          return vault.properties.accessPolicies?.find((entry) => entry.objectId === principal);
      }
      return undefined;
    };
    expect(await listed()).toBeUndefined(); // a list does not use up a read
    expect(await readPermissions(principal)).toBeUndefined();
    expect(await readPermissions(principal)).toBeUndefined();
    expect(await readPermissions(principal)).toEqual(['get']);
    expect(await listed()).toBeDefined();
  });

  it('a remove sent right after the grant acts on the stale copy: 200, and the permission stays', async () => {
    frozenAt = Date.now();
    h.emu.setFaults({ vaultReadLag: { seconds: 5 } });
    const principal = randomUUID();
    const skippedBefore = h.emu.counters().faults.vaultReadLag.removalsSkipped;
    await change('add', principal, ['get']);
    frozenAt += 1_000;
    await expect(change('remove', principal, ['Get'])).resolves.toBeDefined();
    expect(heldPermissions(principal)).toEqual(['get']);
    expect(h.emu.counters().faults.vaultReadLag.removalsSkipped - skippedBefore).toBe(1);
    // One read agrees with the revoke — wrongly: it is still the copy from before the grant.
    expect(await readPermissions(principal)).toBeUndefined();
    // Reads that wait out the lag see the permission; removing it again works.
    frozenAt += 4_000;
    expect(await readPermissions(principal)).toEqual(['get']);
    await change('remove', principal, ['Get']);
    expect(heldPermissions(principal)).toBeUndefined();
    // The remove opened a window of its own: reads show the permission a while longer.
    expect(await readPermissions(principal)).toEqual(['get']);
    frozenAt += 5_000;
    expect(await readPermissions(principal)).toBeUndefined();
  });

  it('a write that changes nothing opens no window', async () => {
    frozenAt = Date.now();
    const principal = randomUUID();
    await change('add', principal, ['get']);
    h.emu.setFaults({ vaultReadLag: { seconds: 30 } });
    await change('add', principal, ['get']);
    expect(await readPermissions(principal)).toEqual(['get']);
  });

  it('is validated', async () => {
    for (const vaultReadLag of [{}, { seconds: -1 }, { reads: 1.5 }, { seconds: 0, reads: 0 }]) {
      const answer = await admin(h.emu, 'PUT', '/faults', { vaultReadLag });
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'InvalidFaultConfiguration' } } });
    }
  });
});
