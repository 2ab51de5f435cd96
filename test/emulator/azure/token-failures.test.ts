// Token failures by cause (docs/reliability.md F2, F3) and bare 429s (F5), through logicops'
// own credential, the real SDK clients and the emulator's Entra ID and fault injection.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureCalls, createAzureGateways, isAzureError } from '../../../src/azure/index.ts';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, type Emulator } from '../../../src/emulator/index.ts';
import { type AzureTestbed, operatorClients, startTestbed } from './support.ts';

const vault = { resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_ACCESS_POLICY_VAULT };

/** Fresh gateways (no cached token, no MSAL state) on the testbed's emulator. */
function freshGateways(emu: Emulator, instance?: string) {
  const clients = operatorClients(emu, instance ? { version: '9.9.9', instance } : undefined);
  return createAzureGateways(clients, new AzureCalls());
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

  it('one throttled token request (429, no Retry-After) is retried inside the credential', async () => {
    t.emu.setFaults({
      errors: [{ operation: 'Entra/token', next: 1, status: 429, code: 'TooManyRequests' }],
    });
    const started = Date.now();
    const observed = await freshGateways(t.emu).vaults.get(vault);
    expect(observed?.name).toBe(DEMO_ACCESS_POLICY_VAULT);
    expect(t.emu.counters().faults.injected.TooManyRequests).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
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
