// The real operator (createOperator, what `logicops run` runs), configured from the
// environment the installed chart renders and authenticated with a bound token of the chart's
// ServiceAccount, runs the controller scenarios against an in-process Azure emulator: the
// partner API story for both access models, a definition from a ConfigMap, a role grant on a
// Service Bus queue, an API connection, a binding the namespace policy denies (a repeated warning Event) — with leader election on, as the chart
// turns it on. The API server's audit log of that run must show that nothing was refused and
// that every verb/resource the chart grants was used — nothing granted in vain.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT, type Emulator } from '@logicops/azure-emulator';
import { admin, DEFINITION } from '@logicops/azure-emulator/test-support/harness';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditedPair, RBAC_NEEDS, verbResourcePairs } from '../../../src/rbac-needs.ts';
import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../../../src/vocabulary.ts';
import { eventually } from '../../support/eventually.ts';
import { chartDir } from '../../support/packaging-tools.ts';
import { activityOf, type UserActivity } from './support/audit-log.ts';
import {
  AzureRequestHold,
  type ChartOperator,
  emulatorValues,
  startChartOperator,
  startEmulatorWithTrust,
} from './support/chart-operator.ts';
import { helmFor } from './support/helm.ts';

const RELEASE_NAMESPACE = 'logicops-system';
const TEAM_SECRET = 'team-azure';
const TEAM_CLIENT_SECRET = 'team-audit-client-secret-0123456789';
const WATCHED = 'team-audit';
const SAMPLE = readFileSync(
  path.resolve(import.meta.dirname, '../../../config/samples/end-to-end/partner-api-workflow.yaml'),
  'utf8',
);

let plane: ControlPlane;
let emulator: Emulator | undefined;
let running: ChartOperator | undefined;
let activity: UserActivity;
let team: { clientId: string; objectId: string };
const azureHold = new AzureRequestHold();
const scenarios: string[] = [];
/** /metrics of the operator while the first story's objects are Ready (and the denied binding Stalled). */
let metricsWhileReady = '';

const kubectl = (args: string[], input?: string) => plane.kubectl(['-n', WATCHED, ...args], input);
const jsonOf = async <T>(args: string[]) => JSON.parse((await kubectl([...args, '-o', 'json'])).stdout) as T;
const waitFor = (condition: string, ...objects: string[]) =>
  kubectl(['wait', `--for=${condition}`, '--timeout=60s', ...objects]);
const gone = async (...objects: string[]) => {
  const { stdout } = await kubectl(['get', ...objects, '--ignore-not-found', '-o', 'name']);
  expect(stdout.trim()).toBe('');
};
const azureWorkflowsNamed = (name: string) =>
  Object.values(emulator?.state.workflows ?? {}).filter((w) => w.name === name);

