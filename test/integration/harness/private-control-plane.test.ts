// A private control plane, for tests that restart the API server or read its audit log.
import { existsSync, readFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('private control plane', () => {
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await ControlPlane.start({ audit: true });
  });
  afterAll(async () => {
    await plane?.stop();
  });

  it('keeps its data across an API server restart and audits requests by user', async () => {
    const core = plane.adminKubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'survivor' }, data: { answer: '42' } },
    });

    await plane.restartApiServer();

    const read = await plane.adminKubeConfig().makeApiClient(CoreV1Api).readNamespacedConfigMap({
      namespace: 'default',
      name: 'survivor',
    });
    expect(read.data).toEqual({ answer: '42' });

    const events = readFileSync(plane.auditLogPath ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const create = events.find(
      (e) =>
        e.verb === 'create' && e.objectRef?.resource === 'configmaps' && e.objectRef?.name === 'survivor',
    );
    expect(create?.user?.username).toBe('admin');
  });

  it('authenticates other users by client certificate and enforces RBAC on them', async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(await plane.kubeconfigFor('alice', ['devs']));
    const denied = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedConfigMap({ namespace: 'default' })
      .then(
        () => undefined,
        (error: { code?: number }) => error.code,
      );
    expect(denied).toBe(403);
  });

  it('removes its work dir and processes on stop', async () => {
    const second = await ControlPlane.start();
    const dir = second.workDir;
    expect(existsSync(dir)).toBe(true);
    await second.stop();
    expect(existsSync(dir)).toBe(false);
  });
});
