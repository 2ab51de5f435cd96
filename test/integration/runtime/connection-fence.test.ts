// The connection-level leadership fence against a real API server, with client-node's own
// clients and the shared connection pool the operator uses: a write is refused at the moment it
// would go on the wire, reads and the election's Lease requests are not, and once the fence opens
// writes flow again on the same KubeConfig.
import { CoordinationV1Api, CoreV1Api, EventsV1Api, V1MicroTime } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fenceConnections } from '../../../src/runtime/connection-fence.ts';
import type { WriteFence } from '../../../src/runtime/leadership-fence.ts';
import { shareDispatchers } from '../../../src/runtime/shared-dispatcher.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';

describe('fenceConnections', () => {
  let namespace = '';
  beforeAll(async () => {
    namespace = await createTestNamespace('conn-fence');
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  it('refuses writes at send time while closed, lets reads and the Lease through, and writes again when open', async () => {
    const kubeConfig = adminKubeConfig();
    shareDispatchers(kubeConfig);
    const fence: WriteFence & { open: boolean } = {
      open: false,
      mayWrite() {
        return this.open;
      },
    };
    expect(fenceConnections(kubeConfig, fence)).toBe(true);
    const events = kubeConfig.makeApiClient(EventsV1Api);
    const event = (name: string) => ({
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
    });

    const refused = await events.createNamespacedEvent(event('while-closed')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(JSON.stringify(describeError(refused))).toMatch(/not the leader/);
    // Reads pass, and so do the election's own Lease writes.
    await kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    await kubeConfig.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace,
      body: { metadata: { name: 'fence-test', namespace }, spec: { holderIdentity: 'x' } },
    });

    fence.open = true;
    await events.createNamespacedEvent(event('while-open'));
    const listed = await adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
    expect(listed.items.map((e) => e.metadata?.name).sort()).toEqual(['while-open']);
  });
});

/** The refusal may arrive wrapped (fetch failed → cause); collect every message on the way. */
function describeError(error: unknown): string[] {
  const messages: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    messages.push(String(e.message));
  return messages;
}