async function scrapeMetrics(): Promise<string> {
  const port = running?.operator.manager.metricsPort;
  if (!port) throw new Error('the operator serves no metrics port');
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/**
 * A user edits `object` while the operator waits for Azure on the `operation` it is writing:
 * the operator's next write to the object then carries a stale resourceVersion (409) and it
 * re-reads the object with GET, as it must whenever someone else changed it mid-reconcile.
 */
async function editWhileHeld(hold: { held: Promise<void>; release: () => void }, object: string) {
  await hold.held;
  try {
    await kubectl(['label', '--overwrite', object, 'logicops.test/edited-mid-reconcile=true']);
  } finally {
    hold.release();
  }
}

/**
 * The partner API story: apply the two manifests, both Ready, delete them, nothing left.
 * With `grantOperation`, the binding is labelled while that Azure request of its grant pass is held.
 */
async function partnerApiStory(vault: string, grantOperation?: string): Promise<void> {
  const hold = grantOperation ? azureHold.holdNext(grantOperation) : undefined;
  await kubectl(
    ['apply', '-f', '-'],
    SAMPLE.replace(`vaults/${DEMO_ACCESS_POLICY_VAULT}`, `vaults/${vault}`),
  );
  if (hold) await editWhileHeld(hold, 'vsb/partner-sync-api-key');
  await waitFor('condition=Ready', 'law/partner-sync', 'vsb/partner-sync-api-key');
  expect(azureWorkflowsNamed('partner-sync')).toHaveLength(1);
  if (!metricsWhileReady) metricsWhileReady = await scrapeMetrics();
  await kubectl(['delete', 'vsb/partner-sync-api-key', '--wait=true', '--timeout=60s']);
  await kubectl(['delete', 'law/partner-sync', '--wait=true', '--timeout=60s']);
  await gone('law/partner-sync', 'vsb/partner-sync-api-key');
  expect(azureWorkflowsNamed('partner-sync')).toHaveLength(0);
  scenarios.push(`partner API story (${vault}${grantOperation ? ', binding edited mid-grant' : ''})`);
}

/**
 * A workflow whose definition lives in a ConfigMap that appears after the workflow; the
 * workflow is edited while the operator writes it to Azure.
 */
async function definitionFromConfigMap(): Promise<void> {
  const sample = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'from-configmap' },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      definitionFrom: { configMapKeyRef: { name: 'from-configmap-definition', key: 'definition.json' } },
    },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(sample));
  await waitFor(
    'jsonpath={.status.conditions[?(@.type=="Reconciling")].reason}=WaitingForConfigMap',
    'law/from-configmap',
  );
  const definition = {
    $schema:
      'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    triggers: {},
    actions: {},
  };
  // The ConfigMap wakes the workflow; while it is being written to Azure, a user labels it.
  const hold = azureHold.holdNext('Microsoft.Logic/workflows/write');
  await kubectl([
    'create',
    'configmap',
    'from-configmap-definition',
    `--from-literal=definition.json=${JSON.stringify(definition)}`,
  ]);
  await editWhileHeld(hold, 'law/from-configmap');
  await waitFor('condition=Ready', 'law/from-configmap');
  await kubectl(['delete', 'law/from-configmap', '--wait=true', '--timeout=60s']);
  await gone('law/from-configmap');
  expect(azureWorkflowsNamed('from-configmap')).toHaveLength(0);
  scenarios.push('definition from a ConfigMap, edited mid-reconcile');
}

/**
 * spec.callbackUrl (issue 25): the operator creates the Secret holding the Request trigger's
 * callback URL, patches it after a key rotation by annotation, and deletes it with the workflow:
 * the Secret verbs of the chart's per-namespace workflow-Secrets Role, each used.
 */
async function callbackUrlSecret(): Promise<void> {
  const workflow = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'orders-intake' },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      identity: { type: 'None' },
      definition: {
        $schema:
          'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
        actions: {},
      },
      callbackUrl: { secretName: 'orders-intake-callback' },
    },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(workflow));
  await waitFor('condition=Ready', 'law/orders-intake');
  const urlOf = async () =>
    Buffer.from(
      (await jsonOf<{ data: { url: string } }>(['get', 'secret/orders-intake-callback'])).data.url,
      'base64',
    ).toString();
  const before = await urlOf();
  await kubectl(['annotate', 'law/orders-intake', 'logicops.io/rotate-access-key=audit-1']);
  await waitFor('jsonpath={.status.callbackUrl.lastHandledRotateRequest}=audit-1', 'law/orders-intake');
  expect(await urlOf()).not.toBe(before);
  await kubectl(['delete', 'law/orders-intake', '--wait=true', '--timeout=60s']);
  await gone('law/orders-intake', 'secret/orders-intake-callback');
  scenarios.push('callback URL Secret: created, rewritten after a rotation, deleted with the workflow');
}

/**
 * A secure parameter from a labelled Secret in the watched namespace (spec.parametersFrom): the
 * operator reads it by name with the get of the chart's workflow-Secrets Role there (the watched
 * namespaces by default), and nothing more.
 */
