import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import { KubeClient } from '../../../src/runtime/kube-client.ts';
import type { CacheEvent } from '../../../src/runtime/object-store.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { CONFIG_MAP, type ConfigMap } from './support/widget.ts';

const LABEL = 'runtime-test/informer';

describe('Informer against a real API server', () => {
  let namespace: string;
  let otherNamespace: string;
  let informer: Informer<ConfigMap>;
  const events: string[] = [];
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  const configMap = (ns: string, name: string, labelled: boolean, data: Record<string, string> = {}) => {
    const labels: Record<string, string> = labelled ? { [LABEL]: 'yes' } : {};
    return { metadata: { namespace: ns, name, labels }, data };
  };

  beforeAll(async () => {
    namespace = await createTestNamespace('rt-informer');
    otherNamespace = await createTestNamespace('rt-informer-other');
    // Objects present before the informer starts arrive through the initial list, paged 2 at a time.
    for (const name of ['before-start', 'before-2', 'before-3']) {
      await core.createNamespacedConfigMap({ namespace, body: configMap(namespace, name, true) });
    }
    informer = new Informer<ConfigMap>({
      client: new KubeClient(adminKubeConfig()),
      kind: CONFIG_MAP,
      namespaces: [namespace],
      labelSelector: `${LABEL}=yes`,
      logger: silentLogger(),
      pageSize: 2,
    });
    informer.subscribe((event: CacheEvent<ConfigMap>) =>
      events.push(`${event.type} ${event.object.metadata?.name}`),
    );
    informer.start();
    await informer.waitForSync();
  });

  afterAll(async () => {
    await informer?.stop();
    await deleteTestNamespace(namespace);
    await deleteTestNamespace(otherNamespace);
  });

  it('knows when it has synced and holds what was there before it started', () => {
    expect(informer.hasSynced).toBe(true);
    expect(informer.keys().sort()).toEqual(
      ['before-2', 'before-3', 'before-start'].map((name) => `${namespace}/${name}`),
    );
    expect(informer.get(`${namespace}/before-start`)?.kind).toBe('ConfigMap');
  });

  it('sees adds, updates and deletes', async () => {
    await core.createNamespacedConfigMap({ namespace, body: configMap(namespace, 'cm-a', true, { v: '1' }) });
    await eventually(() => expect(informer.get(`${namespace}/cm-a`)?.data).toEqual({ v: '1' }));

    await core.patchNamespacedConfigMap({
      namespace,
      name: 'cm-a',
      body: [{ op: 'replace', path: '/data/v', value: '2' }],
    });
    await eventually(() => expect(informer.get(`${namespace}/cm-a`)?.data).toEqual({ v: '2' }));

    await core.deleteNamespacedConfigMap({ namespace, name: 'cm-a' });
    await eventually(() => expect(informer.get(`${namespace}/cm-a`)).toBeUndefined());
    expect(events.filter((e) => e.endsWith(' cm-a'))).toEqual(['added cm-a', 'updated cm-a', 'deleted cm-a']);
  });

  it('ignores objects outside its namespace or label selector', async () => {
    await core.createNamespacedConfigMap({ namespace, body: configMap(namespace, 'unlabelled', false) });
    await core.createNamespacedConfigMap({
      namespace: otherNamespace,
      body: configMap(otherNamespace, 'elsewhere', true),
    });
    // A marker created afterwards proves the watch has moved past both writes.
    await core.createNamespacedConfigMap({ namespace, body: configMap(namespace, 'marker', true) });
    await eventually(() => expect(informer.get(`${namespace}/marker`)).toBeDefined());
    expect(informer.get(`${namespace}/unlabelled`)).toBeUndefined();
    expect(informer.keys().some((key) => key.startsWith(`${otherNamespace}/`))).toBe(false);
  });

  it('drops an object whose label stops matching, and picks one up that starts matching', async () => {
    await core.createNamespacedConfigMap({ namespace, body: configMap(namespace, 'relabel', true) });
    await eventually(() => expect(informer.get(`${namespace}/relabel`)).toBeDefined());
    await core.patchNamespacedConfigMap({
      namespace,
      name: 'relabel',
      body: [{ op: 'replace', path: '/metadata/labels', value: {} }],
    });
    await eventually(() => expect(informer.get(`${namespace}/relabel`)).toBeUndefined());
    await core.patchNamespacedConfigMap({
      namespace,
      name: 'unlabelled',
      body: [{ op: 'replace', path: '/metadata/labels', value: { [LABEL]: 'yes' } }],
    });
    await eventually(() => expect(informer.get(`${namespace}/unlabelled`)).toBeDefined());
  });

  it('caches frozen objects without managedFields', async () => {
    const cached = informer.get(`${namespace}/before-start`)!;
    expect(cached.metadata?.managedFields).toBeUndefined();
    expect(Object.isFrozen(cached.metadata)).toBe(true);
  });
});

describe('A metadata-only Informer against a real API server', () => {
  let namespace: string;
  let informer: Informer<KubernetesObject>;
  /** What the API server sent, before the cache's transform: no data may be in it. */
  const arrived: KubernetesObject[] = [];
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const half = 'x'.repeat(512 * 1024);

  beforeAll(async () => {
    namespace = await createTestNamespace('rt-informer-meta');
    // Listed at start, then seen changing on the watch.
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'listed' }, data: { half } },
    });
    informer = new Informer<KubernetesObject>({
      client: new KubeClient(adminKubeConfig()),
      kind: CONFIG_MAP,
      namespaces: [namespace],
      logger: silentLogger(),
      metadataOnly: true,
      transform: (object) => {
        arrived.push(object);
        return object;
      },
    });
    informer.start();
    await informer.waitForSync();
  });

  afterAll(async () => {
    await informer?.stop();
    await deleteTestNamespace(namespace);
  });

  it('lists and watches metadata only: a ConfigMap’s data never crosses the wire', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'watched' }, data: { half } },
    });
    const changed = await core.patchNamespacedConfigMap({
      namespace,
      name: 'listed',
      body: [{ op: 'replace', path: '/data/half', value: 'small now' }],
    });
    await eventually(() => {
      expect(informer.get(`${namespace}/watched`)).toBeDefined();
      expect(informer.get(`${namespace}/listed`)?.metadata?.resourceVersion).toBe(
        changed.metadata?.resourceVersion,
      );
    });
    expect(arrived.map((object) => object.metadata?.name)).toEqual(['listed', 'watched', 'listed']);
    for (const object of arrived) {
      expect(object.kind).toBe('PartialObjectMetadata');
      expect(object).not.toHaveProperty('data');
      expect(JSON.stringify(object).length).toBeLessThan(4_096);
    }
  });
});
