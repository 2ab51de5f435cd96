// Argo CD and Flux read the statuses logicops writes the way docs/design.md promises:
//   Reconciling -> Progressing / InProgress, Stalled -> Degraded / Failed, Ready -> Healthy / Current.
// The statuses are the real operator's (createOperator against the in-process Azure emulator,
// as in the end-to-end story), read back from the API server after it wrote them, and judged
// by the real Lua VM running docs/gitops/health.lua and the real kstatus library.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/crds/index.ts';
import { adminKubeConfig, kubectl } from '../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../support/operator-env.ts';
import { type Verdicts, verdictsFor } from './support/health-verdicts.ts';

const SAMPLE = readFileSync(
  path.resolve(import.meta.dirname, '../../../config/samples/end-to-end/partner-api-workflow.yaml'),
  'utf8',
);
const OTHER_SUBSCRIPTION = '0f0e0d0c-0b0a-4909-8807-060504030201';

interface Captured {
  object: string;
  condition: 'Ready' | 'Reconciling' | 'Stalled';
  reason: string;
  verdicts: Verdicts;
}

interface Stored {
  metadata: { generation: number };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason: string }>;
  };
}

let env: OperatorEnv | undefined;
const captured = new Map<string, Captured>();

const ns = () => env?.namespace ?? '';
const k = (args: string[], input?: string) => kubectl(['-n', ns(), ...args], input);
const plurals: Record<string, string> = {
  law: 'logicappworkflows',
  vsb: 'vaultsecretbindings',
  wra: 'workflowroleassignments',
  lac: 'logicappconnections',
};

async function read(object: string): Promise<Stored> {
  const [short = '', name = ''] = object.split('/');
  return (await adminKubeConfig()
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns(),
      plural: plurals[short] ?? short,
      name,
    })) as Stored;
}

/**
 * Waits until the operator has written `condition`=True (with `reason`, when given), then
 * judges the object as the API server returns it.
 */
async function capture(object: string, condition: Captured['condition'], reason = ''): Promise<void> {
  const reasonPath = `{.status.conditions[?(@.type=="${condition}")].reason}`;
  const waitFor = condition === 'Ready' ? 'condition=Ready' : `jsonpath=${reasonPath}=${reason}`;
  await k(['wait', `--for=${waitFor}`, '--timeout=60s', object]);
  const stored = await read(object);
  const written = stored.status?.conditions?.find((c) => c.type === condition);
  expect(written?.status).toBe('True');
  if (reason) expect(written?.reason).toBe(reason);
  // Ready and Stalled are verdicts on this generation (kstatus and Argo CD rely on it).
  if (condition !== 'Reconciling') expect(stored.status?.observedGeneration).toBe(stored.metadata.generation);
  const verdicts = await verdictsFor(stored);
  captured.set(object, { object, condition, reason: written?.reason ?? '', verdicts });
}

const workflowFromConfigMap = (name: string, configMap: string) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name },
    spec: {
      subscriptionId: env?.emulator.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      definitionFrom: { configMapKeyRef: { name: configMap, key: 'definition.json' } },
    },
  });

const bindingTo = (name: string, vaultId: string, secretName: string) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'VaultSecretBinding',
    metadata: { name },
    spec: { workflowRef: { name: 'partner-sync' }, vaultId, secretName },
  });

const roleAssignment = (name: string, workflow: string, role: string) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'WorkflowRoleAssignment',
    metadata: { name },
    spec: { workflowRef: { name: workflow }, scope: queueId(), role },
  });
const connection = (name: string, subscriptionId = env?.emulator.subscriptionId) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name },
    spec: {
      subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://sb-gitops.servicebus.windows.net/' },
    },
  });
const queueId = () =>
  `/subscriptions/${env?.emulator.subscriptionId}/resourceGroups/logicops-demo/providers/Microsoft.ServiceBus/namespaces/sb-gitops/queues/orders`;

