// The seam every gateway call goes through, against the emulator and the real SDK clients:
// the observer's records, the fencing check, cancellation, and the classification of what
// Azure answers when things go wrong (throttling, concurrent writes, a dropped endpoint).
import { inspect } from 'node:util';
import type { TokenCredential } from '@azure/identity';
import {
  DEMO_ACCESS_POLICY_VAULT,
  DEMO_RESOURCE_GROUP,
  type EmulatorResponse,
  type RequestContext,
} from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AzureCalls,
  createAzureClients,
  createAzureGateways,
  createCredential,
  isAzureError,
} from '../../../src/azure/index.ts';
import { type AzureTestbed, armRequestsSince, DEFINITION, lastSeq, startTestbed } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
const vault = { resourceGroup: RG, name: DEMO_ACCESS_POLICY_VAULT };
let t: AzureTestbed;

/** Requests whose path ends with one of these answer with the canned response instead. */
const faults = new Map<string, EmulatorResponse>();

beforeAll(async () => {
  t = await startTestbed();
  // Fault injection local to this test's emulator; the real part-2 fault middleware may differ.
  t.emu.use(async (ctx: RequestContext, next) => {
    for (const [suffix, response] of faults) if (ctx.path.endsWith(suffix)) return response;
    return next();
  });
});
afterAll(async () => {
  await t?.close();
});

async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAzureError(error)) throw new Error(`expected an AzureError, got ${String(error)}`);
  return error;
}

const armError = (status: number, code: string, headers: Record<string, string> = {}): EmulatorResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: { error: { code, message: `Injected ${code}.` } },
});

