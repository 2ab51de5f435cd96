// Issue 25, "secure parameters from Kubernetes Secrets", against a real API server and the Azure
// emulator through the real SDK clients, with a full operator (both controllers, as `logicops
// run` wires them, logging at debug level into memory for the leak scan). Azure-side claims are
// judged from the emulator: what it holds (its state) and the writes in its request log.
//
// What the emulator and the operator both believe of Azure: a parameter declared `securestring` or
// `secureobject` is never returned by a GET ("Parameters that have this type aren't returned with
// the resource definition": Microsoft Learn, "Secure access and data in Azure Logic Apps", Secure
// parameters in workflow definitions; terraform-provider-azurerm PR #12314), so a Secret's value
// is compared through logicops' salted digest of what it wrote, never with Azure's answer.
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { DEFINITION } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { recordSelector } from '../../../../src/controllers/shared/records/record-configmap.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { PARAMETER_SOURCE_LABEL, RECONCILE_REQUEST_ANNOTATION } from '../../../../src/vocabulary.ts';
import {
  eventHaystack,
  logHaystacks,
  metricsHaystack,
  recordHaystack,
  requestBodyHaystacks,
  statusHaystack,
} from '../../../chaos/security/haystacks.ts';
import { type Needle, scanForLeaks } from '../../../chaos/security/leak-scanner.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { captureDebugLog } from '../../support/log-capture.ts';
import { type InProcessOperator, startInProcessOperator } from '../../support/operator-env.ts';
import {
  condition,
  createWorkflow,
  emulatedWorkflow,
  lastSeq,
  type MustShowWorld,
  readWorkflow,
  startMustShowWorld,
} from '../must-show-support.ts';
import { waitForWorkflowReads, workflowWritesSince } from './support/emulator-waits.ts';

const WAIT = 60_000;
const PARTNER_KEY = 'partner-key-from-a-pipeline-4b1e9c';
const ROTATED_KEY = 'partner-key-rotated-by-the-pipeline-d07a52';
const ACCOUNT_TOKEN = 'partner-account-token-in-an-object-7f3e';

/** Calls a partner with a key and settings it must not show: both secure, the endpoint plain. */
const PARTNER_DEFINITION = {
  ...DEFINITION,
  parameters: {
    partnerKey: { type: 'securestring' },
    partnerSettings: { type: 'secureobject' },
    endpoint: { type: 'String' },
  },
  actions: {
    Call_partner: {
      type: 'Http',
      runAfter: {},
      inputs: {
        method: 'POST',
        uri: "@parameters('endpoint')",
        headers: { 'Api-key': "@parameters('partnerKey')" },
        body: "@parameters('partnerSettings')",
      },
    },
  },
};
const PARTNER_SPEC = {
  definition: PARTNER_DEFINITION,
  parameters: { endpoint: 'https://partner.example/orders' },
  parametersFrom: {
    partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } },
    partnerSettings: { secretKeyRef: { name: 'partner-api', key: 'settings.json' } },
  },
};

