// The leadership fence on Kubernetes writes: a deposed leader's status patches, finalizer patches
// and Events never reach the API server. The HTTP layer is replaced by spies on the client
// prototypes, so "no request" is observable without a network.

import { PassThrough } from 'node:stream';
import { EventsV1Api, type EventsV1Event, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { KubeEventRecorder } from '../../../src/runtime/events.ts';
import { addFinalizer, removeFinalizer } from '../../../src/runtime/finalizers.ts';
import { KubeClient, type ResourceKind } from '../../../src/runtime/kube-client.ts';
import {
  FenceUnavailableError,
  isFencedRequest,
  isNotLeader,
  NotLeaderError,
  type WriteFence,
} from '../../../src/runtime/leadership/fence.ts';
import {
  FencedTransport,
  fencedDispatcher,
  fencedHandler,
} from '../../../src/runtime/leadership/fenced-connections.ts';
import { FencedKubeClient } from '../../../src/runtime/leadership/fenced-kube-client.ts';
import { StatusPatcher } from '../../../src/runtime/status-patcher.ts';
import { LOGICOPS_FINALIZER } from '../../../src/vocabulary.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { unreachableKubeConfig } from './support/unreachable-kubeconfig.ts';

const KIND: ResourceKind = {
  group: 'logicops.io',
  version: 'v1alpha1',
  kind: 'Thing',
  plural: 'things',
  namespaced: true,
};

/** A fence the test opens and closes, like a lease that goes stale. */
function switchable(open: boolean): WriteFence & { open: boolean } {
  return {
    open,
    mayWrite() {
      return this.open;
    },
  };
}

const thing = (finalizers?: string[]): KubernetesObject & { status?: { ready?: boolean } } => ({
  apiVersion: 'logicops.io/v1alpha1',
  kind: 'Thing',
  metadata: { namespace: 'ns', name: 'a', uid: 'uid-a', resourceVersion: '7', finalizers },
  status: { ready: false },
});

describe('FencedKubeClient and the helpers that write through it', () => {
  let patch: ReturnType<typeof vi.spyOn>;
  let get: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    patch = vi.spyOn(KubeClient.prototype, 'patch').mockImplementation(async () => thing());
    get = vi.spyOn(KubeClient.prototype, 'get').mockImplementation(async () => thing());
  });
  afterEach(() => vi.restoreAllMocks());

  it('sends a patch while the fence is open', async () => {
    const client = new FencedKubeClient(unreachableKubeConfig(), switchable(true));
    await client.patch(KIND, { namespace: 'ns', name: 'a' }, 'application/merge-patch+json', {});
    expect(patch).toHaveBeenCalledTimes(1);
  });

  it('drops a patch with NotLeaderError once the fence closes, naming the write', async () => {
    const client = new FencedKubeClient(unreachableKubeConfig(), switchable(false));
    const error = await client
      .patch(KIND, { namespace: 'ns', name: 'a', subresource: 'status' }, 'application/merge-patch+json', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotLeaderError);
    expect(isNotLeader(error)).toBe(true);
    expect(String(error)).toContain('things/status ns/a');
    expect(patch).not.toHaveBeenCalled();
  });

  it("drops a create — a ServiceAccount's TokenRequest — once the fence closes, and sends it while open", async () => {
    const create = vi.spyOn(KubeClient.prototype, 'create').mockImplementation(async () => thing());
    const fence = switchable(false);
    const client = new FencedKubeClient(unreachableKubeConfig(), fence);
    const target = { namespace: 'ns', name: 'team', subresource: 'token' };
    const request = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' };
    const error = await client.create(KIND, target, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotLeaderError);
    expect(String(error)).toContain('things/token ns/team');
    expect(create).not.toHaveBeenCalled();
    fence.open = true;
    await client.create(KIND, target, request);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('StatusPatcher: a stale leader sends no status patch and does not retry or re-read', async () => {
    const patcher = new StatusPatcher(new FencedKubeClient(unreachableKubeConfig(), switchable(false)));
    await expect(
      patcher.patch<{ ready?: boolean }, ReturnType<typeof thing>>(KIND, thing(), (status) => {
        status.ready = true;
      }),
    ).rejects.toBeInstanceOf(NotLeaderError);
    expect(patch).not.toHaveBeenCalled();
    expect(get).not.toHaveBeenCalled();
  });

  it('StatusPatcher: the fence is asked again before a retry after a conflict', async () => {
    const fence = switchable(true);
    patch.mockImplementationOnce(async () => {
      fence.open = false; // the lease goes stale while the first request is out
      throw Object.assign(new Error('conflict'), { code: 409 });
    });
    const patcher = new StatusPatcher(new FencedKubeClient(unreachableKubeConfig(), fence));
    await expect(
      patcher.patch<{ ready?: boolean }, ReturnType<typeof thing>>(KIND, thing(), (status) => {
        status.ready = true;
      }),
    ).rejects.toBeInstanceOf(NotLeaderError);
    expect(patch).toHaveBeenCalledTimes(1);
  });

  it('finalizers: neither add nor remove reaches the API server from a stale leader', async () => {
    const client = new FencedKubeClient(unreachableKubeConfig(), switchable(false));
    await expect(addFinalizer(client, KIND, thing(), LOGICOPS_FINALIZER)).rejects.toBeInstanceOf(
      NotLeaderError,
    );
    await expect(
      removeFinalizer(client, KIND, thing([LOGICOPS_FINALIZER]), LOGICOPS_FINALIZER),
    ).rejects.toBeInstanceOf(NotLeaderError);
    expect(patch).not.toHaveBeenCalled();
    expect(get).not.toHaveBeenCalled();
  });

  it('finalizers: a fresh leader adds and removes as before', async () => {
    const client = new FencedKubeClient(unreachableKubeConfig(), switchable(true));
    await addFinalizer(client, KIND, thing(), LOGICOPS_FINALIZER);
    await removeFinalizer(client, KIND, thing([LOGICOPS_FINALIZER]), LOGICOPS_FINALIZER);
    expect(patch).toHaveBeenCalledTimes(2);
  });
});

describe('KubeEventRecorder behind the fence', () => {
  let create: ReturnType<typeof vi.spyOn>;
  let replace: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    create = vi
      .spyOn(EventsV1Api.prototype, 'createNamespacedEvent')
      .mockImplementation(async (request: { body: EventsV1Event }) => request.body);
    replace = vi
      .spyOn(EventsV1Api.prototype, 'replaceNamespacedEvent')
      .mockImplementation(async (request: { body: EventsV1Event }) => request.body);
  });
  afterEach(() => vi.restoreAllMocks());

  const recorder = (fence: WriteFence, clock = new FakeClock()) =>
    new KubeEventRecorder(
      unreachableKubeConfig(),
      { instance: 'test', fence, seriesUpdateIntervalMs: 30_000 },
      silentLogger(),
      clock,
    );

  it('records while the fence is open and drops silently once it closes', async () => {
    const fence = switchable(true);
    const events = recorder(fence);
    await events.record(thing(), 'Normal', 'Created', 'Reconcile', 'created');
    expect(create).toHaveBeenCalledTimes(1);
    fence.open = false;
    await expect(events.record(thing(), 'Warning', 'Failed', 'Reconcile', 'failed')).resolves.toBeUndefined();
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('does not publish a held-back series update after the fence closed', async () => {
    const fence = switchable(true);
    const clock = new FakeClock();
    const events = recorder(fence, clock);
    await events.record(thing(), 'Warning', 'Failed', 'Reconcile', 'failed');
    await events.record(thing(), 'Warning', 'Failed', 'Reconcile', 'failed'); // held for the flush timer
    fence.open = false;
    await clock.advance(30_000);
    expect(create).toHaveBeenCalledTimes(1);
    expect(replace).not.toHaveBeenCalled();
  });

  it('publishes that held-back update while the fence stays open (the test above can fail)', async () => {
    const clock = new FakeClock();
    const events = recorder(switchable(true), clock);
    await events.record(thing(), 'Warning', 'Failed', 'Reconcile', 'failed');
    await events.record(thing(), 'Warning', 'Failed', 'Reconcile', 'failed');
    await clock.advance(30_000);
    expect(replace).toHaveBeenCalledTimes(1);
  });
});

describe('the connection-level fence (undici handlers)', () => {
  it.each([
    ['PATCH', '/apis/logicops.io/v1alpha1/namespaces/ns/things/a/status', true],
    ['POST', '/apis/events.k8s.io/v1/namespaces/ns/events', true],
    ['PUT', '/apis/events.k8s.io/v1/namespaces/ns/events/e', true],
    ['GET', '/apis/logicops.io/v1alpha1/things?watch=true', false],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/ns/leases/l', false],
    ['POST', '/apis/coordination.k8s.io/v1/namespaces/ns/leases', false],
  ])('%s %s is fenced: %s', (method, path, fenced) => {
    expect(isFencedRequest(method, path)).toBe(fenced);
  });

  function handler() {
    return {
      onRequestStart: vi.fn(),
      onResponseStart: vi.fn(),
      onResponseData: vi.fn(),
      onResponseEnd: vi.fn(),
      onResponseError: vi.fn(),
    };
  }

  it('aborts a write, unsent, when leadership went stale before it reached the wire', () => {
    const inner = handler();
    const fence = switchable(true);
    const wrapped = fencedHandler(inner, fence, 'POST /events');
    fence.open = false; // frozen while the request waited for a connection
    const controller = { abort: vi.fn() };
    wrapped.onRequestStart?.(controller, null);
    expect(controller.abort).toHaveBeenCalledWith(expect.any(NotLeaderError));
    expect(inner.onRequestStart).not.toHaveBeenCalled();
  });

  it('passes every callback through while the leader is fresh', () => {
    const inner = handler();
    const wrapped = fencedHandler(inner, switchable(true), 'POST /events');
    const controller = { abort: vi.fn() };
    wrapped.onRequestStart?.(controller, null);
    wrapped.onResponseEnd?.(controller, {});
    expect(controller.abort).not.toHaveBeenCalled();
    expect(inner.onRequestStart).toHaveBeenCalledWith(controller, null);
    expect(inner.onResponseEnd).toHaveBeenCalledTimes(1);
    expect(Object.keys(wrapped).sort()).toEqual(Object.keys(inner).sort());
  });

  /** A dispatcher that records what reaches it and whether the handler was wrapped. */
  function recorder(name: string, log: Array<{ to: string; method: string; wrapped: boolean }>) {
    return {
      dispatch: (options: { method: string }, h: unknown) => {
        log.push({ to: name, method: options.method, wrapped: h !== sentinel });
        return true;
      },
      compose(interceptor: (dispatch: unknown) => (options: unknown, h: unknown) => boolean) {
        return { dispatch: interceptor(this.dispatch) };
      },
    };
  }
  const sentinel = handler();

  it('fencedDispatcher sends reads and the Lease to the shared pool, other writes to the fenced pool', () => {
    const log: Array<{ to: string; method: string; wrapped: boolean }> = [];
    const dispatcher = fencedDispatcher(
      recorder('reads', log) as never,
      recorder('writes', log) as never,
      switchable(true),
      () => new FenceUnavailableError('unused'),
    );
    dispatcher.dispatch({ method: 'GET', path: '/api/v1/namespaces' }, sentinel as never);
    dispatcher.dispatch(
      { method: 'PUT', path: '/apis/coordination.k8s.io/v1/namespaces/ns/leases/l' },
      sentinel as never,
    );
    dispatcher.dispatch(
      { method: 'PATCH', path: '/apis/logicops.io/v1alpha1/namespaces/ns/things/a' },
      sentinel as never,
    );
    expect(log).toEqual([
      { to: 'reads', method: 'GET', wrapped: false },
      { to: 'reads', method: 'PUT', wrapped: false },
      { to: 'writes', method: 'PATCH', wrapped: true },
    ]);
  });

  it('fencedDispatcher without a fenced pool aborts every write, unsent, saying why (fails closed)', () => {
    const log: Array<{ to: string; method: string; wrapped: boolean }> = [];
    const inner = handler();
    const dispatcher = fencedDispatcher(
      {
        ...recorder('reads', log),
        compose(interceptor: (dispatch: unknown) => (options: unknown, h: unknown) => boolean) {
          return {
            dispatch: interceptor((options: { method: string }, h: { onRequestStart(c: unknown): void }) => {
              h.onRequestStart(controller);
              log.push({ to: 'reads', method: options.method, wrapped: true });
              return true;
            }),
          };
        },
      } as never,
      undefined,
      switchable(true),
      () => new FenceUnavailableError('no fenced pool'),
    );
    const controller = { abort: vi.fn() };
    dispatcher.dispatch(
      { method: 'POST', path: '/apis/events.k8s.io/v1/namespaces/ns/events' },
      inner as never,
    );
    expect(controller.abort).toHaveBeenCalledWith(expect.any(FenceUnavailableError));
    expect(inner.onRequestStart).not.toHaveBeenCalled();
  });
});

describe('FencedTransport (under the TLS of the fenced write pool)', () => {
  it('writes while the leader is fresh, and closes the connection unsent once the fence closed', async () => {
    const tcp = new PassThrough();
    const written: Buffer[] = [];
    tcp.on('data', (chunk: Buffer) => written.push(chunk));
    const fence = switchable(true);
    const transport = new FencedTransport(tcp, fence);
    const errors: unknown[] = [];
    transport.on('error', (error) => errors.push(error));
    await new Promise<void>((resolve) => transport.write('PATCH /status HTTP/1.1\r\n', () => resolve()));
    fence.open = false; // frozen between two writes of one request, resumed stale
    transport.write('{"status":{}}');
    await new Promise((resolve) => transport.once('close', resolve));
    expect(Buffer.concat(written).toString()).toBe('PATCH /status HTTP/1.1\r\n');
    expect(errors).toEqual([expect.any(NotLeaderError)]);
    expect(tcp.destroyed).toBe(true);
  });

  it('passes what the server sends, fence open or closed (reads are not fenced)', async () => {
    const tcp = new PassThrough();
    const transport = new FencedTransport(tcp, switchable(false));
    const read: Buffer[] = [];
    transport.on('data', (chunk: Buffer) => read.push(chunk));
    tcp.push('HTTP/1.1 200 OK\r\n');
    tcp.push(null);
    await new Promise((resolve) => transport.once('end', resolve));
    expect(Buffer.concat(read).toString()).toBe('HTTP/1.1 200 OK\r\n');
  });
});
