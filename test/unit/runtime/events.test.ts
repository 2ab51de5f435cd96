// What the event recorder keeps per series: the body it created the Event from, not the API
// server's answer (managedFields, resourceVersion and the server's own copy of every string),
// so thousands of open series stay small (issue 12). The wire behaviour of series against a
// real API server is test/integration/runtime/events.test.ts.
import { EventsV1Api, type EventsV1Event } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { KubeEventRecorder } from '../../../src/runtime/events.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { unreachableKubeConfig } from './support/unreachable-kubeconfig.ts';

const binding = {
  apiVersion: 'logicops.io/v1alpha1',
  kind: 'VaultSecretBinding',
  metadata: { namespace: 'team-a', name: 'orders', uid: 'uid-orders', resourceVersion: '41' },
};

describe('KubeEventRecorder series', () => {
  let replaced: EventsV1Event[];

  beforeEach(() => {
    replaced = [];
    // The API server's answer to a create: the body plus what the server adds.
    vi.spyOn(EventsV1Api.prototype, 'createNamespacedEvent').mockImplementation(
      async (request: { body: EventsV1Event }) => ({
        ...request.body,
        metadata: {
          ...request.body.metadata,
          uid: 'event-uid',
          resourceVersion: '1001',
          managedFields: [{ manager: 'logicops', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} }],
        },
      }),
    );
    vi.spyOn(EventsV1Api.prototype, 'replaceNamespacedEvent').mockImplementation(
      async (request: { body: EventsV1Event }) => {
        replaced.push(structuredClone(request.body));
        return { ...request.body, metadata: { ...request.body.metadata, resourceVersion: '1002' } };
      },
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it('updates a series from the body it created, named as created, without what the server added', async () => {
    const clock = new FakeClock();
    const events = new KubeEventRecorder(
      unreachableKubeConfig(),
      { instance: 'pod-1', seriesUpdateIntervalMs: 1_000 },
      silentLogger(),
      clock,
    );
    await events.record(binding, 'Warning', 'Throttled', 'Grant', 'ARM said 429; retrying');
    await clock.advance(2_000);
    await events.record(binding, 'Warning', 'Throttled', 'Grant', 'ARM said 429 again; retrying');

    expect(replaced).toHaveLength(1);
    const update = replaced[0];
    expect(update?.metadata).toEqual({
      name: expect.stringMatching(/^orders\.[0-9a-f]+$/),
      namespace: 'team-a',
    });
    expect(update?.series?.count).toBe(2);
    // The note of a series is the first one (the API server keeps it immutable).
    expect(update?.note).toBe('ARM said 429; retrying');
    expect(update?.regarding).toMatchObject({
      kind: 'VaultSecretBinding',
      name: 'orders',
      uid: 'uid-orders',
    });

    // The next update builds on the last one sent: the count goes on, still without server fields.
    await clock.advance(2_000);
    await events.record(binding, 'Warning', 'Throttled', 'Grant', 'and again');
    expect(replaced[1]?.series?.count).toBe(3);
    expect(replaced[1]?.metadata).toEqual(update?.metadata);
  });
});