describe('AzureCalls observer', () => {
  it('records operation, HTTP status, outcome and duration for every call', async () => {
    t.records.length = 0;
    await t.gateways.vaults.get(vault);
    await t.gateways.vaults.get({ resourceGroup: RG, name: 'missing-vault' });
    expect(t.records).toEqual([
      {
        operation: 'vaults.get',
        write: false,
        outcome: 'success',
        statusCode: 200,
        durationMs: expect.any(Number),
      },
      {
        operation: 'vaults.get',
        write: false,
        outcome: 'notFound',
        statusCode: 404,
        errorCode: 'ResourceNotFound',
        durationMs: expect.any(Number),
      },
    ]);
    expect(t.records[0]!.durationMs).toBeGreaterThan(0);
  });

  it('a write refused by the fence never reaches Azure', async () => {
    const since = lastSeq(t.emu);
    t.fence.leader = false;
    try {
      await expect(
        t.gateways.vaults.addAccessPolicy(
          vault,
          { tenantId: t.emu.tenantId, objectId: crypto.randomUUID() },
          ['get'],
        ),
      ).rejects.toThrow(/Not the leader: refusing vaults.updateAccessPolicy.add/);
      // Reads are not fenced: a follower may still observe.
      await expect(t.gateways.vaults.get(vault)).resolves.toBeDefined();
    } finally {
      t.fence.leader = true;
    }
    expect(armRequestsSince(t.emu, since).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('an aborted call is cancelled and classified as a retry', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(
      t.gateways.workflows.get({ resourceGroup: RG, name: 'any' }, { signal: controller.signal }),
    );
    expect(error.failure).toMatchObject({ kind: 'retry', reason: 'aborted' });
  });

  it('an observer that throws does not fail the call', async () => {
    const calls = new AzureCalls({
      observer: {
        callCompleted: () => {
          throw new Error('metrics backend down');
        },
      },
    });
    const gateways = createAzureGateways(t.clients, calls);
    await expect(gateways.vaults.get(vault)).resolves.toMatchObject({ name: DEMO_ACCESS_POLICY_VAULT });
  });
});

describe('classification of what Azure answers', () => {
  it('429 with Retry-After is throttled, with the wait Azure asked for', async () => {
    faults.set(
      '/workflows/wf-throttled',
      armError(429, 'SubscriptionRequestsThrottled', { 'retry-after': '2' }),
    );
    try {
      const error = await failureOf(t.gateways.workflows.get({ resourceGroup: RG, name: 'wf-throttled' }));
      expect(error.failure).toEqual({
        kind: 'throttled',
        retryAfterMs: 2000,
        hinted: true,
        code: 'SubscriptionRequestsThrottled',
        message: expect.stringContaining('429 SubscriptionRequestsThrottled'),
      });
      expect(t.records.at(-1)).toMatchObject({ outcome: 'throttled', statusCode: 429 });
    } finally {
      faults.clear();
    }
  });

  it('x-ms-retry-after-ms is honoured in milliseconds', async () => {
    faults.set(
      '/workflows/wf-throttled-ms',
      armError(429, 'TooManyRequests', { 'x-ms-retry-after-ms': '750' }),
    );
    try {
      const error = await failureOf(t.gateways.workflows.get({ resourceGroup: RG, name: 'wf-throttled-ms' }));
      expect(error.failure).toMatchObject({ kind: 'throttled', retryAfterMs: 750 });
    } finally {
      faults.clear();
    }
  });

  it('409 Conflict on a concurrent vault write is a retry', async () => {
    faults.set(`/vaults/${DEMO_ACCESS_POLICY_VAULT}/accessPolicies/add`, armError(409, 'Conflict'));
    try {
      const error = await failureOf(
        t.gateways.vaults.addAccessPolicy(
          vault,
          { tenantId: t.emu.tenantId, objectId: crypto.randomUUID() },
          ['get'],
        ),
      );
      expect(error.failure).toMatchObject({ kind: 'retry', reason: 'concurrentWrite' });
    } finally {
      faults.clear();
    }
  });

  it('a 5xx is a retry', async () => {
    faults.set('/workflows/wf-500', armError(500, 'InternalServerError'));
    try {
      const error = await failureOf(t.gateways.workflows.get({ resourceGroup: RG, name: 'wf-500' }));
      expect(error.failure).toMatchObject({ kind: 'retry', reason: 'serverError' });
    } finally {
      faults.clear();
    }
  });

  it('RequestDisallowedByPolicy is Stalled PolicyDenied', async () => {
    faults.set('/workflows/wf-policy', armError(403, 'RequestDisallowedByPolicy'));
    try {
      const error = await failureOf(
        t.gateways.workflows.createOrUpdate(
          { resourceGroup: RG, name: 'wf-policy' },
          {
            location: 'westeurope',
            tags: {},
            identity: { type: 'SystemAssigned' },
            state: 'Enabled',
            definition: DEFINITION,
            parameters: {},
          },
        ),
      );
      expect(error.failure).toMatchObject({ kind: 'stalled', reason: 'PolicyDenied' });
    } finally {
      faults.clear();
    }
  });

  it('an ARM endpoint that refuses connections is a connection retry', async () => {
    const credential = createCredential(
      {
        kind: 'clientSecret',
        tenantId: t.emu.tenantId,
        clientId: t.emu.operatorClientId,
        clientSecret: t.emu.operatorClientSecret,
      },
      { authorityHost: t.emu.authorityHost },
    );
    // Port 9 (discard) on loopback: nothing listens there.
    const clients = createAzureClients({
      armEndpoint: 'https://127.0.0.1:9',
      subscriptionId: t.emu.subscriptionId,
      credential,
      maxRetries: 0,
    });
    const gateways = createAzureGateways(clients, new AzureCalls());
    const error = await failureOf(gateways.vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'retry', reason: 'connection' });
  });

  it('a wrong client secret is Stalled AuthorizationFailed, and the secret appears nowhere in the error', async () => {
    const wrongSecret = 'definitely-not-the-secret-value';
    const credential = createCredential(
      {
        kind: 'clientSecret',
        tenantId: t.emu.tenantId,
        clientId: t.emu.operatorClientId,
        clientSecret: wrongSecret,
      },
      { authorityHost: t.emu.authorityHost },
    );
    const clients = createAzureClients({
      armEndpoint: t.emu.armEndpoint,
      subscriptionId: t.emu.subscriptionId,
      credential,
      maxRetries: 0,
    });
    const error = await failureOf(createAzureGateways(clients, new AzureCalls()).vaults.get(vault));
    expect(error.failure).toMatchObject({ kind: 'stalled', reason: 'AuthorizationFailed' });
    const everything = `${error.message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    expect(everything).not.toContain(wrongSecret);
    expect(everything).not.toContain(t.emu.operatorClientSecret);
    expect(everything).not.toMatch(/eyJ[\w-]{5,}\./);
  });

  it('the token scope follows the ARM endpoint, for both SDK generations', async () => {
    const real = createCredential(
      {
        kind: 'clientSecret',
        tenantId: t.emu.tenantId,
        clientId: t.emu.operatorClientId,
        clientSecret: t.emu.operatorClientSecret,
      },
      { authorityHost: t.emu.authorityHost },
    );
    const scopes: string[] = [];
    const recording: TokenCredential = {
      getToken: (requested, options) => {
        scopes.push(...(Array.isArray(requested) ? requested : [requested]));
        return real.getToken(requested, options);
      },
    };
    const clients = createAzureClients({
      armEndpoint: `${t.emu.armEndpoint}/`,
      subscriptionId: t.emu.subscriptionId,
      credential: recording,
    });
    const gateways = createAzureGateways(clients, new AzureCalls());
    await gateways.vaults.get(vault); // arm-keyvault 5 (modular)
    await gateways.workflows.get({ resourceGroup: RG, name: 'any' }); // arm-logic 8 (classic)
    expect(new Set(scopes)).toEqual(new Set([`${t.emu.armEndpoint}/.default`]));
  });
});
