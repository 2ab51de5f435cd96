// A kubeconfig that authenticates as a ServiceAccount with a real bound token from the
// TokenRequest API — what the pod's projected token would be — so RBAC sees exactly the
// chart's subject, with no admin groups mixed in.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from '@logicops/control-plane';

export interface ServiceAccountKubeConfig {
  kubeConfig: KubeConfig;
  path: string;
  username: string;
}

export async function serviceAccountKubeConfig(
  plane: ControlPlane,
  namespace: string,
  serviceAccount: string,
): Promise<ServiceAccountKubeConfig> {
  const { stdout } = await plane.kubectl([
    'create',
    'token',
    serviceAccount,
    '-n',
    namespace,
    '--duration=1h',
  ]);
  const token = stdout.trim();
  const admin = plane.adminKubeConfig();
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no cluster');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: serviceAccount, token }],
    contexts: [{ name: serviceAccount, cluster: cluster.name, user: serviceAccount, namespace }],
    currentContext: serviceAccount,
  });
  const file = path.join(plane.workDir, `kubeconfig-${namespace}-${serviceAccount}`);
  await writeFile(file, kubeConfig.exportConfig(), { mode: 0o600 });
  return { kubeConfig, path: file, username: `system:serviceaccount:${namespace}:${serviceAccount}` };
}
