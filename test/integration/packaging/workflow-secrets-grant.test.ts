// The chart's default install watches every namespace and grants no Secret anywhere (never a
// cluster-wide Secret permission). The real operator, under exactly the chart's RBAC, then meets
// a real 403 for both fields that use a Secret: a workflow with spec.parametersFrom and one with
// spec.callbackUrl are Stalled AuthorizationFailed, each message naming the namespace and the chart
// value to set. A `helm upgrade` listing the namespace in workflowSecrets.namespaces is all the
// remedy: at the next resync both are Ready, the parameter written and the callback Secret there.
import { demoOperatorRoleAssignments, demoSeed, type Emulator } from '@logicops/azure-emulator';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION } from '../../../src/vocabulary.ts';
import { chartDir } from '../../support/packaging-tools.ts';
import {
  type ChartOperator,
  emulatorValues,
  RELEASE,
  startChartOperator,
  startEmulatorWithTrust,
} from './support/chart-operator.ts';
import { type Helm, helmFor } from './support/helm.ts';

const RELEASE_NAMESPACE = 'logicops-system';
const TEAM = 'team-unlisted';
const PARTNER_KEY = 'grant-test-partner-key-0123';

let plane: ControlPlane;
let helm: Helm;
let emulator: Emulator | undefined;
let running: ChartOperator | undefined;

const kubectl = (args: string[], input?: string) => plane.kubectl(['-n', TEAM, ...args], input);
const waitFor = (condition: string, ...objects: string[]) =>
  kubectl(['wait', `--for=${condition}`, '--timeout=90s', ...objects]);

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

async function stalled(name: string): Promise<Condition | undefined> {
  const { stdout } = await kubectl(['get', `law/${name}`, '-o', 'json']);
  const object = JSON.parse(stdout) as { status?: { conditions?: Condition[] } };
  return object.status?.conditions?.find((condition) => condition.type === 'Stalled');
}

const definition = (extra: Record<string, unknown>) => ({
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  actions: {},
  ...extra,
});

const workflow = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      identity: { type: 'None' },
      ...spec,
    },
  });

const azureWorkflowsNamed = (name: string) =>
  Object.values(emulator?.state.workflows ?? {}).filter((w) => w.name === name);

beforeAll(async () => {
  plane = await ControlPlane.start();
  emulator = await startEmulatorWithTrust([], {
    ...demoSeed(),
    roleAssignments: demoOperatorRoleAssignments(),
  });
  await plane.kubectl(['create', 'namespace', RELEASE_NAMESPACE]);
  await plane.kubectl(['create', 'namespace', TEAM]);
  await plane.kubectl([
    'annotate',
    'namespace',
    TEAM,
    `${ALLOWED_RESOURCE_GROUPS_ANNOTATION}=/subscriptions/${emulator.subscriptionId}/resourceGroups/logicops-demo`,
  ]);
  helm = await helmFor(plane.kubeconfigPath);
  // The defaults: every namespace watched, workflowSecrets.namespaces empty. A short resync so the
  // Stalled workflows are looked at again soon after the upgrade.
  await helm.run([
    'install',
    RELEASE,
    chartDir,
    '-n',
    RELEASE_NAMESPACE,
    '--set',
    'operator.resyncPeriod=5s',
    ...emulatorValues(emulator),
  ]);
  await plane.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/logicappworkflows.logicops.io',
    'crd/vaultsecretbindings.logicops.io',
  ]);
  running = await startChartOperator({ plane, helm, emulator, releaseNamespace: RELEASE_NAMESPACE });
}, 900_000);

afterAll(async () => {
  await running?.stop();
  await emulator?.close();
  await plane?.stop();
});

describe('workflow Secrets under the chart RBAC: not granted by default, granted by listing the namespace', () => {
  it('both fields are Stalled AuthorizationFailed naming the namespace and workflowSecrets.namespaces; listing it makes both Ready', async () => {
    await kubectl(['create', 'secret', 'generic', 'partner-api', `--from-literal=apiKey=${PARTNER_KEY}`]);
    await kubectl(['label', 'secret', 'partner-api', 'logicops.io/parameter-source=true']);
    await kubectl(
      ['create', '-f', '-'],
      workflow('from-secret', {
        definition: definition({ parameters: { partnerKey: { type: 'securestring' } }, triggers: {} }),
        parametersFrom: { partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } } },
      }),
    );
    await kubectl(
      ['create', '-f', '-'],
      workflow('orders-intake', {
        definition: definition({
          triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
        }),
        callbackUrl: { secretName: 'orders-intake-callback' },
      }),
    );
    const authorizationFailed =
      'jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=AuthorizationFailed';
    await waitFor(authorizationFailed, 'law/from-secret', 'law/orders-intake');

    const remedy = `lists namespace ${TEAM} in the chart's workflowSecrets.namespaces`;
    const parameters = await stalled('from-secret');
    expect(parameters?.message).toContain(`The operator may not read Secret ${TEAM}/partner-api`);
    expect(parameters?.message).toContain(remedy);
    expect(parameters?.message).not.toContain(PARTNER_KEY);
    const callback = await stalled('orders-intake');
    expect(callback?.message).toContain(`may not read or write Secrets in namespace ${TEAM}`);
    expect(callback?.message).toContain(remedy);
    // The parameter source is resolved before any Azure write: nothing was created without its value.
    expect(azureWorkflowsNamed('from-secret')).toHaveLength(0);
    const { stdout: secrets } = await kubectl(['get', 'secrets', '-o', 'name']);
    expect(secrets).not.toContain('orders-intake-callback');

    await helm.run([
      'upgrade',
      RELEASE,
      chartDir,
      '-n',
      RELEASE_NAMESPACE,
      '--reuse-values',
      '--set',
      `workflowSecrets.namespaces={${TEAM}}`,
    ]);
    // No edit of the workflows: the next resync finds the grant.
    await waitFor('condition=Ready', 'law/from-secret', 'law/orders-intake');
    const [azureSide] = azureWorkflowsNamed('from-secret');
    expect(
      (azureSide?.properties.parameters as Record<string, { value?: unknown }> | undefined)?.partnerKey
        ?.value,
    ).toBe(PARTNER_KEY);
    const { stdout: url } = await kubectl([
      'get',
      'secret',
      'orders-intake-callback',
      '-o',
      'jsonpath={.data.url}',
    ]);
    expect(Buffer.from(url, 'base64').toString()).toMatch(/^https:\/\/.*[?&]sig=/);
  }, 300_000);
});