async function secureParameterFromSecret(): Promise<void> {
  await kubectl([
    'create',
    'secret',
    'generic',
    'partner-api',
    '--from-literal=apiKey=audit-partner-key-0123',
  ]);
  await kubectl(['label', 'secret', 'partner-api', 'logicops.io/parameter-source=true']);
  const sample = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'from-secret' },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      definition: {
        $schema:
          'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        parameters: { partnerKey: { type: 'securestring' } },
        triggers: {},
        actions: {},
      },
      parametersFrom: { partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } } },
    },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(sample));
  await waitFor('condition=Ready', 'law/from-secret');
  const [azureSide] = azureWorkflowsNamed('from-secret');
  expect((azureSide?.properties.parameters as Record<string, { value?: unknown }>)?.partnerKey?.value).toBe(
    'audit-partner-key-0123',
  );
  await kubectl(['delete', 'law/from-secret', '--wait=true', '--timeout=60s']);
  await kubectl(['delete', 'secret', 'partner-api']);
  await gone('law/from-secret');
  scenarios.push('a secure parameter from a Secret');
}

/**
 * A WorkflowRoleAssignment on a Service Bus queue (issue 24): Ready, edited while its role
 * assignment is being written (the status write then re-reads it), deleted with its workflow.
 */
async function roleGrantStory(): Promise<void> {
  const subscription = `/subscriptions/${emulator?.subscriptionId}`;
  const workflow = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'orders' },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      definition: DEFINITION,
    },
  };
  const grant = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'WorkflowRoleAssignment',
    metadata: { name: 'orders-receiver' },
    spec: {
      workflowRef: { name: 'orders' },
      scope: `${subscription}/resourceGroups/logicops-demo/providers/Microsoft.ServiceBus/namespaces/sb-audit/queues/orders`,
      role: 'Azure Service Bus Data Receiver',
    },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(workflow));
  await waitFor('condition=Ready', 'law/orders');
  const hold = azureHold.holdNext('Microsoft.Authorization/roleAssignments/write');
  await kubectl(['create', '-f', '-'], JSON.stringify(grant));
  await editWhileHeld(hold, 'wra/orders-receiver');
  await waitFor('condition=Ready', 'wra/orders-receiver');
  await kubectl(['delete', 'wra/orders-receiver', '--wait=true', '--timeout=60s']);
  await kubectl(['delete', 'law/orders', '--wait=true', '--timeout=60s']);
  await gone('law/orders', 'wra/orders-receiver');
  expect(
    Object.values(emulator?.state.roleAssignments ?? {}).filter((a) => a.scope.includes('sb-audit')),
  ).toEqual([]);
  scenarios.push('role grant on a Service Bus queue, edited mid-grant');
}

/**
 * A LogicAppConnection (issue 24): Ready, edited while its PUT is held (the status write then
 * re-reads it), deleted with the connection in Azure.
 */
async function connectionStory(): Promise<void> {
  const connection = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name: 'orders-bus' },
    spec: {
      subscriptionId: emulator?.subscriptionId,
      resourceGroup: 'logicops-demo',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://sb-audit.servicebus.windows.net/' },
    },
  };
  const hold = azureHold.holdNext('Microsoft.Web/connections/write');
  await kubectl(['create', '-f', '-'], JSON.stringify(connection));
  await editWhileHeld(hold, 'lac/orders-bus');
  await waitFor('condition=Ready', 'lac/orders-bus');
  await kubectl(['delete', 'lac/orders-bus', '--wait=true', '--timeout=60s']);
  await gone('lac/orders-bus');
  expect(Object.keys(emulator?.state.webConnections ?? {})).toEqual([]);
  scenarios.push('API connection, edited mid-write');
}

/** A binding to a vault outside the namespace's allowed vaults: Stalled, retried at resync. */
async function createDeniedBinding(): Promise<void> {
  const denied = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'VaultSecretBinding',
    metadata: { name: 'outside-policy' },
    spec: {
      workflowRef: { name: 'partner-sync' },
      vaultId: `/subscriptions/${emulator?.subscriptionId}/resourceGroups/other-team/providers/Microsoft.KeyVault/vaults/other-kv`,
      secretName: 'partner-api-key',
    },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(denied));
  await waitFor(
    'jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=NamespacePolicyDenied',
    'vsb/outside-policy',
  );
}

