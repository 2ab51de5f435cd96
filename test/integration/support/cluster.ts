// What an integration test file needs from the shared control plane: clients for the
// admin user, its own namespace, and kubectl.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { inject } from 'vitest';

const execFileAsync = promisify(execFile);

export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfigPath'));
  return kc;
}

/** A fresh namespace named `<prefix>-<random>`; each test file works in its own. */
export async function createTestNamespace(
  prefix: string,
  annotations: Record<string, string> = {},
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await adminKubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, annotations } } });
  return name;
}

/**
 * Deletes a namespace. Without a controller-manager it stays Terminating forever, but its
 * objects no longer matter to other files, which each use their own namespace.
 */
export async function deleteTestNamespace(name: string): Promise<void> {
  await adminKubeConfig()
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

export async function kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const pending = execFileAsync(inject('kubectlPath'), ['--kubeconfig', inject('kubeconfigPath'), ...args]);
  if (input !== undefined) pending.child.stdin?.end(input);
  return pending;
}

/** Creates (or replaces) a CRD and waits until it is Established and served. */
export async function installCrd(crd: V1CustomResourceDefinition, timeoutMs = 30_000): Promise<void> {
  const kc = adminKubeConfig();
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const name = crd.metadata?.name ?? '';
  const existing = await api.readCustomResourceDefinition({ name }).catch(() => undefined);
  if (existing) {
    await api.replaceCustomResourceDefinition({
      name,
      body: { ...crd, metadata: { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion } },
    });
  } else {
    await api.createCustomResourceDefinition({ body: crd });
  }
  const deadline = Date.now() + timeoutMs;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const version = crd.spec.versions.find((v) => v.served)?.name ?? '';
  while (Date.now() < deadline) {
    const current = await api.readCustomResourceDefinition({ name });
    const established = current.status?.conditions?.some(
      (c) => c.type === 'Established' && c.status === 'True',
    );
    // Established can precede the discovery/handler being live for a moment; a list proves it is served.
    if (established) {
      const served = await custom
        .listClusterCustomObject({ group: crd.spec.group, version, plural: crd.spec.names.plural })
        .then(() => true)
        .catch(() => false);
      if (served) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`CRD ${name} was not established within ${timeoutMs} ms`);
}
