// Uses a PRIVATE control plane: restarting the shared one would break every other test file.
import { CoreV1Api } from '@kubernetes/client-node';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import { KubeClient } from '../../../src/runtime/kube-client.ts';
import { eventually } from '../../support/eventually.ts';
import { CONFIG_MAP, type ConfigMap } from './support/widget.ts';

describe('Informer recovery', () => {
  let plane: ControlPlane;
  let informer: Informer<ConfigMap>;
  let core: CoreV1Api;
  const failures: unknown[] = [];
  const namespace = 'recovery';

  beforeAll(async () => {
    plane = await ControlPlane.start();
    core = plane.adminKubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    informer = new Informer<ConfigMap>({
      client: new KubeClient(plane.adminKubeConfig()),
      kind: CONFIG_MAP,
      namespaces: [namespace],
      logger: silentLogger(),
      // Short steps keep the test quick; the production default is 800 ms → 30 s.
      reconnectBackoff: { baseDelayMs: 200, maxDelayMs: 2_000, factor: 2 },
      observer: { failed: (_ns, error) => failures.push(error) },
    });
    informer.start();
    await informer.waitForSync();
  }, 180_000);

  afterAll(async () => {
    await informer?.stop();
    await plane?.stop();
  }, 60_000);

  it('resumes watching after the API server restarts', async () => {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before' } } });
    await eventually(() => expect(informer.get(`${namespace}/before`)).toBeDefined());

    await plane.restartApiServer(1_000);
    // The broken watch was noticed and retried with backoff…
    await eventually(() => expect(failures.length).toBeGreaterThan(0), 30_000);

    // …and the informer picks up both kinds of change made after the restart.
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after' } } });
    await core.deleteNamespacedConfigMap({ namespace, name: 'before' });
    await eventually(() => {
      expect(informer.get(`${namespace}/after`)).toBeDefined();
      expect(informer.get(`${namespace}/before`)).toBeUndefined();
    }, 30_000);
    expect(informer.hasSynced).toBe(true);
  }, 90_000);

  it('recovers again from a second restart (its backoff was reset by the recovery)', async () => {
    await plane.restartApiServer();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'second' } } });
    await eventually(() => expect(informer.get(`${namespace}/second`)).toBeDefined(), 30_000);
  }, 90_000);
});
