// Paged listings through the gateways and the real SDK clients against the emulator, with a
// page size small enough that every listing follows nextLink: the client-side limiter takes one
// read token per page request, exactly as ARM counts reads, so a multi-page listing stays inside
// ARM's read bucket; and a filter holds on every page.
import { randomUUID } from 'node:crypto';
import { DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArmRateLimiter,
  AzureCalls,
  createAzureGateways,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  roleDefinitionResourceId,
  secretScope,
} from '../../../src/azure/index.ts';
import { systemClock } from '../../../src/runtime/index.ts';
import { type AzureTestbed, DEFINITION, lastSeq, startTestbed } from './support.ts';

const PAGE_SIZE = 2;
let t: AzureTestbed;
let vaultId: string;
const principalA = randomUUID();
const principalB = randomUUID();
beforeAll(async () => {
  t = await startTestbed({ pageSize: PAGE_SIZE });
  vaultId = `/subscriptions/${t.emu.subscriptionId}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
  const roleDefinitionId = roleDefinitionResourceId(t.emu.subscriptionId, KEY_VAULT_SECRETS_USER_ROLE_ID);
  // Three assignments for A and two for B, each on its own secret of one vault.
  for (const [i, principalId] of [principalA, principalA, principalA, principalB, principalB].entries()) {
    await t.clients.authorization.roleAssignments.create(secretScope(vaultId, `paged-${i}`), randomUUID(), {
      roleDefinitionId,
      principalId,
      principalType: 'ServicePrincipal',
    });
  }
  for (const name of ['paged-wf-1', 'paged-wf-2', 'paged-wf-3']) {
    await t.clients.logic.workflows.createOrUpdate(DEMO_RESOURCE_GROUP, name, {
      location: 'westeurope',
      definition: DEFINITION,
    });
  }
});
afterAll(async () => {
  await t?.close();
});

/** Gateways whose limiter counts the read tokens it hands out. */
function countingGateways(budget?: { burst: number; perSecond: number }) {
  const tokens = { read: 0 };
  const limiter = new ArmRateLimiter(
    {
      read: budget ?? { burst: 1_000, perSecond: 1_000 },
      write: { burst: 200, perSecond: 10 },
      delete: { burst: 200, perSecond: 10 },
      headroom: 0,
    },
    systemClock,
  );
  const counting = {
    acquire: (operationClass: 'read' | 'write' | 'delete', signal?: AbortSignal) => {
      if (operationClass === 'read') tokens.read += 1;
      return limiter.acquire(operationClass, signal);
    },
    throttled: (operationClass: 'read' | 'write' | 'delete', ms: number) =>
      limiter.throttled(operationClass, ms),
  };
  return { gateways: createAzureGateways(t.clients, new AzureCalls({ limiter: counting })), tokens };
}

/** The list requests (pages) the emulator served since `since`. */
function pagesServed(since: number, operation: string): number {
  return t.emu
    .requests(since)
    .filter(
      (r) => r.method === 'GET' && r.operation === operation && !/\/roleAssignments\/[^/?]+$/.test(r.path),
    ).length;
}

describe('paged listings take one limiter token per page', () => {
  it('role assignments around a vault: every page is a token, and all of its secrets are listed', async () => {
    const { gateways, tokens } = countingGateways();
    const since = lastSeq(t.emu);
    const listed = await gateways.roleAssignments.listAround(vaultId);
    const below = listed.filter((a) =>
      a.scope.toLowerCase().startsWith(`${vaultId.toLowerCase()}/secrets/paged-`),
    );
    expect(below).toHaveLength(5);
    const pages = pagesServed(since, 'Microsoft.Authorization/roleAssignments/read');
    expect(pages).toBe(Math.ceil(listed.length / PAGE_SIZE));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(tokens.read).toBe(pages);
  });

  it('a principal filter holds on every page (nextLink keeps $filter)', async () => {
    const { gateways, tokens } = countingGateways();
    const since = lastSeq(t.emu);
    const listed = await gateways.roleAssignments.listForPrincipal(vaultId, principalA);
    expect(listed.map((a) => a.principalId)).toEqual([principalA, principalA, principalA]);
    const pages = pagesServed(since, 'Microsoft.Authorization/roleAssignments/read');
    expect(pages).toBe(2);
    expect(tokens.read).toBe(2);
  });

  it('the subscription count and workflow listings count their pages too', async () => {
    const { gateways, tokens } = countingGateways();
    let since = lastSeq(t.emu);
    expect(await gateways.roleAssignments.countInSubscription()).toBeGreaterThanOrEqual(5);
    expect(tokens.read).toBe(pagesServed(since, 'Microsoft.Authorization/roleAssignments/read'));
    tokens.read = 0;
    since = lastSeq(t.emu);
    const workflows = await gateways.workflows.listBySubscription();
    expect(workflows.map((w) => w.name)).toEqual(
      expect.arrayContaining(['paged-wf-1', 'paged-wf-2', 'paged-wf-3']),
    );
    const pages = pagesServed(since, 'Microsoft.Logic/workflows/read');
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(tokens.read).toBe(pages);
    // What the quota count keeps of each workflow, selected page by page.
    const placements = await gateways.workflows.listBySubscription({}, (w) => ({
      name: w.name,
      location: w.location,
    }));
    expect(placements).toHaveLength(workflows.length);
    expect(placements).toEqual(
      expect.arrayContaining([{ name: 'paged-wf-1', location: expect.any(String) }]),
    );
    expect(Object.keys(placements[0] ?? {})).toEqual(['name', 'location']);
  });

  it("a listing longer than ARM's read bucket waits for tokens between pages instead of getting a 429", async () => {
    // ARM's bucket: 2 reads, then 4 per second; ours: 2, then 3 per second, as an operator sets
    // its limiter below ARM's rate. At the same rate the two clocks (ours and the emulator's)
    // race by a few milliseconds, and a loaded CI run got a 429. The listing needs at least 3 pages.
    t.emu.setFaults({
      throttling: { enabled: true, buckets: { reads: { capacity: 2, refillPerSecond: 4 } } },
    });
    try {
      const { gateways } = countingGateways({ burst: 2, perSecond: 3 });
      const since = lastSeq(t.emu);
      const listed = await gateways.roleAssignments.listAround(vaultId);
      expect(listed.length).toBeGreaterThanOrEqual(5);
      expect(t.emu.requests(since).filter((r) => r.status === 429)).toEqual([]);
    } finally {
      t.emu.setFaults({ throttling: { enabled: false } });
    }
  });
});
