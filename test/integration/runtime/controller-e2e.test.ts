// A tiny controller, driven only by the runtime against a real API server: a Widget names a
// source ConfigMap; the controller copies its data into `<widget>-echo` (the "external write",
// so it sits behind the finalizer), reports kstatus conditions, and deletes the echo on delete.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { systemClock } from '../../../src/runtime/clock.ts';
import { markReady, markReconciling, markStalled } from '../../../src/runtime/conditions.ts';
import { Controller, type ReconcileContext } from '../../../src/runtime/controller.ts';
import { withFinalizer } from '../../../src/runtime/finalizers.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import { computeKstatus } from '../../../src/runtime/kstatus.ts';
import { KubeClient } from '../../../src/runtime/kube-client.ts';
import { isNotFound } from '../../../src/runtime/kube-errors.ts';
import { keyOf, objectKey } from '../../../src/runtime/object-key.ts';
import { done, TerminalError } from '../../../src/runtime/reconcile-result.ts';
import { StatusPatcher } from '../../../src/runtime/status-patcher.ts';
import { LOGICOPS_FINALIZER } from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace, installCrd } from '../support/cluster.ts';
import {
  CONFIG_MAP,
  type ConfigMap,
  WIDGET,
  WIDGET_CRD,
  type Widget,
  widgetManifest,
} from './support/widget.ts';

const SOURCE_LABEL = 'runtime-test/e2e';
type WidgetStatus = NonNullable<Widget['status']>;

