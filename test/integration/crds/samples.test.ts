// The shipped samples (config/samples, including the end-to-end example) are accepted by the
// real API server as users would apply them.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestNamespace, deleteTestNamespace, kubectl } from '../support/cluster.ts';
import { applyShippedCrds } from './support/install.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const samplesDir = join(repoRoot, 'config/samples');
let ns = '';

beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-samples');
});
afterAll(() => deleteTestNamespace(ns));

async function sampleFiles(): Promise<string[]> {
  const entries = await readdir(samplesDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

it('there is a sample per kind (a Service Bus connection among them), the end-to-end example, a secure parameter from a Secret and a callback URL', async () => {
  expect((await sampleFiles()).map((f) => relative(samplesDir, f))).toEqual([
    'end-to-end/partner-api-workflow.yaml',
    'logicops_v1alpha1_logicappconnection.yaml',
    'logicops_v1alpha1_logicappworkflow.yaml',
    'logicops_v1alpha1_logicappworkflow_callback_url.yaml',
    'logicops_v1alpha1_logicappworkflow_service_bus.yaml',
    'logicops_v1alpha1_vaultsecretbinding.yaml',
    'logicops_v1alpha1_workflowroleassignment.yaml',
    'secure-parameters/partner-key-from-secret.yaml',
  ]);
});

it('every sample is accepted by the API server', async () => {
  for (const file of await sampleFiles()) {
    const applied = await kubectl(['apply', '--server-side', '-n', ns, '-f', file]);
    expect(applied.stdout).toMatch(/serverside-applied/);
  }
  const { stdout } = await kubectl(['get', 'logicops', '-n', ns, '-o', 'name']);
  expect(stdout.trim().split('\n').sort()).toEqual([
    'logicappconnection.logicops.io/orders-bus',
    'logicappworkflow.logicops.io/hello',
    'logicappworkflow.logicops.io/orders',
    'logicappworkflow.logicops.io/orders-intake',
    'logicappworkflow.logicops.io/partner-orders',
    'logicappworkflow.logicops.io/partner-sync',
    'vaultsecretbinding.logicops.io/hello-greeting-secret',
    'vaultsecretbinding.logicops.io/partner-sync-api-key',
    'workflowroleassignment.logicops.io/hello-orders-receiver',
  ]);
});
