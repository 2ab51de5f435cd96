// The shared control plane is a real kube-apiserver: CEL validation, watches and
// kubectl all behave as on a cluster.
import { CustomObjectsApi, type KubernetesObject, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminKubeConfig,
  type CrdManifest,
  createTestNamespace,
  deleteTestNamespace,
  installCrd,
  kubectl,
} from '../support/cluster.ts';

const GROUP = 'harness.logicops.io';
const RULE_MESSAGE = 'spec.minReplicas must not exceed spec.maxReplicas';

const gadgetCrd: CrdManifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { minReplicas: { type: 'integer' }, maxReplicas: { type: 'integer' } },
                'x-kubernetes-validations': [
                  { rule: 'self.minReplicas <= self.maxReplicas', message: RULE_MESSAGE },
                ],
              },
            },
          },
        },
      },
    ],
  },
};

interface Gadget extends KubernetesObject {
  spec: { minReplicas: number; maxReplicas: number };
}

const gadget = (name: string, namespace: string, minReplicas: number, maxReplicas: number): Gadget => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Gadget',
  metadata: { name, namespace },
  spec: { minReplicas, maxReplicas },
});

describe('shared control plane', () => {
  let namespace: string;
  const api = () => adminKubeConfig().makeApiClient(CustomObjectsApi);
  const where = () => ({ group: GROUP, version: 'v1', namespace, plural: 'gadgets' });

  beforeAll(async () => {
    namespace = await createTestNamespace('harness');
    await installCrd(gadgetCrd);
  });
  afterAll(async () => {
    await deleteTestNamespace(namespace);
  });

  it('accepts an object that passes the CEL rule', async () => {
    const created = (await api().createNamespacedCustomObject({
      ...where(),
      body: gadget('valid', namespace, 1, 3),
    })) as Gadget;
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.spec).toEqual({ minReplicas: 1, maxReplicas: 3 });
  });

  it("rejects an object that breaks the CEL rule, with the rule's message", async () => {
    const rejected = await api()
      .createNamespacedCustomObject({ ...where(), body: gadget('invalid', namespace, 5, 2) })
      .then(
        () => undefined,
        (error: { code?: number; body?: string }) => error,
      );
    expect(rejected?.code).toBe(422);
    expect(String(rejected?.body)).toContain(RULE_MESSAGE);
  });

  it('delivers add, update and delete events to a watch', async () => {
    const seen: string[] = [];
    const watch = new Watch(adminKubeConfig());
    let done!: () => void;
    const allSeen = new Promise<void>((resolve) => {
      done = resolve;
    });
    const request = await watch.watch(
      `/apis/${GROUP}/v1/namespaces/${namespace}/gadgets`,
      { fieldSelector: 'metadata.name=watched' },
      (phase: string, object: Gadget) => {
        seen.push(`${phase}:${object.spec.maxReplicas}`);
        if (phase === 'DELETED') done();
      },
      () => {},
    );
    try {
      await api().createNamespacedCustomObject({ ...where(), body: gadget('watched', namespace, 1, 2) });
      await api().patchNamespacedCustomObject({
        ...where(),
        name: 'watched',
        body: [{ op: 'replace', path: '/spec/maxReplicas', value: 4 }],
      });
      await api().deleteNamespacedCustomObject({ ...where(), name: 'watched' });
      await allSeen;
    } finally {
      request.abort();
    }
    expect(seen).toEqual(['ADDED:2', 'MODIFIED:4', 'DELETED:4']);
  });

  it('serves kubectl through the written kubeconfig', async () => {
    const { stdout: version } = await kubectl(['version', '-o', 'json']);
    expect(JSON.parse(version).serverVersion.gitVersion).toBe('v1.34.4');
    await kubectl(['apply', '-f', '-'], JSON.stringify(gadget('from-kubectl', namespace, 2, 2)));
    const { stdout } = await kubectl(['get', 'gadgets', '-n', namespace, 'from-kubectl', '-o', 'json']);
    expect(JSON.parse(stdout).spec).toEqual({ minReplicas: 2, maxReplicas: 2 });
  });
});