describe('LogicAppWorkflow: secure parameters from a Secret (spec.parametersFrom)', () => {
  let world: MustShowWorld;
  let running: InProcessOperator;
  let namespace = '';
  const log = captureDebugLog();
  const logLines = log.lines;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const events = adminKubeConfig().makeApiClient(EventsV1Api);
  const writesOf = (name: string, since: number) => workflowWritesSince(world.emulator, name, since);
  const parametersIn = (name: string) =>
    emulatedWorkflow(world.emulator, name)?.properties.parameters as Record<string, { value?: unknown }>;

  beforeAll(async () => {
    world = await startMustShowWorld({
      prefixes: ['law-secret-params'],
      emulator: { captureRequestBodies: true },
    });
    namespace = world.namespaces[0] ?? '';
    running = await startInProcessOperator(world.emulator, world.namespaces, {
      instance: namespace,
      flags: ['--resync-period', '3s'],
      // The operator's own logger (redaction included), at debug level: what a leak could reach.
      logger: log.logger,
    });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await world?.stop();
  });

  async function putSecret(name: string, data: Record<string, string>, labelled = true) {
    const labels: Record<string, string> = labelled ? { [PARAMETER_SOURCE_LABEL]: 'true' } : {};
    const body = {
      metadata: { name, namespace, labels },
      type: 'Opaque',
      stringData: data,
    };
    await core.replaceNamespacedSecret({ name, namespace, body }).catch(async (error: { code?: number }) => {
      if (error.code !== 404) throw error;
      await core.createNamespacedSecret({ namespace, body });
    });
  }

  async function requestReconcile(name: string, value: string) {
    await world.kube.patch(LOGIC_APP_WORKFLOW_RESOURCE, { namespace, name }, PatchStrategy.MergePatch, {
      metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: value } },
    });
  }

  async function waitReady(name: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(world, namespace, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      expect(workflow?.status?.observedGeneration).toBe(workflow?.metadata.generation);
    }, WAIT);
  }

  /** Waits until the workflow was read (resynced) at least `times` more times from now. */
  const waitResyncs = (name: string, times = 2) => waitForWorkflowReads(world.emulator, name, times, WAIT);

  it('the emulator receives the values; two resyncs with the same Secret make 0 writes', async () => {
    await putSecret('partner-api', {
      apiKey: PARTNER_KEY,
      'settings.json': JSON.stringify({ account: 'acme', token: ACCOUNT_TOKEN }),
    });
    const seq = lastSeq(world.emulator);
    await createWorkflow(world, namespace, 'partner', PARTNER_SPEC);
    await waitReady('partner');
    expect(writesOf('partner', seq)).toBe(1);
    const parameters = parametersIn('partner');
    expect(parameters.partnerKey?.value).toBe(PARTNER_KEY);
    expect(parameters.partnerSettings?.value).toEqual({ account: 'acme', token: ACCOUNT_TOKEN });
    expect(parameters.endpoint?.value).toBe('https://partner.example/orders');

    const afterReady = lastSeq(world.emulator);
    await waitResyncs('partner', 2);
    expect(writesOf('partner', afterReady)).toBe(0);
  });

  it('a changed Secret is written exactly once (at the next resync), then never again', async () => {
    const seq = lastSeq(world.emulator);
    await putSecret('partner-api', {
      apiKey: ROTATED_KEY,
      'settings.json': JSON.stringify({ account: 'acme', token: ACCOUNT_TOKEN }),
    });
    await eventually(() => expect(parametersIn('partner').partnerKey?.value).toBe(ROTATED_KEY), WAIT, 200);
    await waitResyncs('partner', 2);
    expect(writesOf('partner', seq)).toBe(1);
    await eventually(async () => {
      const { items } = await events.listNamespacedEvent({ namespace });
      const updated = items.filter((e) => e.regarding?.name === 'partner' && e.reason === 'Updated');
      expect(updated.map((e) => e.note)).toContainEqual(
        expect.stringContaining('secure parameters (changed in the spec or in a Secret they come from)'),
      );
    }, WAIT);
  });

  it('refuses a Secret for a parameter declared String: Stalled InvalidSpec, a Warning Event, no Azure write', async () => {
    const seq = lastSeq(world.emulator);
    await createWorkflow(world, namespace, 'plain', {
      definition: PARTNER_DEFINITION,
      parametersFrom: {
        endpoint: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } },
        partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } },
        partnerSettings: { secretKeyRef: { name: 'partner-api', key: 'settings.json' } },
      },
    });
    const message =
      "spec.parametersFrom gives parameter 'endpoint' the value of Secret 'partner-api', but the definition declares it 'String'";
    await eventually(async () => {
      const workflow = await readWorkflow(world, namespace, 'plain');
      expect(condition(workflow, 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidSpec',
        message: expect.stringContaining(message),
      });
    }, WAIT);
    await eventually(async () => {
      const { items } = await events.listNamespacedEvent({ namespace });
      expect(
        items.filter(
          (e) => e.regarding?.name === 'plain' && e.type === 'Warning' && e.reason === 'InvalidSpec',
        ),
      ).toHaveLength(1);
    }, WAIT);
    // Read (the step that finds out whether the workflow exists comes first), never written.
    expect(writesOf('plain', seq)).toBe(0);
    expect(emulatedWorkflow(world.emulator, 'plain')).toBeUndefined();
  });

  it('waits for a Secret another pipeline creates later (WaitingForSecret), then writes once', async () => {
    const seq = lastSeq(world.emulator);
    await createWorkflow(world, namespace, 'late', {
      ...PARTNER_SPEC,
      parametersFrom: {
        partnerKey: { secretKeyRef: { name: 'late-partner-api', key: 'apiKey' } },
        partnerSettings: { secretKeyRef: { name: 'partner-api', key: 'settings.json' } },
      },
    });
    await eventually(async () => {
      const workflow = await readWorkflow(world, namespace, 'late');
      expect(condition(workflow, 'Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForSecret',
        message: expect.stringContaining(`Secret ${namespace}/late-partner-api does not exist`),
      });
    }, WAIT);
    // Made without the consent label first: still waiting, and saying what is missing.
    await putSecret('late-partner-api', { apiKey: PARTNER_KEY }, false);
    await requestReconcile('late', 'unlabelled');
    await eventually(async () => {
      const workflow = await readWorkflow(world, namespace, 'late');
      expect(workflow?.status?.lastHandledReconcileRequest).toBe('unlabelled');
      expect(condition(workflow, 'Reconciling')).toMatchObject({
        reason: 'WaitingForSecret',
        message: expect.stringContaining(`does not carry the label ${PARAMETER_SOURCE_LABEL}: "true"`),
      });
    }, WAIT);
    expect(writesOf('late', seq)).toBe(0);

    // Labelled: taken up at the next wait poll (30 s by default), or at once on a reconcile request.
    await putSecret('late-partner-api', { apiKey: PARTNER_KEY });
    await requestReconcile('late', 'labelled');
    await waitReady('late');
    expect(writesOf('late', seq)).toBe(1);
    expect(parametersIn('late').partnerKey?.value).toBe(PARTNER_KEY);
  });

  it('no log line, Event, status, record or metric holds a value (the leak scanner); the request bodies do', async () => {
    const needles: Needle[] = [
      { label: 'Secret value partnerKey', value: PARTNER_KEY },
      { label: 'Secret value partnerKey (rotated)', value: ROTATED_KEY },
      { label: 'Secret value in partnerSettings', value: ACCOUNT_TOKEN },
    ];
    const { items: eventList } = await events.listNamespacedEvent({ namespace });
    const workflows = await Promise.all(
      ['partner', 'plain', 'late'].map((n) => readWorkflow(world, namespace, n)),
    );
    const records = await core.listConfigMapForAllNamespaces({ labelSelector: recordSelector([namespace]) });
    const metrics = await running.operator.metrics.render();
    const haystacks = [
      ...logHaystacks('operator log', logLines.join('\n')),
      eventHaystack(`events ${namespace}`, eventList),
      statusHaystack(
        `status ${namespace}`,
        workflows.filter((w) => w !== undefined),
      ),
      recordHaystack(`records ${namespace}`, records.items),
      metricsHaystack('metrics', metrics.body),
    ];
    expect(scanForLeaks(needles, haystacks)).toEqual([]);
    // The secure-parameters record is among what was scanned: a digest and its salt, no value.
    expect(
      records.items.some((c) => c.metadata?.labels?.['logicops.io/record'] === 'secure-parameters'),
    ).toBe(true);

    // The scanner finds these values where they must be: the PUTs the emulator received.
    const sent = scanForLeaks(
      needles,
      requestBodyHaystacks('azure request bodies', world.emulator.requestBodies()),
    );
    expect(new Set(sent.map((leak) => leak.needle))).toEqual(new Set(needles.map((n) => n.label)));
    expect(new Set(sent.map((leak) => leak.source))).toEqual(
      new Set(['azure request bodies (Microsoft.Logic/workflows/write)']),
    );
  });
});
