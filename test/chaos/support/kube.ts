// The Kubernetes side of a chaos suite: the CRDs, a namespace, creating and deleting the objects,
// and reading what is live. Readiness is read from Kubernetes; Azure is judged by the oracle.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../../src/crds/api-group.ts';
import { allCrds } from '../../../src/crds/index.ts';
import { adminKubeConfig, type CrdManifest, installCrd } from '../../integration/support/cluster.ts';
import type { LiveBinding, LiveWorkflow } from '../oracle/azure-oracle.ts';
import type { Manifest } from './world.ts';

export const PLURAL: Record<Manifest['kind'], string> = {
  LogicAppWorkflow: 'logicappworkflows',
  VaultSecretBinding: 'vaultsecretbindings',
};

export interface KubeObject {
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    deletionTimestamp?: string;
    finalizers?: string[];
  };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    [key: string]: unknown;
  };
}

let override: KubeConfig | undefined;

/** Points every helper here at another API server (a suite's private control plane). */
export function useKubeConfig(kubeConfig: KubeConfig): void {
  override = kubeConfig;
}

/** The API server the suite works against: the shared control plane unless overridden. */
export function suiteKubeConfig(): KubeConfig {
  return override ?? adminKubeConfig();
}

export async function installCrds(): Promise<void> {
  for (const crd of allCrds()) await installCrd(crd as unknown as CrdManifest);
}

export async function createNamespace(prefix: string, annotations: Record<string, string>): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await suiteKubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, annotations } } });
  return name;
}

export function customApi(kubeConfig: KubeConfig = suiteKubeConfig()): CustomObjectsApi {
  return kubeConfig.makeApiClient(CustomObjectsApi);
}

async function withRetries<T>(
  attempt: () => Promise<T>,
  tolerate: (code: number | undefined) => boolean,
): Promise<T | undefined> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (tolerate(code)) return undefined;
      if (n >= 8 || (code !== undefined && code < 500 && code !== 429)) throw error;
      await new Promise((r) => setTimeout(r, 250 * n));
    }
  }
}

/** Creates every manifest, `concurrency` at a time, as a GitOps sync of a big folder would. */
export async function createAll(manifests: readonly Manifest[], concurrency = 8): Promise<void> {
  const api = customApi();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < manifests.length; i = next++) {
      const m = manifests[i];
      if (!m) continue;
      await withRetries(
        () =>
          api.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: m.metadata.namespace,
            plural: PLURAL[m.kind],
            body: m,
          }),
        (code) => code === 409,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, manifests.length) }, worker));
}

export async function deleteAll(manifests: readonly Manifest[]): Promise<void> {
  const api = customApi();
  await Promise.all(
    manifests.map((m) =>
      withRetries(
        () =>
          api.deleteNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: m.metadata.namespace,
            plural: PLURAL[m.kind],
            name: m.metadata.name,
          }),
        (code) => code === 404,
      ),
    ),
  );
}

export async function listObjects(namespace: string, kind: Manifest['kind']): Promise<KubeObject[]> {
  const list = (await customApi().listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL[kind],
  })) as { items: KubeObject[] };
  return list.items;
}

export function isReady(object: KubeObject): boolean {
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && object.status?.observedGeneration === object.metadata.generation;
}

export function readyReason(object: KubeObject): string {
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  return ready ? `${ready.status}/${ready.reason ?? ''}` : 'no Ready condition';
}

/** Live = exists and is not being deleted: what the oracle expects Azure to hold. */
export function liveWorkflows(objects: readonly KubeObject[]): LiveWorkflow[] {
  return objects
    .filter((o) => !o.metadata.deletionTimestamp)
    .map((o) => ({
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      spec: o.spec as LiveWorkflow['spec'],
    }));
}

export function liveBindings(objects: readonly KubeObject[]): LiveBinding[] {
  return objects
    .filter((o) => !o.metadata.deletionTimestamp)
    .map((o) => ({
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      spec: o.spec as LiveBinding['spec'],
    }));
}
