// Installs the rendered CRD files exactly as a user would: `kubectl apply` of config/crd.
// Going through the files (not the TS objects) proves the shipped YAML is what works.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { allCrds, VERSION } from '../../../../src/crds/index.ts';
import { CONFIG_CRD_DIR, renderedFiles } from '../../../../src/crds/render.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';

const repoRoot = new URL('../../../../', import.meta.url).pathname;

export async function applyShippedCrds(): Promise<void> {
  const files = [...renderedFiles().keys()].filter(
    (p) => p.startsWith(`${CONFIG_CRD_DIR}/`) && !p.endsWith('kustomization.yaml'),
  );
  for (const file of files) {
    // --force-conflicts: another test file may have installed the same CRD with another manager.
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', `${repoRoot}${file}`]);
  }
  for (const crd of allCrds()) {
    await kubectl(['wait', '--for=condition=Established', '--timeout=30s', `crd/${crd.metadata.name}`]);
    await waitUntilServed(crd.spec.group, crd.spec.names.plural);
  }
}

/** Established can precede the handler being live for a moment; a successful list proves it is served. */
async function waitUntilServed(group: string, plural: string, timeoutMs = 30_000): Promise<void> {
  const api = adminKubeConfig().makeApiClient(CustomObjectsApi);
  await eventually(() => api.listClusterCustomObject({ group, version: VERSION, plural }), timeoutMs, 100);
}
