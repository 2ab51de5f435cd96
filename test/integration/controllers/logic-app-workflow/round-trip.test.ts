// Issue 21, items 1, 3 and 7, for the LogicAppWorkflow controller against a real API server and
// the Azure emulator through the real SDK clients. The emulator answers as Logic Apps does
// (packages/azure-emulator/test/workflow-round-trip.test.ts, with the sources):
// * secure parameter values are never returned ("Parameters that have this type aren't returned
//   with the resource definition", Logic Apps security docs; terraform-provider-azurerm PR #12314);
// * a declared parameter without a default and without a value is 400 InvalidTemplate
//   (Azure/LogicAppsUX #4404);
// * evaluatedRecurrence is not returned (terraform-provider-azurerm #28344), and parameter types
//   come back in the spec's casing (Azure/arm-template-whatif #55).
// Writes are counted from the emulator's request log; resyncs every 3 s (support/workflow-operator.ts).
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { GROUP, VERSION } from '../../../../src/crds/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { TEST_RECORDS_NAMESPACE } from '../../support/records.ts';
import { emulatedWorkflow, lastSeq } from '../must-show-support.ts';
import { waitForWorkflowReads, workflowWritesSince } from './support/emulator-waits.ts';
import {
  condition,
  createWorkflow,
  DEFINITION,
  keyVaultDefinition,
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  waitWorkflowReady,
  workflowManifest,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;
const API_KEY = 'round-trip-api-key-3f9d';
const ROTATED_KEY = 'round-trip-api-key-rotated-c41e';
const PORTAL_KEY = 'typed-in-the-portal-77d0';
const SECURE_DEFAULT = 'round-trip-default-key-a2b8';
const WAIT = 60_000;

/** A workflow with two secure parameters (one with a secure default) and a plain one. */
const SECURE_DEFINITION = {
  ...DEFINITION,
  parameters: {
    apiKey: { type: 'SecureString' },
    partnerSettings: { type: 'secureobject' },
    fallbackKey: { type: 'SecureString', defaultValue: SECURE_DEFAULT },
    endpoint: { type: 'String' },
  },
  actions: {
    Call_partner: {
      type: 'Http',
      runAfter: {},
      inputs: {
        method: 'POST',
        uri: "@parameters('endpoint')",
        headers: { 'Api-key': "@parameters('apiKey')", 'X-Fallback': "@parameters('fallbackKey')" },
        body: "@parameters('partnerSettings')",
      },
    },
  },
};
const secureParameters = (apiKey: string) => ({
  apiKey,
  partnerSettings: { account: 'acme', token: `${apiKey}-token` },
  endpoint: 'https://partner.example/orders',
});

/** As the portal exports a schedule: evaluatedRecurrence next to the recurrence, types in lower case. */
const EXPORTED_DEFINITION = {
  ...DEFINITION,
  parameters: { greeting: { type: 'string', defaultValue: 'hello' } },
  triggers: {
    Every_15_minutes: {
      type: 'Recurrence',
      recurrence: { frequency: 'Minute', interval: 15 },
      evaluatedRecurrence: { frequency: 'Minute', interval: 15 },
    },
  },
  actions: { Say: { type: 'Compose', runAfter: {}, inputs: "@parameters('greeting')" } },
};

describe('LogicAppWorkflow controller: what Azure does not hand back as sent', () => {
  let env: WorkflowOperatorEnv;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const events = adminKubeConfig().makeApiClient(EventsV1Api);
  const writesOf = (name: string, since: number) => workflowWritesSince(env.emu, name, since);

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-round-trip' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const waitReady = (name: string, generation = 1) => waitWorkflowReady(env, name, generation, WAIT);
  /** Waits until the workflow was read (resynced) at least `times` more times from now. */
  const waitResyncs = (name: string, times = 2) => waitForWorkflowReads(env.emu, name, times, WAIT);

  /** Every place the operator writes outside Azure, as text: status, Events, the records namespace. */
  async function everythingTheOperatorWrote(name: string): Promise<string> {
    const workflow = await readWorkflow(env, name);
    const { items: eventList } = await events.listNamespacedEvent({ namespace: env.namespace });
    const { items: configMaps } = await core.listNamespacedConfigMap({
      namespace: TEST_RECORDS_NAMESPACE,
      labelSelector: 'logicops.io/record',
    });
    return JSON.stringify([workflow?.status, eventList.map((e) => e.note), configMaps.map((c) => c.data)]);
  }

  it('a workflow with secure parameters makes 0 ARM writes across two resyncs after Ready', async () => {
    const seq = lastSeq(env.emu);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'secure', {
        subscriptionId: env.emu.subscriptionId,
        definition: SECURE_DEFINITION,
        parameters: secureParameters(API_KEY),
      }),
    );
    await waitReady('secure');
    expect(writesOf('secure', seq)).toBe(1);
    // Azure runs with the values (its state), and does not show them (a GET through the SDK).
    const parameters = emulatedWorkflow(env.emu, 'secure')?.properties.parameters as Record<
      string,
      { value: unknown }
    >;
    expect(parameters.apiKey?.value).toBe(API_KEY);
    const got = await env.logic.workflows.get(RG, 'secure');
    expect(got.parameters?.apiKey).toEqual({ type: 'SecureString' });
    expect(JSON.stringify(got)).not.toContain(SECURE_DEFAULT);

    const afterReady = lastSeq(env.emu);
    await waitResyncs('secure', 2);
    expect(writesOf('secure', afterReady)).toBe(0);
  });

  it('keeps only a salted digest of the secure values: none in status, Events or records', async () => {
    const { items } = await core.listNamespacedConfigMap({
      namespace: TEST_RECORDS_NAMESPACE,
      labelSelector: 'logicops.io/record=secure-parameters',
    });
    const mine = items.filter(
      (c) => c.metadata?.annotations?.['logicops.io/object'] === `${env.namespace}/secure`,
    );
    expect(mine).toHaveLength(1);
    const record = JSON.parse(mine[0]?.data?.record ?? '{}') as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(['digest', 'salt', 'workflowVersion']);
    expect(record.workflowVersion).toBe(emulatedWorkflow(env.emu, 'secure')?.properties.version);
    const written = await everythingTheOperatorWrote('secure');
    for (const value of [API_KEY, SECURE_DEFAULT, `${API_KEY}-token`]) expect(written).not.toContain(value);
  });

  it('writes a changed secure value exactly once', async () => {
    const seq = lastSeq(env.emu);
    await env.kube.patch(
      LOGIC_APP_WORKFLOW_RESOURCE,
      { namespace: env.namespace, name: 'secure' },
      PatchStrategy.MergePatch,
      { spec: { parameters: secureParameters(ROTATED_KEY) } },
    );
    await waitReady('secure', 2);
    await waitResyncs('secure', 2);
    expect(writesOf('secure', seq)).toBe(1);
    const parameters = emulatedWorkflow(env.emu, 'secure')?.properties.parameters as Record<
      string,
      { value: unknown }
    >;
    expect(parameters.apiKey?.value).toBe(ROTATED_KEY);
    expect(await everythingTheOperatorWrote('secure')).not.toContain(ROTATED_KEY);
  });

  it('restores secure values replaced out of band (Azure stamped a new version), with a DriftCorrected Event', async () => {
    const got = await env.logic.workflows.get(RG, 'secure');
    // Someone saves the workflow in the portal: Azure wants every secure value typed again
    // (the GET showed none, and no secure default either).
    await env.logic.workflows.createOrUpdate(RG, 'secure', {
      ...got,
      parameters: {
        ...got.parameters,
        apiKey: { value: PORTAL_KEY },
        partnerSettings: { value: {} },
        fallbackKey: { value: PORTAL_KEY },
      },
    });
    const seq = lastSeq(env.emu);
    await eventually(() => {
      const parameters = emulatedWorkflow(env.emu, 'secure')?.properties.parameters as Record<
        string,
        { value: unknown }
      >;
      expect(parameters.apiKey?.value).toBe(ROTATED_KEY);
    }, WAIT);
    await eventually(async () => {
      const { items } = await events.listNamespacedEvent({ namespace: env.namespace });
      const drift = items.find((e) => e.reason === 'DriftCorrected' && e.regarding?.name === 'secure');
      expect(drift?.note).toContain('secure parameters');
      expect(drift?.note).not.toContain(PORTAL_KEY);
    }, WAIT);
    await waitResyncs('secure', 2);
    expect(writesOf('secure', seq)).toBe(1);
  });

  it('a workflow exported with evaluatedRecurrence makes 0 ARM writes across two resyncs after Ready', async () => {
    const seq = lastSeq(env.emu);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'exported', {
        subscriptionId: env.emu.subscriptionId,
        definition: EXPORTED_DEFINITION,
      }),
    );
    await waitReady('exported');
    expect(writesOf('exported', seq)).toBe(1);
    const got = await env.logic.workflows.get(RG, 'exported');
    expect(JSON.stringify(got.definition)).not.toContain('evaluatedRecurrence');

    const afterReady = lastSeq(env.emu);
    await waitResyncs('exported', 2);
    expect(writesOf('exported', afterReady)).toBe(0);
  });

  it('waits for the binding that fills a parameter (never InvalidSpec), then writes once', async () => {
    const seq = lastSeq(env.emu);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'late-binding', {
        subscriptionId: env.emu.subscriptionId,
        definition: keyVaultDefinition('apiKeyUri'),
      }),
    );
    const reasons = new Set<string>();
    await eventually(async () => {
      const workflow = await readWorkflow(env, 'late-binding');
      reasons.add(condition(workflow, 'Ready')?.reason ?? '');
      expect(condition(workflow, 'Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForBindings',
        message: expect.stringContaining("'apiKeyUri'"),
      });
    }, WAIT);
    // Resyncs come and go: still waiting, nothing written, never stalled.
    await waitResyncs('late-binding', 2);
    const waiting = await readWorkflow(env, 'late-binding');
    reasons.add(condition(waiting, 'Ready')?.reason ?? '');
    expect(condition(waiting, 'Stalled')).toBeUndefined();
    expect(writesOf('late-binding', seq)).toBe(0);

    await env.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'vaultsecretbindings',
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'VaultSecretBinding',
        metadata: { name: 'late-binding-key', namespace: env.namespace },
        spec: {
          workflowRef: { name: 'late-binding' },
          vaultId: `/subscriptions/${env.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`,
          secretName: DEMO_SECRET_NAME,
          parameterName: 'apiKeyUri',
        },
      },
    });
    await waitReady('late-binding');
    expect(writesOf('late-binding', seq)).toBe(1);
    const parameters = emulatedWorkflow(env.emu, 'late-binding')?.properties.parameters as Record<
      string,
      { value: unknown }
    >;
    expect(parameters.apiKeyUri?.value).toBe(
      `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}`,
    );
    expect([...reasons]).not.toContain('InvalidSpec');
    const { items } = await events.listNamespacedEvent({ namespace: env.namespace });
    expect(items.filter((e) => e.regarding?.name === 'late-binding').map((e) => e.reason)).toEqual([
      'Created',
    ]);
  });
});