describe('a controller built on the runtime', () => {
  let namespace: string;
  let widgets: Informer<Widget>;
  let sources: Informer<ConfigMap>;
  let controller: Controller<Widget>;
  const reconciled: string[] = [];
  /** Keys the queue has finished processing, whether or not reconcile ran. */
  const processed: string[] = [];
  const kc = adminKubeConfig();
  const client = new KubeClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const patcher = new StatusPatcher(client);

  async function reconcileWidget(widget: Widget, context: ReconcileContext) {
    reconciled.push(`${widget.metadata?.name}@${widget.metadata?.generation}`);
    const generation = widget.metadata?.generation ?? 0;
    const ns = widget.metadata?.namespace ?? '';
    const name = widget.metadata?.name ?? '';
    const echoName = `${name}-echo`;
    return withFinalizer(client, WIDGET, widget, LOGICOPS_FINALIZER, {
      apply: async (current) => {
        if ((current.spec.size ?? 0) < 0) {
          await patcher.patch(WIDGET, current, (status: WidgetStatus) =>
            markStalled(
              status,
              { generation, reason: 'InvalidSpec', message: 'size must not be negative' },
              context.clock,
            ),
          );
          throw new TerminalError('InvalidSpec', 'size must not be negative');
        }
        const source = sources.get(objectKey({ namespace: ns, name: current.spec.configMapName ?? '' }));
        if (!source) {
          await patcher.patch(WIDGET, current, (status: WidgetStatus) =>
            markReconciling(status, { generation, reason: 'WaitingForConfigMap' }, context.clock),
          );
          return done(); // the ConfigMap watch wakes us when it appears
        }
        const echo = { metadata: { namespace: ns, name: echoName }, data: { ...source.data } };
        await core
          .replaceNamespacedConfigMap({ namespace: ns, name: echoName, body: echo })
          .catch(async (error) => {
            if (!isNotFound(error)) throw error;
            await core.createNamespacedConfigMap({ namespace: ns, body: echo });
          });
        await patcher.patch(WIDGET, current, (status: WidgetStatus) => {
          status.message = source.data?.message;
          markReady(status, { generation }, context.clock);
        });
        return done();
      },
      cleanup: async () => {
        await core.deleteNamespacedConfigMap({ namespace: ns, name: echoName }).catch((error) => {
          if (!isNotFound(error)) throw error;
        });
        return done();
      },
    });
  }

  beforeAll(async () => {
    await installCrd(WIDGET_CRD);
    namespace = await createTestNamespace('rt-e2e');
    const common = { client, namespaces: [namespace], logger: silentLogger(), clock: systemClock };
    widgets = new Informer<Widget>({ ...common, kind: WIDGET });
    sources = new Informer<ConfigMap>({
      ...common,
      kind: CONFIG_MAP,
      labelSelector: `${SOURCE_LABEL}=source`,
    });
    controller = new Controller<Widget>({
      name: 'widget',
      source: widgets,
      reconcile: reconcileWidget,
      logger: silentLogger(),
      workers: 2,
      queueObserver: { finished: (key) => processed.push(key) },
    }).watches(sources, (configMap) =>
      widgets
        .list()
        .filter((w) => w.metadata?.namespace === configMap.metadata?.namespace)
        .filter((w) => w.spec.configMapName === configMap.metadata?.name)
        .map(keyOf),
    );
    widgets.start();
    sources.start();
    await controller.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await widgets?.stop();
    await sources?.stop();
    await deleteTestNamespace(namespace);
  });

  const read = () => client.get<Widget>(WIDGET, namespace, 'demo');
  const readEcho = () => core.readNamespacedConfigMap({ namespace, name: 'demo-echo' });

  it('adds the finalizer and reports it is waiting for its ConfigMap', async () => {
    await custom.createNamespacedCustomObject({
      group: WIDGET.group,
      version: WIDGET.version,
      plural: WIDGET.plural,
      namespace,
      body: widgetManifest(namespace, 'demo', { configMapName: 'source', size: 1 }),
    });
    const waiting = await eventually(async () => {
      const widget = await read();
      expect(widget.status?.conditions?.find((c) => c.type === 'Reconciling')?.reason).toBe(
        'WaitingForConfigMap',
      );
      return widget;
    });
    expect(waiting.metadata?.finalizers).toEqual([LOGICOPS_FINALIZER]);
    expect(computeKstatus(waiting)).toBe('InProgress');
  });

  it('becomes Ready when the related ConfigMap appears, and follows its changes', async () => {
    const labels = { [SOURCE_LABEL]: 'source' };
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'source', labels }, data: { message: 'hi' } },
    });
    await eventually(async () => {
      const widget = await read();
      expect(computeKstatus(widget)).toBe('Current');
      expect(widget.status?.message).toBe('hi');
      expect(widget.status?.observedGeneration).toBe(1);
    });
    expect((await readEcho()).data).toEqual({ message: 'hi' });

    await core.patchNamespacedConfigMap({
      namespace,
      name: 'source',
      body: [{ op: 'replace', path: '/data/message', value: 'hello' }],
    });
    await eventually(async () => expect((await read()).status?.message).toBe('hello'));
    await eventually(async () => expect((await readEcho()).data).toEqual({ message: 'hello' }));
  });

  it('stalls on an invalid spec without retrying, and recovers when the spec is fixed', async () => {
    await custom.patchNamespacedCustomObject({
      group: WIDGET.group,
      version: WIDGET.version,
      plural: WIDGET.plural,
      namespace,
      name: 'demo',
      body: [{ op: 'replace', path: '/spec/size', value: -1 }],
    });
    await eventually(async () => {
      const widget = await read();
      expect(computeKstatus(widget)).toBe('Failed');
      expect(widget.status?.conditions?.find((c) => c.type === 'Stalled')?.reason).toBe('InvalidSpec');
      expect(widget.status?.observedGeneration).toBe(2);
    });
    // A related change enqueues the widget, but a terminally failed generation is skipped.
    const runsAtGeneration2 = () => reconciled.filter((r) => r === 'demo@2').length;
    const processedDemo = () => processed.filter((key) => key === `${namespace}/demo`).length;
    const runsBefore = runsAtGeneration2();
    const processedBefore = processedDemo();
    await core.patchNamespacedConfigMap({
      namespace,
      name: 'source',
      body: [{ op: 'replace', path: '/data/message', value: 'ignored' }],
    });
    await eventually(() => expect(processedDemo()).toBeGreaterThan(processedBefore));
    expect(runsAtGeneration2()).toBe(runsBefore);

    await custom.patchNamespacedCustomObject({
      group: WIDGET.group,
      version: WIDGET.version,
      plural: WIDGET.plural,
      namespace,
      name: 'demo',
      body: [{ op: 'replace', path: '/spec/size', value: 2 }],
    });
    await eventually(async () => {
      const widget = await read();
      expect(computeKstatus(widget)).toBe('Current');
      expect(widget.status?.message).toBe('ignored');
    });
  });

  it('cleans up before it lets the object go', async () => {
    await custom.deleteNamespacedCustomObject({
      group: WIDGET.group,
      version: WIDGET.version,
      plural: WIDGET.plural,
      namespace,
      name: 'demo',
    });
    await eventually(async () => expect(await read().catch((error) => error.code)).toBe(404));
    await expect(readEcho()).rejects.toMatchObject({ code: 404 });
  });
});
