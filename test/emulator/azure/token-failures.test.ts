// Token failures by cause (docs/reliability.md F2, F3) and bare 429s (F5), through logicops'
// own credential, the real SDK clients and the emulator's Entra ID and fault injection.

import { ClientSecretCredential } from '@azure/identity';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RESOURCE_GROUP,
  type Emulator,
  entraThrottling,
} from '@logicops/azure-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AzureCalls,
  createAzureClients,
  createAzureGateways,
  isAzureError,
} from '../../../src/azure/index.ts';
import { type AzureTestbed, lastSeq, operatorClients, startTestbed } from './support.ts';

const vault = { resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_ACCESS_POLICY_VAULT };

/** Fresh gateways (no cached token, no MSAL state) on the testbed's emulator. */
function freshGateways(emu: Emulator, instance?: string, now?: () => number) {
  const clients = operatorClients(emu, instance ? { version: '9.9.9', instance } : undefined, now);
  return createAzureGateways(clients, new AzureCalls());
}

/** Token requests the emulator answered after `since`, by status. */
function tokenAnswers(emu: Emulator, since: number): number[] {
  return emu
    .requests(since)
    .filter((r) => r.operation === 'Entra/token')
    .map((r) => r.status);
}

async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAzureError(error)) throw new Error(`expected an AzureError, got ${String(error)}`);
  return error;
}

describe('token failures against the emulator', () => {
  let t: AzureTestbed;
  beforeAll(async () => {
    t = await startTestbed();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.emu.setFaults({}));

  // Entra ID throttles client credentials with "429 Too Many Requests, with a Retry-After: 60
  // header" (https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling),
  // the body sometimes plain text "Too Many Requests" (AzureAD/microsoft-authentication-library-for-dotnet#2855).
  it("a throttled token request (Entra ID's 429, Retry-After 60, text body) is Throttled for 60 s, with one request to Entra ID", async () => {
    let now = 1_000_000;
    t.emu.setFaults({ errors: [entraThrottling({ next: 1 })] });
    const since = lastSeq(t.emu);
    const gateways = freshGateways(t.emu, undefined, () => now);
    const error = await failureOf(gateways.vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'throttled', retryAfterMs: 60_000 });
    expect(error.message).toContain('Entra ID 429: Too Many Requests');
    // Inside Entra ID's wait: refused at once with what is left of it, nothing sent.
    now += 45_000;
    const locked = await failureOf(gateways.vaults.get(vault));
    expect(locked.failure).toMatchObject({ kind: 'throttled', retryAfterMs: 15_000 });
    expect(tokenAnswers(t.emu, since)).toEqual([429]);
    // After it, a fresh token request, and the call goes through.
    now += 15_000;
    expect((await gateways.vaults.get(vault))?.name).toBe(DEMO_ACCESS_POLICY_VAULT);
    expect(tokenAnswers(t.emu, since)).toEqual([429, 200]);
  });

  // Why the probe ends such an attempt (token-endpoint-probe.ts): @azure/identity's own retry
  // policy sleeps for the answer's Retry-After inside getToken, up to three times, and every
  // request of the SDK client waits on that one token refresh. A Retry-After of 6 s (above the
  // 5 s the operator allows inline) keeps this test short; Entra ID's is 60 s.
  it("identity alone retries after Entra ID's Retry-After inside the call; logicops' credential does not", async () => {
    t.emu.setFaults({ errors: [entraThrottling({ next: 1 }, { retryAfterSeconds: 6 })] });
    const raw = new ClientSecretCredential(
      t.emu.tenantId,
      t.emu.operatorClientId,
      t.emu.operatorClientSecret,
      {
        authorityHost: t.emu.authorityHost,
        disableInstanceDiscovery: true,
      },
    );
    const since = lastSeq(t.emu);
    const rawClients = createAzureClients({
      armEndpoint: t.emu.armEndpoint,
      subscriptionId: t.emu.subscriptionId,
      credential: raw,
      maxRetries: 0,
    });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => rawClients.keyVault.vaults.get(DEMO_RESOURCE_GROUP, DEMO_ACCESS_POLICY_VAULT)),
    );
    // All three calls waited for one token refresh, which slept through the hint and retried.
    expect(concurrent.map((v) => v.name)).toEqual([
      DEMO_ACCESS_POLICY_VAULT,
      DEMO_ACCESS_POLICY_VAULT,
      DEMO_ACCESS_POLICY_VAULT,
    ]);
    expect(tokenAnswers(t.emu, since)).toEqual([429, 200]);

    t.emu.setFaults({ errors: [entraThrottling({ next: 1 }, { retryAfterSeconds: 6 })] });
    const ours = lastSeq(t.emu);
    const error = await failureOf(freshGateways(t.emu).vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'throttled', retryAfterMs: 6_000 });
    expect(tokenAnswers(t.emu, ours)).toEqual([429]);
  });

  it('a token acquisition refused with non-OAuth 500s is a retry, named without "[object Object]", and heals in seconds', async () => {
    // Identity's first try and its three retries.
    t.emu.setFaults({
      errors: [{ operation: 'Entra/token', next: 4, status: 500, code: 'InternalServerError' }],
    });
    const gateways = freshGateways(t.emu);
    const error = await failureOf(gateways.vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'retry', reason: 'serverError' });
    expect(error.message).toContain('Entra ID 500');
    expect(error.message).not.toContain('[object Object]');
    // MSAL alone would refuse every token request for 60 s now; the lock here is 2 s.
    const failedAt = Date.now();
    for (;;) {
      const result = await gateways.vaults.get(vault).then(
        () => 'ok',
        () => 'failed',
      );
      if (result === 'ok') break;
      expect(Date.now() - failedAt).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  it('a 429 without Retry-After from ARM waits a few seconds and does not hold the next call back', async () => {
    t.emu.setFaults({
      errors: [
        { operation: 'Microsoft.KeyVault/vaults/read', next: 1, status: 429, code: 'TooManyRequests' },
      ],
    });
    const error = await failureOf(t.gateways.vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'throttled', hinted: false });
    const waitMs = error.failure.kind === 'throttled' ? error.failure.retryAfterMs : Number.NaN;
    expect(waitMs).toBeGreaterThanOrEqual(2_000);
    expect(waitMs).toBeLessThan(5_000);
  });

  it('puts the instance in the User-Agent the emulator records', async () => {
    const before = t.emu.requests().at(-1)?.seq ?? 0;
    await freshGateways(t.emu, 'host-a 42').vaults.get(vault);
    const arm = t.emu.requests(before).filter((r) => r.plane === 'arm');
    expect(arm.length).toBeGreaterThan(0);
    for (const request of arm) expect(request.userAgent).toMatch(/^logicops\/9\.9\.9 \(host-a_42\) /);
  });
});

describe('a brand-new operator app registration (F3)', () => {
  let t: AzureTestbed;
  let now = Date.now();
  beforeAll(async () => {
    // The emulator's clock is ours: the seeded operator app is "created" now and lags 30 s.
    t = await startTestbed({ now: () => now, faults: { replicationLag: { seconds: 30 } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is retried as replication lag (AADSTS700016), then works once replicated', async () => {
    const gateways = freshGateways(t.emu);
    const error = await failureOf(gateways.vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'retry', reason: 'replicationLag', code: 'AADSTS700016' });
    expect(t.emu.counters().faults.replicationLag.tokenRefused).toBeGreaterThan(0);
    now += 31_000;
    expect((await gateways.vaults.get(vault))?.name).toBe(DEMO_ACCESS_POLICY_VAULT);
  });
});