/** The repeated warning becomes one Event whose series count the operator updates. */
async function deniedWarningFoldedIntoASeries(): Promise<void> {
  interface Events {
    items: Array<{ reason: string; regarding: { name: string }; series?: { count: number } }>;
  }
  await eventually(
    async () => {
      const events = await jsonOf<Events>(['get', 'events.v1.events.k8s.io']);
      const warnings = events.items.filter(
        (e) => e.regarding.name === 'outside-policy' && e.reason === 'NamespacePolicyDenied',
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.series?.count).toBeGreaterThanOrEqual(2);
    },
    90_000,
    1_000,
  );
  await kubectl(['delete', 'vsb/outside-policy', '--wait=true', '--timeout=60s']);
  await gone('vsb/outside-policy');
  scenarios.push('namespace policy denial, repeated warning Event series');
}

beforeAll(async () => {
  plane = await ControlPlane.start({ audit: true });
  emulator = await startEmulatorWithTrust([azureHold.middleware]);
  const subscription = `/subscriptions/${emulator.subscriptionId}`;
  await plane.kubectl(['create', 'namespace', RELEASE_NAMESPACE]);
  await plane.kubectl(['create', 'namespace', WATCHED]);
  await plane.kubectl([
    'annotate',
    'namespace',
    WATCHED,
    `${ALLOWED_RESOURCE_GROUPS_ANNOTATION}=${subscription}/resourceGroups/logicops-demo`,
    `${ALLOWED_VAULTS_ANNOTATION}=${subscription}/resourceGroups/logicops-demo/providers/Microsoft.KeyVault/vaults/*`,
    `${ALLOWED_ROLE_SCOPES_ANNOTATION}=${subscription}/resourceGroups/logicops-demo/providers/Microsoft.ServiceBus/namespaces/sb-audit`,
    `${ALLOWED_ROLES_ANNOTATION}=Azure Service Bus Data Receiver`,
  ]);
  // The watched namespace brings its own Azure identity (issue 23): the chart renders the Role for
  // its credential Secret, and every Azure call of its objects is made as that identity.
  const registered = await admin(emulator, 'POST', '/applications', {
    displayName: 'team-audit',
    clientSecret: TEAM_CLIENT_SECRET,
  });
  team = registered.body as { clientId: string; objectId: string };
  await admin(emulator, 'POST', '/role-assignments', {
    scope: subscription,
    role: 'Owner',
    principalId: team.objectId,
  });
  await plane.kubectl([
    '-n',
    WATCHED,
    'create',
    'secret',
    'generic',
    TEAM_SECRET,
    `--from-literal=tenantId=${emulator.tenantId}`,
    `--from-literal=clientId=${team.clientId}`,
    `--from-literal=clientSecret=${TEAM_CLIENT_SECRET}`,
  ]);
  const helm = await helmFor(plane.kubeconfigPath);
  // Sharded install: one watched namespace, so the per-namespace bindings are what is tested.
  // A short resync re-reconciles the stalled binding often enough to repeat its warning.
  await helm.run([
    'install',
    'logicops',
    chartDir,
    '-n',
    RELEASE_NAMESPACE,
    '--set',
    `watchNamespaces={${WATCHED}}`,
    '--set',
    'operator.resyncPeriod=5s',
    '--set',
    `azure.namespaceCredentials[0].namespace=${WATCHED}`,
    '--set',
    `azure.namespaceCredentials[0].secretName=${TEAM_SECRET}`,
    ...emulatorValues(emulator),
  ]);
  await plane.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/logicappworkflows.logicops.io',
    'crd/vaultsecretbindings.logicops.io',
    'crd/workflowroleassignments.logicops.io',
    'crd/logicappconnections.logicops.io',
  ]);
  running = await startChartOperator({ plane, helm, emulator, releaseNamespace: RELEASE_NAMESPACE });
  expect(running.chartEnv.LOGICOPS_LEADER_ELECT).toBe('true');
  try {
    await createDeniedBinding();
    await definitionFromConfigMap();
    await secureParameterFromSecret();
    // Held: the binding's own look at its secret, in the pass that goes on to record the grant's
    // write-ahead ledger, so that status write carries the resourceVersion from before the edit.
    // (Holding the coalesced accessPolicies/write no longer works: the binding's pass has ended
    // by then, and its next pass starts from the edited object.)
    await partnerApiStory(DEMO_ACCESS_POLICY_VAULT, 'Microsoft.KeyVault/vaults/secrets/read');
    await partnerApiStory(DEMO_RBAC_VAULT);
    await callbackUrlSecret();
    await roleGrantStory();
    await connectionStory();
    await deniedWarningFoldedIntoASeries();
  } finally {
    await running.stop();
  }
  const auditLog = plane.auditLogPath;
  if (!auditLog) throw new Error('the control plane was started without an audit log');
  activity = await activityOf(auditLog, running.account.username);
  process.stderr.write(
    `[rbac-audit] ${activity.requests} requests; used:\n  ${activity.used.join('\n  ')}\n`,
  );
}, 900_000);

