// The connection-level leadership fence against a real API server, with client-node's own
// clients and the shared connection pool the operator uses: a write is refused at the moment it
// would go on the wire, reads and the election's Lease requests are not, and once the fence opens
// writes flow again on the same KubeConfig. A write that passed the check when undici took it is
// still refused at the socket when the fence closes before its bytes are written.
import { CoordinationV1Api, CoreV1Api, EventsV1Api, V1MicroTime } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConnections } from '../../../src/runtime/kube-connections.ts';
import type { WriteFence } from '../../../src/runtime/leadership/fence.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';

describe('KubeConnections with a fence', () => {
  let namespace = '';
  beforeAll(async () => {
    namespace = await createTestNamespace('conn-fence');
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  it('refuses writes at send time while closed, lets reads and the Lease through, and writes again when open', async () => {
    const fence: WriteFence & { open: boolean } = {
      open: false,
      mayWrite() {
        return this.open;
      },
    };
    const connections = new KubeConnections(adminKubeConfig(), { fence });
    await connections.verify();
    const kubeConfig = connections.kubeConfig;
    const events = kubeConfig.makeApiClient(EventsV1Api);

    const refused = await events
      .createNamespacedEvent(event('while-closed', namespace))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(JSON.stringify(describeError(refused))).toMatch(/not the leader/);
    // Reads pass, and so do the election's own Lease writes.
    await kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    await kubeConfig.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace,
      body: { metadata: { name: 'fence-test', namespace }, spec: { holderIdentity: 'x' } },
    });

    fence.open = true;
    await events.createNamespacedEvent(event('while-open', namespace));
    const listed = await adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
    expect(listed.items.map((e) => e.metadata?.name).sort()).toEqual(['while-open']);
    await connections.close();
  });

  it('refuses at the socket a write that passed the check when undici took it', async () => {
    // Answers yes `asksLeft` more times, then no.
    const fence = {
      asksLeft: Number.POSITIVE_INFINITY,
      asked: 0,
      mayWrite() {
        this.asked++;
        return this.asksLeft-- > 0;
      },
    };
    const connections = new KubeConnections(adminKubeConfig(), { fence });
    const events = connections.kubeConfig.makeApiClient(EventsV1Api);
    // A first write opens the fenced connection (keep-alive), so the next one reuses it: no TLS
    // handshake writes come before the request's own. undici frees the connection in the turn that
    // read the response; one event-loop turn later it is idle.
    await events.createNamespacedEvent(event('warm-up', namespace));
    await new Promise((resolve) => setImmediate(resolve));
    // Then yes to one more question only — the check when undici takes the request — and no to
    // every byte after it: a leader frozen between taking a request and writing it.
    fence.asksLeft = 1;
    fence.asked = 0;
    const refused = await events
      .createNamespacedEvent(event('gone-stale', namespace))
      .catch((e: unknown) => e);
    expect(describeError(refused).join(' | ')).toMatch(/at the socket: this instance is not the leader/);
    expect(fence.asked).toBeGreaterThan(1);
    const listed = await adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
    expect(listed.items.map((e) => e.metadata?.name)).toContain('warm-up');
    expect(listed.items.map((e) => e.metadata?.name)).not.toContain('gone-stale');
    await connections.close();
  });
});

function event(name: string, namespace: string) {
  return {
    namespace,
    body: {
      metadata: { name, namespace },
      eventTime: new V1MicroTime(Date.now()),
      reportingController: 'logicops',
      reportingInstance: 'test',
      type: 'Normal',
      reason: 'Tested',
      action: 'Test',
      note: 'connection fence',
      regarding: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'fence-test', namespace },
    },
  };
}

/** The refusal may arrive wrapped (fetch failed → cause); collect every message on the way. */
function describeError(error: unknown): string[] {
  const messages: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    messages.push(String(e.message));
  return messages;
}
