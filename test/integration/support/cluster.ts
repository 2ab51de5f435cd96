// What an integration test file needs from the shared control plane: clients for the
// admin user, its own namespace, and kubectl.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
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

/**
 * A CRD in its wire form (as rendered to YAML: `x-kubernetes-*` keys hyphenated). It is
 * applied with kubectl, not client-node's typed API: that serializer drops keys it has no
 * field for, and the hyphenated extension keys are exactly such keys.
 */
export interface CrdManifest {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; [key: string]: unknown };
  spec: {
    group: string;
    names: { plural: string; [key: string]: unknown };
    versions: Array<{ name: string; served: boolean; [key: string]: unknown }>;
    [key: string]: unknown;
  };
}

/** Applies a CRD (server-side) and waits until it is Established and its resource is served. */
export async function installCrd(crd: CrdManifest, timeoutMs = 30_000): Promise<void> {
  await kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=logicops-tests', '-f', '-'],
    JSON.stringify(crd),
  );
  await kubectl([
    'wait',
    '--for=condition=Established',
    `--timeout=${Math.ceil(timeoutMs / 1000)}s`,
    `crd/${crd.metadata.name}`,
  ]);
  const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
  const version = crd.spec.versions.find((v) => v.served)?.name ?? '';
  const deadline = Date.now() + timeoutMs;
  // Established can precede the resource handler being live for a moment; a list proves it is served.
  while (Date.now() < deadline) {
    const served = await custom
      .listClusterCustomObject({ group: crd.spec.group, version, plural: crd.spec.names.plural })
      .then(() => true)
      .catch(() => false);
    if (served) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`CRD ${crd.metadata.name} was not served within ${timeoutMs} ms`);
}
