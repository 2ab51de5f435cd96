// The end-to-end story of config/samples/end-to-end with the binding applied after the workflow
// (issue 21, item 3). The sample's definition declares `partnerApiKeyUri` without a default, and
// Azure refuses a workflow without a value for it: 400 InvalidTemplate, "The value for the
// workflow parameter '…' is not provided" (Azure/LogicAppsUX #4404; the emulator answers the
// same, packages/azure-emulator/test/workflow-round-trip.test.ts). Before, that 400 was a terminal InvalidSpec
// that no binding released, and the binding waited for a principal that never came. Now: the
// workflow waits (Reconciling WaitingForBindings), is written once when the binding appears,
// both become Ready, and the workflow's identity reads the secret. Every Ready condition the
// workflow ever shows is watched: InvalidSpec is never among them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EventsV1Api, Watch } from '@kubernetes/client-node';
import { managedIdentityCredential, secretClient } from '@logicops/azure-emulator/test-support/data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GROUP, type LogicAppWorkflow, VERSION } from '../../../src/crds/index.ts';
import { eventually } from '../../support/eventually.ts';
import { lastSeq, workflowRequests } from '../controllers/must-show-support.ts';
import { adminKubeConfig, kubectl } from '../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../support/operator-env.ts';

const SAMPLE = readFileSync(
  path.resolve(import.meta.dirname, '../../../config/samples/end-to-end/partner-api-workflow.yaml'),
  'utf8',
);
const [WORKFLOW_YAML, BINDING_YAML] = parseAllDocuments(SAMPLE).map((doc) => String(doc));
const WORKFLOW = 'partner-sync';

interface SeenReady {
  status?: string;
  reason?: string;
  stalled?: string;
}

/** Every Ready condition (and Stalled reason) the workflow shows, as the API server streams them. */
async function watchWorkflow(namespace: string) {
  const seen: SeenReady[] = [];
  const watch = new Watch(adminKubeConfig());
  const controller = await watch.watch(
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/logicappworkflows`,
    { fieldSelector: `metadata.name=${WORKFLOW}` },
    (_type: string, object: LogicAppWorkflow) => {
      const conditions = object?.status?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      const stalled = conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      seen.push({ status: ready?.status, reason: ready?.reason, stalled: stalled?.reason });
    },
    () => undefined,
  );
  return { seen, stop: () => controller.abort() };
}

describe('the partner API story with the binding applied after the workflow', () => {
  let env: OperatorEnv;
  let watcher: Awaited<ReturnType<typeof watchWorkflow>>;

  beforeAll(async () => {
    env = await startOperatorEnv({ namespacePrefix: 'e2e-late-binding', flags: ['--resync-period', '3s'] });
    watcher = await watchWorkflow(env.namespace);
  });
  afterAll(async () => {
    watcher?.stop();
    await env?.stop();
  });

  it('reaches Ready for both, with one workflow write and no InvalidSpec ever seen', async () => {
    const seq = lastSeq(env.emulator);
    await kubectl(['apply', '-n', env.namespace, '-f', '-'], WORKFLOW_YAML ?? '');
    await eventually(() => {
      expect(watcher.seen.at(-1)).toMatchObject({ status: 'False', reason: 'WaitingForBindings' });
    }, 60_000);
    // Two resyncs later it still waits, and Azure has not been written to.
    const waitingSince = lastSeq(env.emulator);
    await eventually(
      () => {
        const reads = workflowRequests(
          env.emulator,
          WORKFLOW,
          waitingSince,
          'Microsoft.Logic/workflows/read',
        );
        expect(reads.length).toBeGreaterThanOrEqual(2);
      },
      60_000,
      200,
    );
    expect(workflowRequests(env.emulator, WORKFLOW, seq, 'Microsoft.Logic/workflows/write')).toEqual([]);

    await kubectl(['apply', '-n', env.namespace, '-f', '-'], BINDING_YAML ?? '');
    await kubectl([
      'wait',
      '-n',
      env.namespace,
      '--for=condition=Ready',
      '--timeout=60s',
      'law,vsb',
      '--all',
    ]);

    const writes = workflowRequests(env.emulator, WORKFLOW, seq, 'Microsoft.Logic/workflows/write');
    expect(writes.map((w) => w.method)).toEqual(['PUT']);
    expect(watcher.seen.map((s) => s.reason)).not.toContain('InvalidSpec');
    expect(watcher.seen.filter((s) => s.stalled !== undefined)).toEqual([]);
    expect(watcher.seen.at(-1)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    const { items } = await adminKubeConfig()
      .makeApiClient(EventsV1Api)
      .listNamespacedEvent({ namespace: env.namespace });
    expect(items.filter((e) => e.type === 'Warning').map((e) => e.reason)).toEqual([]);
  });

  it("lets the workflow's identity read the secret through the data plane", async () => {
    const azure = Object.values(env.emulator.state.workflows).find((w) => w.name === WORKFLOW);
    const principalId = azure?.identity?.type === 'SystemAssigned' ? azure.identity.principalId : '';
    expect(principalId).not.toBe('');
    const parameters = azure?.properties.parameters as Record<string, { value: unknown }>;
    const secretUri = String(parameters.partnerApiKeyUri?.value);
    const vaultUri = secretUri.slice(0, secretUri.indexOf('secrets/'));
    const client = secretClient(env.emulator, vaultUri, managedIdentityCredential(env.emulator, principalId));
    await eventually(async () => {
      const secret = await client.getSecret('partner-api-key');
      expect(secret.value).toBeTruthy();
    }, 30_000);
  });
});
