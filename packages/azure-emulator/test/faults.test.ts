// Faults and limits (all off by default), driven through the real SDK clients: throttling with
// truthful rate-limit headers, replication lag of new principals, 409 on concurrent vault
// writes, injected errors and dropped connections, and the counters of what fired.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RBAC_VAULT,
  DEMO_RESOURCE_GROUP,
  entraThrottling,
} from '../src/index.ts';
import { managedIdentityCredential } from './support/data-plane.ts';
import {
  admin,
  DEFINITION,
  type Harness,
  KEY_VAULT_SECRETS_USER,
  rgPath,
  startHarness,
} from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
/** Real time unless a test freezes it (rate buckets and lag then move only when the test says so). */
let frozenAt: number | undefined;
beforeAll(async () => {
  h = await startHarness({ now: () => frozenAt ?? Date.now(), faults: { seed: 7 } });
});
afterAll(async () => {
  await h?.emu.close();
});
beforeEach(() => {
  frozenAt = undefined;
  h.emu.setFaults({});
});

const rgRead = () => h.arm('GET', `${rgPath(h.emu, RG)}?api-version=2021-04-01`);

/** Key Vault Secrets User on the RBAC vault, or on one of its secrets. */
function roleAssignment(principalId: string, principalType?: 'ServicePrincipal', secret?: string) {
  const vault = `/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}`;
  const scope = secret ? `${vault}/secrets/${secret}` : vault;
  return h.authorization.roleAssignments.create(scope, randomUUID(), {
    roleDefinitionId: `/subscriptions/${h.emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
    principalId,
    ...(principalType ? { principalType } : {}),
  });
}

async function newWorkflow(): Promise<{ name: string; principalId: string }> {
  const name = `wf-${randomUUID().slice(0, 8)}`;
  const workflow = await h.logic.workflows.createOrUpdate(RG, name, {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    definition: DEFINITION,
  });
  return { name, principalId: workflow.identity!.principalId! };
}

function addPolicy(vault: string) {
  return h.keyVault.vaults.updateAccessPolicy(RG, vault, 'add', {
    properties: {
      accessPolicies: [
        { tenantId: h.emu.tenantId, objectId: randomUUID(), permissions: { secrets: ['get'] } },
      ],
    },
  });
}

describe('configuration', () => {
  it('is set at start, read and replaced through /_emulator/faults, and validated', async () => {
    h.emu.reset(); // back to the start configuration
    expect(await admin(h.emu, 'GET', '/faults')).toEqual({ status: 200, body: { seed: 7 } });
    const config = { seed: 3, errors: [{ operation: '*', next: 2, status: 503, code: 'ServerBusy' }] };
    expect(await admin(h.emu, 'PUT', '/faults', config)).toEqual({ status: 200, body: config });
    expect(h.emu.faults()).toEqual(config);
    const bad = await admin(h.emu, 'PUT', '/faults', { latency: { read: { type: 'gamma' } } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidFaultConfiguration' } } });
    expect(h.emu.faults()).toEqual(config); // a refused configuration changes nothing
  });
});

describe('throttling (ARM token buckets per subscription)', () => {
  it('answers 429 with Retry-After and remaining 0; the SDK retries after it and recovers', async () => {
    h.emu.setFaults({
      throttling: { enabled: true, buckets: { reads: { capacity: 1, refillPerSecond: 1 } } },
    });
    await h.logic.workflows.listByResourceGroup(RG).byPage().next(); // takes the only token
    const raw = await rgRead();
    expect(raw.status).toBe(429);
    expect(raw.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(raw.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('0');

    const since = h.emu.requests().at(-1)!.seq;
    const page = await h.logic.workflows.listByResourceGroup(RG).byPage().next(); // 429, waits 1 s, 200
    expect(page.done).toBe(false);
    const statuses = h.emu
      .requests(since)
      .filter((r) => r.plane === 'arm')
      .map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
    expect(h.emu.counters().byBucket.reads.throttled).toBeGreaterThanOrEqual(2);
  });

  it("uses ARM's buckets by default (reads 250 + 25/s) and refills at that rate, headers telling the truth", async () => {
    frozenAt = Date.now();
    h.emu.setFaults({ throttling: { enabled: true } }); // buckets start full at the frozen time
    const remaining: number[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => rgRead()));
      for (const a of answers)
        remaining.push(Number(a.headers.get('x-ms-ratelimit-remaining-subscription-reads')));
    }
    expect(remaining.sort((a, b) => b - a)).toEqual(Array.from({ length: 250 }, (_, i) => 249 - i));
    const empty = await rgRead();
    expect(empty.status).toBe(429);
    expect(empty.headers.get('retry-after')).toBe('1'); // ceil(1 token / 25 per s)

    frozenAt += 1000; // 25 tokens back
    const refilled = await rgRead();
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('24');
    frozenAt += 60_000; // capped at the capacity
    expect((await rgRead()).headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBe('249');

    // Writes draw from their own bucket (200 + 10/s).
    const write = await h.arm('PUT', `${rgPath(h.emu, RG)}?api-version=2021-04-01`, {
      location: 'westeurope',
    });
    expect(write.headers.get('x-ms-ratelimit-remaining-subscription-writes')).toBe('199');
  });
});

describe('replication lag of new principals', () => {
  it('for N s a new principal is PrincipalNotFound without principalType and gets no token; then it is', async () => {
    frozenAt = Date.now();
    h.emu.setFaults({ replicationLag: { seconds: 30 } });
    const { principalId } = await newWorkflow();
    const token = () =>
      managedIdentityCredential(h.emu, principalId).getToken('https://vault.azure.net/.default');

    await expect(roleAssignment(principalId)).rejects.toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound',
    });
    await expect(token()).rejects.toThrow(/Identity not found/);
    // The documented way around the lag still works during it.
    await expect(roleAssignment(principalId, 'ServicePrincipal')).resolves.toMatchObject({ principalId });

    frozenAt += 30_000;
    await expect(roleAssignment(principalId, undefined, 'partner-api-key')).resolves.toMatchObject({
      principalType: 'ServicePrincipal',
    });
    await expect(token()).resolves.toMatchObject({ token: expect.any(String) });
    expect(h.emu.counters().faults.replicationLag).toMatchObject({ principalNotFound: 1, tokenRefused: 1 });
  });

  // principalType: ServicePrincipal makes ARM skip the directory lookup (the documented way
  // around replication lag, aka.ms/docs-principaltype; the service team on it in
  // hashicorp/terraform-provider-azurerm#4168), but PrincipalNotFound can still occur for new
  // service principals: `evenWithPrincipalType` models that.
  it('with evenWithPrincipalType, a replicating principal is PrincipalNotFound even with principalType ServicePrincipal', async () => {
    frozenAt = Date.now();
    h.emu.setFaults({ replicationLag: { seconds: 30, evenWithPrincipalType: true } });
    const refusedBefore = h.emu.counters().faults.replicationLag.principalNotFound;
    const { principalId } = await newWorkflow();
    await expect(roleAssignment(principalId, 'ServicePrincipal')).rejects.toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound',
    });
    // Once replicated, the same request succeeds.
    frozenAt += 30_000;
    await expect(roleAssignment(principalId, 'ServicePrincipal')).resolves.toMatchObject({ principalId });
    expect(h.emu.counters().faults.replicationLag.principalNotFound - refusedBefore).toBe(1);
  });
});

describe('409 on concurrent writes to one vault', () => {
  it('a write that starts while another is in flight gets ConflictError; another vault is unaffected', async () => {
    h.emu.setFaults({
      vaultWriteConflicts: { enabled: true },
      latency: { write: { type: 'fixed', ms: 1000 } },
    });
    await h.credential.getToken(`${h.emu.armEndpoint}/.default`); // token cached: both requests leave at once
    const results = await Promise.allSettled([
      addPolicy(DEMO_ACCESS_POLICY_VAULT),
      addPolicy(DEMO_ACCESS_POLICY_VAULT),
      addPolicy(DEMO_RBAC_VAULT),
    ]);
    const [first, second, other] = results;
    expect(other.status).toBe('fulfilled');
    const sameVault = [first, second];
    expect(sameVault.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = sameVault.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ statusCode: 409, code: 'ConflictError' });
    // Once the first write finished, the vault takes writes again.
    await expect(addPolicy(DEMO_ACCESS_POLICY_VAULT)).resolves.toBeDefined();
  });
});

describe("Entra ID's throttling answer", () => {
  // For client credentials Entra ID answers "429 Too Many Requests, with a Retry-After: 60
  // header" (learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling); the
  // body can be plain text, "ResponseBody: Too Many Requests"
  // (AzureAD/microsoft-authentication-library-for-dotnet#2855). `entraThrottling` injects that.
  it('is 429 with Retry-After 60 and a text/plain body, for the next N token requests', async () => {
    h.emu.setFaults({ errors: [entraThrottling({ next: 1 })] });
    const ask = () =>
      fetch(`${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: h.emu.operatorClientId,
          client_secret: h.emu.operatorClientSecret,
          scope: `${h.emu.armEndpoint}/.default`,
        }),
      });
    const throttled = await ask();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect(throttled.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await throttled.text()).toBe('Too Many Requests');
    expect((await ask()).status).toBe(200);
    expect(h.emu.counters().faults.injected.TooManyRequests).toBe(1);
  });

  it('validates the answer fields of a rule', async () => {
    const bad = await admin(h.emu, 'PUT', '/faults', {
      errors: [{ operation: 'Entra/token', next: 1, status: 429, body: 'xml' }],
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidFaultConfiguration' } } });
    const negative = await admin(h.emu, 'PUT', '/faults', {
      errors: [{ operation: 'Entra/token', next: 1, status: 429, retryAfterSeconds: -1 }],
    });
    expect(negative).toMatchObject({ status: 400 });
  });
});

