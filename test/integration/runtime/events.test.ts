// Events are real events.k8s.io/v1 objects, aggregated per object, type and reason.
import { CoreV1Api, EventsV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { KubeEventRecorder } from '../../../src/runtime/events.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';

describe('KubeEventRecorder', () => {
  let namespace: string;
  let subject: V1ConfigMap;
  const events = () => adminKubeConfig().makeApiClient(EventsV1Api);

  beforeAll(async () => {
    namespace = await createTestNamespace('events');
    subject = await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedConfigMap({ namespace, body: { metadata: { name: 'subject' } } });
    subject = { ...subject, apiVersion: 'v1', kind: 'ConfigMap' };
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  const listFor = async (reason: string) =>
    (await events().listNamespacedEvent({ namespace })).items.filter((e) => e.reason === reason);

  it('creates one event that names the object, the controller and the instance', async () => {
    const recorder = new KubeEventRecorder(adminKubeConfig(), { instance: 'pod-1' }, silentLogger());
    await recorder.record(subject, 'Normal', 'Succeeded', 'Reconcile', 'Workflow is in sync');
    const [event, ...rest] = await listFor('Succeeded');
    expect(rest).toHaveLength(0);
    expect(event?.reportingController).toBe('logicops');
    expect(event?.reportingInstance).toBe('pod-1');
    expect(event?.type).toBe('Normal');
    expect(event?.action).toBe('Reconcile');
    expect(event?.note).toBe('Workflow is in sync');
    expect(event?.regarding).toMatchObject({
      kind: 'ConfigMap',
      name: 'subject',
      uid: subject.metadata?.uid,
    });
  });

  it('folds repeats of one reason into a series instead of new events', async () => {
    const recorder = new KubeEventRecorder(
      adminKubeConfig(),
      { instance: 'pod-1', seriesUpdateIntervalMs: 0 },
      silentLogger(),
    );
    for (let i = 0; i < 5; i++) {
      await recorder.record(subject, 'Warning', 'Throttled', 'Reconcile', `attempt ${i}`);
    }
    await recorder.record(subject, 'Warning', 'AuthorizationFailed', 'Reconcile', 'denied');
    const throttled = await listFor('Throttled');
    expect(throttled).toHaveLength(1);
    expect(throttled[0]?.series?.count).toBe(5);
    expect(throttled[0]?.note).toBe('attempt 0');
    expect(await listFor('AuthorizationFailed')).toHaveLength(1);
  });

  it('counts repeats locally between series updates, so a hot loop costs no requests', async () => {
    const recorder = new KubeEventRecorder(
      adminKubeConfig(),
      { instance: 'pod-1', seriesUpdateIntervalMs: 60_000 },
      silentLogger(),
    );
    for (let i = 0; i < 20; i++) {
      await recorder.record(subject, 'Warning', 'QuotaExceeded', 'Reconcile', 'limit reached');
    }
    const quota = await listFor('QuotaExceeded');
    expect(quota).toHaveLength(1);
    expect(quota[0]?.series).toBeUndefined();
  });

  it('publishes repeats held back by the update interval when the interval ends, without a further occurrence', async () => {
    const recorder = new KubeEventRecorder(
      adminKubeConfig(),
      { instance: 'pod-1', seriesUpdateIntervalMs: 500 },
      silentLogger(),
    );
    await recorder.record(subject, 'Normal', 'DriftCorrected', 'Reconcile', 'restored state');
    await recorder.record(subject, 'Normal', 'DriftCorrected', 'Reconcile', 'restored state');
    expect((await listFor('DriftCorrected'))[0]?.series).toBeUndefined();
    await eventually(async () => expect((await listFor('DriftCorrected'))[0]?.series?.count).toBe(2), 10_000);
  });

  it('truncates a long note to the 1 kB the API allows', async () => {
    const recorder = new KubeEventRecorder(adminKubeConfig(), { instance: 'pod-1' }, silentLogger());
    await recorder.record(subject, 'Warning', 'InvalidSpec', 'Reconcile', 'x'.repeat(5000));
    const [event] = await listFor('InvalidSpec');
    expect(event?.note?.length).toBe(1024);
    expect(event?.note?.endsWith('...')).toBe(true);
  });
});
