// The ARM pipeline's last step refuses a write attempt from a stale leader, without sending it;
// a new connection is handed to a write only after its handshake, and only to a fresh leader.
import { EventEmitter } from 'node:events';
import https from 'node:https';
import { createHttpHeaders, createPipelineRequest, type HttpMethods } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAzureClients } from '../../../src/azure/clients.ts';
import {
  FencedHttpsAgent,
  LEADERSHIP_FENCE_POLICY,
  leadershipFencePolicy,
} from '../../../src/azure/leadership-fence-policy.ts';

function attempt(method: HttpMethods, open: boolean) {
  const request = createPipelineRequest({ url: 'https://arm.example/subscriptions/s/x', method });
  const next = vi.fn(async () => ({ request, status: 200, headers: createHttpHeaders() }));
  const sent = leadershipFencePolicy({ mayWrite: () => open }).sendRequest(request, next);
  return { sent, next };
}

describe('leadershipFencePolicy', () => {
  it.each(['PUT', 'PATCH', 'POST', 'DELETE'] as const)(
    'refuses %s from a stale leader, sending nothing',
    async (method) => {
      const { sent, next } = attempt(method, false);
      await expect(sent).rejects.toThrow(/not the leader/);
      expect(next).not.toHaveBeenCalled();
    },
  );

  it.each(['PUT', 'DELETE'] as const)('sends %s from a fresh leader', async (method) => {
    const { sent, next } = attempt(method, true);
    await expect(sent).resolves.toMatchObject({ status: 200 });
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('lets reads through either way (a deposed leader may still read)', async () => {
    const { sent, next } = attempt('GET', false);
    await expect(sent).resolves.toMatchObject({ status: 200 });
    expect(next).toHaveBeenCalledTimes(1);
  });
});

describe('createAzureClients with a write fence', () => {
  it('puts the fence into every client pipeline, after signing (per retry)', () => {
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const clients = createAzureClients({
      armEndpoint: 'https://arm.example',
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      credential,
      writeFence: { mayWrite: () => true },
    });
    for (const client of [clients.logic, clients.keyVault, clients.authorization, clients.msi]) {
      const names = client.pipeline.getOrderedPolicies().map((policy) => policy.name);
      expect(names).toContain(LEADERSHIP_FENCE_POLICY);
      // After the bearer-token policy: a write that waited for a token is fenced when it resumes.
      const signing = names.findIndex((name) => /bearerToken/i.test(name));
      expect(signing).toBeGreaterThanOrEqual(0);
      expect(names.indexOf(LEADERSHIP_FENCE_POLICY)).toBeGreaterThan(signing);
    }
  });
});

describe('FencedHttpsAgent', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A socket that connects when the test says so: no network. */
  function fakeTlsSocket() {
    const socket = Object.assign(new EventEmitter(), { destroy: vi.fn() });
    vi.spyOn(https.Agent.prototype, 'createConnection').mockReturnValue(socket as never);
    return socket;
  }

  it('hands a new connection to the write only after the handshake, and only to a fresh leader', () => {
    const socket = fakeTlsSocket();
    const fence = { open: true, mayWrite: () => fence.open };
    const callback = vi.fn();
    const returned = new FencedHttpsAgent(fence).createConnection(
      { host: 'arm.example', port: 443 },
      callback,
    );
    expect(returned).toBeUndefined(); // the agent must wait for the callback
    expect(callback).not.toHaveBeenCalled();
    socket.emit('secureConnect');
    expect(callback).toHaveBeenCalledWith(null, socket);
    expect(socket.destroy).not.toHaveBeenCalled();
  });

  it('drops the connection when leadership went stale during the handshake (a freeze)', () => {
    const socket = fakeTlsSocket();
    const fence = { open: true, mayWrite: () => fence.open };
    const callback = vi.fn();
    new FencedHttpsAgent(fence).createConnection({ host: 'arm.example', port: 443 }, callback);
    fence.open = false; // frozen, then resumed past the renew deadline
    socket.emit('secureConnect');
    expect(socket.destroy).toHaveBeenCalled();
    expect(callback.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(String(callback.mock.calls[0]?.[0])).toMatch(/not the leader/);
  });

  it('passes a connection error on', () => {
    const socket = fakeTlsSocket();
    const callback = vi.fn();
    new FencedHttpsAgent({ mayWrite: () => true }).createConnection(
      { host: 'arm.example', port: 443 },
      callback,
    );
    socket.emit('error', new Error('ECONNREFUSED'));
    expect(String(callback.mock.calls[0]?.[0])).toContain('ECONNREFUSED');
  });

  it('the policy gives https writes the fenced agent and leaves reads on the default one', async () => {
    const policy = leadershipFencePolicy({ mayWrite: () => true });
    const next = vi.fn(async (request) => ({ request, status: 200, headers: createHttpHeaders() }));
    const write = createPipelineRequest({ url: 'https://arm.example/x', method: 'PUT' });
    const read = createPipelineRequest({ url: 'https://arm.example/x', method: 'GET' });
    await policy.sendRequest(write, next);
    await policy.sendRequest(read, next);
    expect(write.agent).toBeInstanceOf(FencedHttpsAgent);
    expect(read.agent).toBeUndefined();
  });
});
