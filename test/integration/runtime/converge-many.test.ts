// A controller on the runtime converges 100 objects against a real API server, and neither a
// reconcile that throws nor a watch-mapping that throws takes the process (or the loop) down.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { Controller } from '../../../src/runtime/controller.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import { KubeClient, PatchStrategy } from '../../../src/runtime/kube-client.ts';
import { done } from '../../../src/runtime/reconcile-result.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { CONFIG_MAP, type ConfigMap } from './support/widget.ts';

const COUNT = 100;
const LABEL = 'runtime-test/many';
const CONVERGED = 'runtime-test/converged';

describe('a runtime controller at scale', () => {
  let namespace: string;
  let informer: Informer<ConfigMap>;
  let related: Informer<ConfigMap>;
  let controller: Controller<ConfigMap>;
  const attempts = new Map<string, number>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const kube = new KubeClient(adminKubeConfig());
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    namespace = await createTestNamespace('rt-many');
    const scope = { client: kube, kind: CONFIG_MAP, namespaces: [namespace], logger: silentLogger() };
    informer = new Informer<ConfigMap>({ ...scope, labelSelector: `${LABEL}=yes` });
    related = new Informer<ConfigMap>({ ...scope, labelSelector: `${LABEL}=related` });
    controller = new Controller<ConfigMap>({
      name: 'many',
      source: informer,
      logger: silentLogger(),
      workers: 4,
      // Quick retries: the first attempt of every tenth object throws.
      backoff: { baseDelayMs: 50, maxDelayMs: 200, factor: 2 },
      reconcile: async (object) => {
        const name = object.metadata?.name ?? '';
        const attempt = (attempts.get(name) ?? 0) + 1;
        attempts.set(name, attempt);
        if (name.endsWith('0') && attempt === 1) throw new Error(`first attempt of ${name} fails on purpose`);
        if (object.metadata?.labels?.[CONVERGED] !== 'true') {
          await kube.patch(CONFIG_MAP, { namespace, name }, PatchStrategy.MergePatch, {
            metadata: { labels: { [CONVERGED]: 'true' } },
          });
        }
        return done();
      },
    }).watches(related, (object) => {
      // A mapping bug: the controller logs it and keeps going.
      throw new Error(`cannot map ${object.metadata?.name}`);
    });
    informer.start();
    related.start();
    await controller.start();
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await controller?.stop();
    await informer?.stop();
    await related?.stop();
    await deleteTestNamespace(namespace);
  });

  it(`converges ${COUNT} objects, retrying the ones whose reconcile threw`, async () => {
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        core.createNamespacedConfigMap({
          namespace,
          body: { metadata: { name: `object-${i}`, labels: { [LABEL]: 'yes' } } },
        }),
      ),
    );
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'unmappable', labels: { [LABEL]: 'related' } } },
    });
    await eventually(async () => {
      const list = await core.listNamespacedConfigMap({
        namespace,
        labelSelector: `${LABEL}=yes,${CONVERGED}=true`,
      });
      expect(list.items).toHaveLength(COUNT);
    }, 60_000);
    expect(attempts.get('object-10')).toBeGreaterThanOrEqual(2);
    expect(attempts.get('object-11')).toBeGreaterThanOrEqual(1);
    expect(unhandled).toEqual([]);
  });

  it('keeps reconciling after the failures (the loop is alive)', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'late-arrival', labels: { [LABEL]: 'yes' } } },
    });
    await eventually(async () => {
      const object = await core.readNamespacedConfigMap({ namespace, name: 'late-arrival' });
      expect(object.metadata?.labels?.[CONVERGED]).toBe('true');
    }, 20_000);
  });
});
