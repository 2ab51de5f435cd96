import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionsOf,
  findCondition,
  markReady,
  markReconciling,
  setCondition,
} from '../../../src/runtime/conditions.ts';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../../src/runtime/finalizers.ts';
import { KubeClient } from '../../../src/runtime/kube-client.ts';
import { StatusPatcher } from '../../../src/runtime/status-patcher.ts';
import { LOGICOPS_FINALIZER } from '../../../src/vocabulary.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, installCrd } from '../support/cluster.ts';
import { WIDGET, WIDGET_CRD, type Widget, widgetManifest } from './support/widget.ts';

const FOREIGN = 'example.com/someone-else';

describe('finalizers and status against a real API server', () => {
  let namespace: string;
  const client = new KubeClient(adminKubeConfig());
  const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
  const ref = (name: string) => ({
    group: WIDGET.group,
    version: WIDGET.version,
    plural: WIDGET.plural,
    namespace,
    name,
  });

  async function createWidget(name: string): Promise<Widget> {
    return (await custom.createNamespacedCustomObject({
      group: WIDGET.group,
      version: WIDGET.version,
      plural: WIDGET.plural,
      namespace,
      body: widgetManifest(namespace, name, { size: 1 }),
    })) as Widget;
  }
  const read = (name: string) => client.get<Widget>(WIDGET, namespace, name);

  beforeAll(async () => {
    await installCrd(WIDGET_CRD);
    namespace = await createTestNamespace('rt-finalizers');
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  describe('finalizers', () => {
    it('adds the finalizer once and removes only its own', async () => {
      const created = await createWidget('fin-basic');
      const added = await addFinalizer(client, WIDGET, created, LOGICOPS_FINALIZER);
      expect(added.metadata?.finalizers).toEqual([LOGICOPS_FINALIZER]);
      // Adding again is a no-op that sends nothing: the resourceVersion does not move.
      const again = await addFinalizer(client, WIDGET, added, LOGICOPS_FINALIZER);
      expect(again.metadata?.resourceVersion).toBe(added.metadata?.resourceVersion);

      await custom.patchNamespacedCustomObject({
        ...ref('fin-basic'),
        body: [{ op: 'add', path: '/metadata/finalizers/-', value: FOREIGN }],
      });
      // `added` is stale now (it has no FOREIGN); removal must re-read rather than clobber.
      const removed = await removeFinalizer(client, WIDGET, added, LOGICOPS_FINALIZER);
      expect(removed?.metadata?.finalizers).toEqual([FOREIGN]);
      expect((await read('fin-basic')).metadata?.finalizers).toEqual([FOREIGN]);
    });

    it('never clobbers a finalizer another controller added since our read', async () => {
      const created = await createWidget('fin-race');
      // Someone else adds theirs after we read `created` (which has no finalizers at all).
      await custom.patchNamespacedCustomObject({
        ...ref('fin-race'),
        body: [{ op: 'add', path: '/metadata/finalizers', value: [FOREIGN] }],
      });
      const added = await addFinalizer(client, WIDGET, created, LOGICOPS_FINALIZER);
      expect(added.metadata?.finalizers?.sort()).toEqual([FOREIGN, LOGICOPS_FINALIZER].sort());
    });

    it('holds deletion until the finalizer is removed, then the object is gone', async () => {
      const created = await createWidget('fin-delete');
      await addFinalizer(client, WIDGET, created, LOGICOPS_FINALIZER);
      await custom.deleteNamespacedCustomObject(ref('fin-delete'));
      const deleting = await read('fin-delete');
      expect(deleting.metadata?.deletionTimestamp).toBeDefined();
      expect(hasFinalizer(deleting, LOGICOPS_FINALIZER)).toBe(true);
      expect(await removeFinalizer(client, WIDGET, deleting, LOGICOPS_FINALIZER)).toBeDefined();
      await expect(read('fin-delete')).rejects.toMatchObject({ code: 404 });
      // Removing from an object that is already gone is not an error.
      expect(await removeFinalizer(client, WIDGET, deleting, LOGICOPS_FINALIZER)).toBeUndefined();
    });
  });

  describe('status patcher', () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const patcher = new StatusPatcher(client);

    it('patches the status subresource with field manager logicops, and skips a write when unchanged', async () => {
      const created = await createWidget('status-basic');
      const first = await patcher.patch(WIDGET, created, (status: NonNullable<Widget['status']>) => {
        markReconciling(status, { generation: 1, reason: 'Progressing', message: 'working' }, clock);
        status.message = 'hello';
      });
      expect(first.outcome).toBe('patched');
      expect(first.object.status?.message).toBe('hello');
      expect(
        first.object.metadata?.managedFields?.some(
          (f) => f.manager === 'logicops' && f.subresource === 'status',
        ),
      ).toBe(true);
      // The spec is untouched by a status write.
      expect(first.object.spec).toEqual({ size: 1 });

      const second = await patcher.patch(WIDGET, first.object, (status: NonNullable<Widget['status']>) => {
        markReconciling(status, { generation: 1, reason: 'Progressing', message: 'working' }, clock);
        status.message = 'hello';
      });
      expect(second.outcome).toBe('unchanged');
      expect((await read('status-basic')).metadata?.resourceVersion).toBe(
        first.object.metadata?.resourceVersion,
      );
    });

    it('retries on conflict against the fresh object, keeping what another writer added', async () => {
      const created = await createWidget('status-conflict');
      const stale = (
        await patcher.patch(WIDGET, created, (status: NonNullable<Widget['status']>) => {
          markReconciling(status, { generation: 1, reason: 'Progressing' }, clock);
        })
      ).object;
      // Another writer changes status after our read.
      await custom.patchNamespacedCustomObjectStatus({
        ...ref('status-conflict'),
        body: [
          {
            op: 'add',
            path: '/status/conditions/-',
            value: {
              type: 'QuotaAvailable',
              status: 'True',
              reason: 'WithinLimit',
              message: '',
              lastTransitionTime: '2026-06-01T00:00:00Z',
            },
          },
        ],
      });
      const result = await patcher.patch(WIDGET, stale, (status: NonNullable<Widget['status']>) => {
        markReady(status, { generation: 1 }, clock);
      });
      expect(result.outcome).toBe('patched');
      expect(result.conflicts).toBe(1);
      const stored = await read('status-conflict');
      expect(findCondition(stored.status?.conditions, 'Ready')?.status).toBe('True');
      expect(findCondition(stored.status?.conditions, 'QuotaAvailable')?.status).toBe('True');
      expect(findCondition(stored.status?.conditions, 'Reconciling')).toBeUndefined();
      expect(stored.status?.observedGeneration).toBe(1);
    });

    it('gives up after its attempts when conflicts never stop', async () => {
      const created = await createWidget('status-hot');
      const hot = new StatusPatcher(
        {
          patch: () => Promise.reject(Object.assign(new Error('conflict'), { statusCode: 409 })),
          get: () => read('status-hot'),
        } as unknown as KubeClient,
        3,
      );
      await expect(
        hot.patch(WIDGET, created, (status: NonNullable<Widget['status']>) => {
          setCondition(
            conditionsOf(status),
            { type: 'Ready', status: 'False', reason: 'Progressing' },
            clock.now(),
          );
        }),
      ).rejects.toMatchObject({ statusCode: 409 });
    });
  });
});