afterAll(async () => {
  await emulator?.close();
  await plane?.stop();
});

describe("the operator under the chart's RBAC (audit log)", () => {
  it('ran every controller scenario to its end', () => {
    expect(scenarios).toEqual([
      'definition from a ConfigMap, edited mid-reconcile',
      'a secure parameter from a Secret',
      `partner API story (${DEMO_ACCESS_POLICY_VAULT}, binding edited mid-grant)`,
      `partner API story (${DEMO_RBAC_VAULT})`,
      'callback URL Secret: created, rewritten after a rotation, deleted with the workflow',
      'role grant on a Service Bus queue, edited mid-grant',
      'API connection, edited mid-write',
      'namespace policy denial, repeated warning Event series',
    ]);
  });

  it('made requests as the ServiceAccount, and none was refused', () => {
    expect(activity.requests).toBeGreaterThan(10);
    expect(activity.denied).toEqual([]);
  });

  it('used every verb/resource the chart grants, the per-namespace credential Secret included', () => {
    // A verb checked inside another request (server-side apply creating: create within a PATCH)
    // counts as used when that request was made. The credential needs of workload identity
    // (a TokenRequest) belong to a namespace with a ServiceAccount credential, not configured here.
    // The workflow-Secret needs are granted in the watched namespace (workflowSecrets.namespaces' default).
    const clientSecretNeeds = RBAC_NEEDS.filter(
      (need) => need.scope !== 'credential' || need.resource === 'secrets',
    );
    const unused = clientSecretNeeds.flatMap((need) =>
      need.verbs
        .filter((verb) => !activity.used.includes(auditedPair(need, verb)))
        .map((verb) => `${verb} ${need.apiGroup || 'core'}/${need.resource}`),
    );
    expect(unused).toEqual([]);
  });

  it('served metrics that count the objects and, as the chart configures it, name no Azure scope', () => {
    expect(running?.chartEnv.LOGICOPS_METRICS_IDENTIFYING_LABELS).toBe('false');
    expect(metricsWhileReady).toMatch(
      /^logicops_objects\{kind="VaultSecretBinding",ready="True",reason="Succeeded"\} [1-9]/m,
    );
    expect(metricsWhileReady).toMatch(
      /^logicops_objects\{kind="VaultSecretBinding",ready="False",reason="NamespacePolicyDenied"\} 1$/m,
    );
    expect(metricsWhileReady).toMatch(
      /^logicops_objects\{kind="LogicAppWorkflow",ready="True",reason="Succeeded"\} [1-9]/m,
    );
    expect(metricsWhileReady).toMatch(/^logicops_quota_used\{limit="AccessPoliciesPerVault"\} [1-9]/m);
    expect(metricsWhileReady).toMatch(/^logicops_quota_limit\{limit="AccessPoliciesPerVault"\} 1024$/m);
    for (const identifying of [
      emulator?.subscriptionId ?? 'no emulator',
      DEMO_ACCESS_POLICY_VAULT,
      WATCHED,
      '/resourceGroups/',
    ]) {
      expect(metricsWhileReady).not.toContain(identifying);
    }
  });

  it("made every ARM call of the namespace's objects as the namespace's own identity", () => {
    const calls = (emulator?.requests() ?? []).filter(
      (entry) => entry.plane === 'arm' && /\/workflows\/(partner-sync|from-configmap)$/i.test(entry.path),
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((call) => call.callerObjectId))).toEqual(new Set([team.objectId]));
  });

  it('used nothing outside the declared needs', () => {
    const declared = verbResourcePairs(RBAC_NEEDS);
    expect(activity.used.filter((pair) => !declared.includes(pair))).toEqual([]);
  });
});