describe('error injection', () => {
  it('injected errors reach the SDK with their code, for the next N calls only', async () => {
    h.emu.setFaults({
      errors: [
        { operation: 'Microsoft.Logic/workflows/read', next: 1, status: 403, code: 'AuthorizationFailed' },
        {
          operation: 'Microsoft.Authorization/roleAssignments/write',
          next: 1,
          status: 403,
          code: 'RequestDisallowedByPolicy',
        },
      ],
    });
    const { name, principalId } = await newWorkflow();
    await expect(h.logic.workflows.get(RG, name)).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    await expect(h.logic.workflows.get(RG, name)).resolves.toMatchObject({ name });
    await expect(roleAssignment(principalId, 'ServicePrincipal')).rejects.toMatchObject({
      statusCode: 403,
      code: 'RequestDisallowedByPolicy',
    });
    expect(h.emu.faults().errors?.map((rule) => rule.next)).toEqual([0, 0]);
  });

  it('a 500 reaches a client without retries; rate-based failures repeat exactly under the same seed', async () => {
    h.emu.setFaults({
      errors: [{ operation: 'Microsoft.Resources/subscriptions/resourceGroups/read', rate: 1 }],
    });
    expect((await rgRead()).body).toMatchObject({ error: { code: 'InternalServerError' } });

    const outcomes = async () => {
      h.emu.setFaults({ seed: 42, errors: [{ operation: '*', rate: 0.5, status: 503, code: 'ServerBusy' }] });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await rgRead()).status);
      return statuses;
    };
    const first = await outcomes();
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await outcomes()).toEqual(first);
  });

  it('a dropped connection surfaces as a socket error and the SDK retry recovers', async () => {
    h.emu.setFaults({
      errors: [{ operation: 'Microsoft.Logic/workflows/read', next: 1, dropConnection: true }],
    });
    const { name } = await newWorkflow();
    const since = h.emu.requests().at(-1)!.seq;
    await expect(h.logic.workflows.get(RG, name)).resolves.toMatchObject({ name });
    expect(h.emu.requests(since).map((r) => r.status)).toEqual([0, 200]);
  });
});