beforeAll(async () => {
  env = await startOperatorEnv({ namespacePrefix: 'gitops-health' });
  await kubectl([
    'annotate',
    '--overwrite',
    'namespace',
    ns(),
    `logicops.io/allowed-role-scopes=${queueId()}`,
    'logicops.io/allowed-roles=Azure Service Bus Data Receiver',
  ]);
  const vaultId = (name: string, subscription = env?.emulator.subscriptionId) =>
    `/subscriptions/${subscription}/resourceGroups/logicops-demo/providers/Microsoft.KeyVault/vaults/${name}`;

  // Ready: the partner API story's two objects.
  await k(['apply', '-f', '-'], SAMPLE);
  await capture('law/partner-sync', 'Ready');
  await capture('vsb/partner-sync-api-key', 'Ready');
  await k(
    ['create', '-f', '-'],
    roleAssignment('orders-receiver', 'partner-sync', 'Azure Service Bus Data Receiver'),
  );
  await capture('wra/orders-receiver', 'Ready');

  // In progress: a definition ConfigMap not created yet; a secret not created yet.
  await k(['create', '-f', '-'], workflowFromConfigMap('waiting-for-configmap', 'not-created-yet'));
  await capture('law/waiting-for-configmap', 'Reconciling', 'WaitingForConfigMap');
  await k(
    ['create', '-f', '-'],
    bindingTo('waiting-for-secret', vaultId(DEMO_ACCESS_POLICY_VAULT), 'not-created-yet'),
  );
  await capture('vsb/waiting-for-secret', 'Reconciling', 'WaitingForSecret');

  // Failed: a definition that is not JSON; a vault the namespace policy does not allow.
  await k(['create', 'configmap', 'not-json', '--from-literal=definition.json={ this is not JSON']);
  await k(['create', '-f', '-'], workflowFromConfigMap('invalid-definition', 'not-json'));
  await capture('law/invalid-definition', 'Stalled', 'InvalidSpec');
  await k(
    ['create', '-f', '-'],
    bindingTo('outside-policy', vaultId('other-kv', OTHER_SUBSCRIPTION), 'partner-api-key'),
  );
  await capture('vsb/outside-policy', 'Stalled', 'NamespacePolicyDenied');
  // A role that can change authorization: refused whatever the policy says.
  await k(['create', '-f', '-'], roleAssignment('as-owner', 'partner-sync', 'Owner'));
  await capture('wra/as-owner', 'Stalled', 'InvalidSpec');
  // In progress: the workflow it names does not exist yet.
  await k(
    ['create', '-f', '-'],
    roleAssignment('waiting-for-workflow', 'not-created-yet', 'Azure Service Bus Data Receiver'),
  );
  await capture('wra/waiting-for-workflow', 'Reconciling', 'WaitingForWorkflow');
  // An API connection: Ready when Azure reports it Connected; refused outside the policy.
  await k(['create', '-f', '-'], connection('orders-bus'));
  await capture('lac/orders-bus', 'Ready');
  await k(['create', '-f', '-'], connection('outside-policy', OTHER_SUBSCRIPTION));
  await capture('lac/outside-policy', 'Stalled', 'NamespacePolicyDenied');

  process.stderr.write(
    `[gitops-health]\n${[...captured.values()]
      .map(
        (c) =>
          `  ${c.object.padEnd(28)} ${`${c.condition}/${c.reason}`.padEnd(34)} Lua: ${c.verdicts.argo.status.padEnd(12)} kstatus: ${c.verdicts.kstatus.status}`,
      )
      .join('\n')}\n`,
  );
}, 300_000);

afterAll(async () => {
  await env?.stop();
});

describe('GitOps health of statuses the operator wrote', () => {
  it.each([
    ['law/partner-sync', 'Healthy', 'Current'],
    ['vsb/partner-sync-api-key', 'Healthy', 'Current'],
    ['law/waiting-for-configmap', 'Progressing', 'InProgress'],
    ['vsb/waiting-for-secret', 'Progressing', 'InProgress'],
    ['law/invalid-definition', 'Degraded', 'Failed'],
    ['vsb/outside-policy', 'Degraded', 'Failed'],
    ['wra/orders-receiver', 'Healthy', 'Current'],
    ['wra/waiting-for-workflow', 'Progressing', 'InProgress'],
    ['wra/as-owner', 'Degraded', 'Failed'],
    ['lac/orders-bus', 'Healthy', 'Current'],
    ['lac/outside-policy', 'Degraded', 'Failed'],
  ])('%s: Argo CD %s, kstatus %s', (object, argo, kstatus) => {
    const judged = captured.get(object);
    if (!judged) throw new Error(`no status captured for ${object}`);
    expect(judged.verdicts.argo.status).toBe(argo);
    expect(judged.verdicts.kstatus.status).toBe(kstatus);
    // Argo CD shows why: the reason the operator wrote leads the message (Ready has none to show).
    if (judged.condition !== 'Ready') {
      expect(judged.verdicts.argo.message).toMatch(new RegExp(`^${judged.reason}: .+`));
    }
  });
});

describe('states the operator has not acted on yet (operator stopped)', () => {
  beforeAll(async () => {
    await env?.operator.stop();
  });

  it('a new generation not yet observed: Progressing / InProgress', async () => {
    await k([
      'patch',
      'law/partner-sync',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { state: 'Disabled' } }),
    ]);
    const stored = await read('law/partner-sync');
    expect(stored.metadata.generation).toBeGreaterThan(stored.status?.observedGeneration ?? 0);
    expect(stored.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo.status).toBe('Progressing');
    expect(verdicts.argo.message).toMatch(/observe generation/);
    expect(verdicts.kstatus.status).toBe('InProgress');
  });

  it('before any status: Argo CD waits (Progressing); kstatus reads Current (documented corner case)', async () => {
    await k(['create', '-f', '-'], workflowFromConfigMap('never-reconciled', 'not-created-yet'));
    const stored = await read('law/never-reconciled');
    expect(stored.status).toBeUndefined();
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo.status).toBe('Progressing');
    expect(verdicts.kstatus.status).toBe('Current');
  });
});
