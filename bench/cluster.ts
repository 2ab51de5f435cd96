// The Kubernetes side of the bench: a local control plane (or an existing cluster), the CRDs,
// the bench namespace, and the objects, created in parallel the way `kubectl apply` of a big
// folder (or a GitOps sync) would send them.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ControlPlane, resolveBinaries } from '@logicops/control-plane';
import { GROUP, VERSION } from '../src/crds/api-group.ts';
import { allCrds } from '../src/crds/index.ts';
import { crdYaml } from '../src/crds/render.ts';
import type { ReportedQuota } from './role-grants.ts';
import type { Manifest } from './scenario.ts';

const execFileAsync = promisify(execFile);

export interface BenchCluster {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  kubectl(args: string[], input?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Uses `kubeconfigPath` when given (nothing to stop), else starts a private control plane. */
export async function openCluster(
  kubeconfigPath: string | undefined,
  say: (line: string) => void,
): Promise<BenchCluster> {
  if (kubeconfigPath) {
    const { kubectl } = await resolveBinaries((line) => say(`  ${line}`));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    return {
      kubeconfigPath,
      kubeConfig,
      kubectl: (args, input) => runKubectl(kubectl, kubeconfigPath, args, input),
      stop: async () => {},
    };
  }
  const plane = await ControlPlane.start({ onProgress: (line) => say(`  ${line}`) });
  return {
    kubeconfigPath: plane.kubeconfigPath,
    kubeConfig: plane.adminKubeConfig(),
    kubectl: async (args, input) => {
      await plane.kubectl(args, input);
    },
    stop: () => plane.stop(),
  };
}

async function runKubectl(binary: string, kubeconfig: string, args: string[], input?: string): Promise<void> {
  const pending = execFileAsync(binary, ['--kubeconfig', kubeconfig, ...args], {
    maxBuffer: 32 * 1024 * 1024,
  });
  if (input !== undefined) pending.child.stdin?.end(input);
  await pending;
}

export async function installCrds(cluster: BenchCluster): Promise<void> {
  // Server-side apply keeps the x-kubernetes-* keys that client-node's typed serializer would drop.
  await cluster.kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=logicops-bench', '-f', '-'],
    allCrds().map(crdYaml).join('---\n'),
  );
  const names = allCrds().map((crd) => `crd/${crd.metadata.name}`);
  await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names]);
}

export async function createNamespace(
  cluster: BenchCluster,
  name: string,
  annotations: Record<string, string>,
): Promise<void> {
  await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, annotations } } });
}

/**
 * A namespace's Azure credential Secret, as a team would create it (docs/operations.md,
 * "Per-namespace credentials"): clientId, tenantId and clientSecret.
 */
export async function createCredentialSecret(
  cluster: BenchCluster,
  namespace: string,
  name: string,
  data: { tenantId: string; clientId: string; clientSecret: string },
): Promise<void> {
  await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespacedSecret({ namespace, body: { metadata: { name }, type: 'Opaque', stringData: data } });
}

export async function deleteNamespace(cluster: BenchCluster, name: string): Promise<void> {
  // Without a controller-manager the namespace stays Terminating; its objects no longer matter.
  await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

const PLURALS: Record<Manifest['kind'], string> = {
  LogicAppWorkflow: 'logicappworkflows',
  VaultSecretBinding: 'vaultsecretbindings',
  WorkflowRoleAssignment: 'workflowroleassignments',
};

/** Creates every manifest with `concurrency` requests in flight, in order; retries transient failures. */
export async function createAll(
  cluster: BenchCluster,
  manifests: readonly Manifest[],
  concurrency: number,
): Promise<void> {
  const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < manifests.length; index = next++) {
      const manifest = manifests[index];
      if (manifest) await createOne(api, manifest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, manifests.length) }, worker));
}

async function createOne(api: CustomObjectsApi, manifest: Manifest): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: manifest.metadata.namespace,
        plural: PLURALS[manifest.kind],
        body: manifest,
      });
      return;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 409) return; // already there (a retried create that had landed)
      if (attempt >= 5 || (code !== undefined && code < 500 && code !== 429)) throw error;
      await sleep(200 * attempt);
    }
  }
}

/**
 * Every `status.quota` entry named `quotaName` that the namespace's WorkflowRoleAssignments and
 * VaultSecretBindings report (issue 24: both kinds count against one role-assignment budget).
 * One list per kind, read once after convergence.
 */
export async function listReportedQuotas(
  cluster: BenchCluster,
  namespace: string,
  quotaName: string,
): Promise<ReportedQuota[]> {
  const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  const reported: ReportedQuota[] = [];
  for (const kind of ['WorkflowRoleAssignment', 'VaultSecretBinding'] as const) {
    const list = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURALS[kind],
    })) as { items?: Array<{ metadata?: { name?: string }; status?: { quota?: unknown } }> };
    for (const item of list.items ?? []) {
      const quotas = Array.isArray(item.status?.quota) ? item.status.quota : [];
      for (const quota of quotas as Array<Partial<ReportedQuota>>) {
        if (quota.name !== quotaName) continue;
        reported.push({
          kind,
          name: item.metadata?.name ?? '',
          scope: String(quota.scope ?? ''),
          used: Number(quota.used),
          limit: Number(quota.limit),
        });
      }
    }
  }
  return reported;
}

/**
 * Creates `manifest`, waits until it is Ready (polling it every 500 ms, at most `timeoutMs`) and
 * returns its status.quota entry named `quotaName`; undefined when it was not Ready in time.
 */
export async function createAndReadQuota(
  cluster: BenchCluster,
  manifest: Manifest,
  quotaName: string,
  timeoutMs: number,
): Promise<{ used: number; limit: number; scope: string } | undefined> {
  const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  await createOne(api, manifest);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const stored = (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: manifest.metadata.namespace,
      plural: PLURALS[manifest.kind],
      name: manifest.metadata.name,
    })) as {
      status?: {
        conditions?: Array<{ type: string; status: string }>;
        quota?: Array<{ name: string; used: number; limit: number; scope: string }>;
      };
    };
    const ready = stored.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const quota = stored.status?.quota?.find((q) => q.name === quotaName);
    if (ready && quota) return { used: quota.used, limit: quota.limit, scope: quota.scope };
    await sleep(500);
  }
  return undefined;
}

/** The API server's limit on a ConfigMap's data (1 MiB); the bench's ConfigMaps stay just under it. */
const CONFIG_MAP_DATA_LIMIT = 1024 * 1024;

/**
 * `count` ConfigMaps of ~1 MiB that no workflow references (issue 20: every ConfigMap of a
 * watched namespace was cached whole). Names `bench-unreferenced-NNN`; four creates in flight.
 */
export async function createUnreferencedConfigMaps(
  cluster: BenchCluster,
  namespace: string,
  count: number,
): Promise<void> {
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const width = String(Math.max(0, count - 1)).length;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const name = `bench-unreferenced-${String(index).padStart(width, '0')}`;
      // Each its own text, so no two share a string anywhere.
      const blob = `${name}:`.padEnd(CONFIG_MAP_DATA_LIMIT - 1024, String.fromCharCode(97 + (index % 26)));
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name }, data: { 'blob.txt': blob } },
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
}