describe('fault counters', () => {
  it('match what the test provoked, next to the request counters', async () => {
    h.emu.reset();
    frozenAt = Date.now();
    h.emu.setFaults({
      throttling: { enabled: true, buckets: { deletes: { capacity: 1, refillPerSecond: 0.001 } } },
      errors: [
        {
          operation: 'Microsoft.Resources/subscriptions/resourceGroups/read',
          next: 2,
          status: 403,
          code: 'AuthorizationFailed',
        },
        { operation: 'Microsoft.KeyVault/vaults/read', next: 1, dropConnection: true },
      ],
      latency: { token: { type: 'fixed', ms: 1 } },
    });
    await rgRead();
    await rgRead();
    await rgRead();
    const del = () => h.arm('DELETE', `${rgPath(h.emu, 'no-such-group')}?api-version=2021-04-01`);
    await del();
    await del();
    await del();
    await fetch(
      `${h.emu.armEndpoint}/subscriptions/${h.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_RBAC_VAULT}?api-version=2026-02-01`,
      {
        headers: {
          authorization: `Bearer ${(await h.credential.getToken(`${h.emu.armEndpoint}/.default`))!.token}`,
        },
      },
    ).catch(() => undefined);

    const counters = h.emu.counters();
    expect(counters.faults).toMatchObject({
      throttled: { reads: 0, writes: 0, deletes: 2 },
      injected: { AuthorizationFailed: 2 },
      dropped: 1,
      conflicts: 0,
      replicationLag: { principalNotFound: 0, tokenRefused: 0 },
    });
    expect(counters.faults.total).toBe(2 + 2 + 1 + counters.faults.delayed.token);
    expect(counters.byBucket).toEqual({
      reads: { requests: 4, throttled: 0 },
      writes: { requests: 0, throttled: 0 },
      deletes: { requests: 3, throttled: 2 },
    });
    expect(counters.byStatus).toMatchObject({ '0': 1, '200': 1, '403': 2, '429': 2 });
  });
});
