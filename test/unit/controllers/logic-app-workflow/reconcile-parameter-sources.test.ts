// spec.parametersFrom through the whole reconcile: the frame and its steps against fake gateways
// that answer as Azure does (secure values withheld: support/fakes.ts `asReturned`), an
// in-memory API server holding the Secrets, and in-memory operator records. Writes are counted
// from the fake Azure's calls; Secret reads from the fake API server's requests.
import { ApiException, type V1Secret } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { computeKstatus, StalledError, TerminalError } from '../../../../src/runtime/index.ts';
import { PARAMETER_SOURCE_LABEL } from '../../../../src/vocabulary.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import type { MemoryRecords } from '../shared/support/memory-records.ts';
import type { FakeAzure, FakeKube, FakeSource, RecordingEvents } from './support/fakes.ts';
import { NS, ReconcileHarness, VAULT_ID, workflowObject } from './support/reconcile-harness.ts';

const PARTNER_KEY = 'partner-key-from-pipeline-6c1f';
const ROTATED_KEY = 'partner-key-rotated-by-pipeline-93ad';
const ACCOUNT_TOKEN = 'account-token-in-object-0b7e';
const WAIT_POLL_MS = 30_000;

const DEFINITION = {
  parameters: {
    partnerKey: { type: 'securestring' },
    partnerSettings: { type: 'SecureObject' },
    endpoint: { type: 'String' },
  },
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {
    Call: {
      type: 'Http',
      inputs: {
        method: 'POST',
        uri: "@parameters('endpoint')",
        headers: { 'Api-key': "@parameters('partnerKey')" },
        body: "@parameters('partnerSettings')",
      },
    },
  },
};

function workflow(overrides: Partial<LogicAppWorkflow['spec']> = {}): LogicAppWorkflow {
  return workflowObject({
    definition: DEFINITION,
    parameters: { endpoint: 'https://partner.example/orders' },
    parametersFrom: {
      partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } },
      partnerSettings: { secretKeyRef: { name: 'partner-api', key: 'settings' } },
    },
    ...overrides,
  });
}

function secret(
  data: Record<string, string>,
  labels: Record<string, string> = { [PARAMETER_SOURCE_LABEL]: 'true' },
  name = 'partner-api',
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS, labels },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

const settings = (token: string) => JSON.stringify({ account: 'acme', token });

describe('LogicAppWorkflow reconcile: secure parameters from Secrets (spec.parametersFrom)', () => {
  let h: ReconcileHarness;
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let bindings: FakeSource<VaultSecretBinding>;
  let records: MemoryRecords;
  const clock = new FakeClock();

  beforeEach(() => {
    h = new ReconcileHarness({ clock, vault: true, settings: { waitPollMs: WAIT_POLL_MS } });
    ({ kube, azure, events, bindings, records } = h);
  });

  const run = (object?: LogicAppWorkflow) => h.run(object);
  const stored = () => h.stored();
  const condition = (type: string) => h.condition(type);
  const writes = () => h.writes();
  const azureValue = (name: string) => azure.workflows.get('wf')?.parameters[name]?.value;
  const secretGets = () =>
    kube.requests.filter((request) => request.kind === 'Secret' && request.verb === 'get').length;
  /** Everything the operator wrote outside Azure: status, Events, records. */
  const everythingWritten = () =>
    JSON.stringify([stored()?.status, events.recorded, [...records.stored.values()]]);

  it('writes the Secret values once, then stays in sync across resyncs, one GET of the Secret per pass', async () => {
    kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
    expect(await run(workflow())).toEqual({ type: 'done' });
    expect(writes()).toBe(1);
    expect(azureValue('partnerKey')).toBe(PARTNER_KEY);
    expect(azureValue('partnerSettings')).toEqual({ account: 'acme', token: ACCOUNT_TOKEN });
    expect(azureValue('endpoint')).toBe('https://partner.example/orders');
    expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    // Two parameters from one Secret: one read.
    expect(secretGets()).toBe(1);

    for (let resync = 0; resync < 2; resync++) expect(await run()).toEqual({ type: 'done' });
    expect(writes()).toBe(1);
    expect(secretGets()).toBe(3);
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created']);
  });

  it('writes a changed Secret exactly once, as an update that names no value', async () => {
    kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
    await run(workflow());
    kube.put(secret({ apiKey: ROTATED_KEY, settings: settings(ACCOUNT_TOKEN) }));
    expect(await run()).toEqual({ type: 'done' });
    expect(writes()).toBe(2);
    expect(azureValue('partnerKey')).toBe(ROTATED_KEY);
    expect(events.recorded.at(-1)).toMatchObject({
      type: 'Normal',
      reason: 'Updated',
      note: expect.stringContaining('secure parameters (changed in the spec or in a Secret they come from)'),
    });
    await run();
    await run();
    expect(writes()).toBe(2);
  });

  it('keeps only the salted digest: no value in status, Events or records', async () => {
    kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
    await run(workflow());
    expect(records.payload('secure-parameters', NS, 'wf')).toMatchObject({
      digest: expect.any(String),
      salt: expect.any(String),
    });
    const written = everythingWritten();
    for (const value of [PARTNER_KEY, ACCOUNT_TOKEN, Buffer.from(PARTNER_KEY).toString('base64')]) {
      expect(written).not.toContain(value);
    }
  });

  describe('waits, looking again every waitPollMs, for a Secret that is not there yet', () => {
    it.each([
      ['a missing Secret', () => undefined, 'Secret team-a/partner-api does not exist'],
      [
        'a Secret without the key',
        () => secret({ settings: settings(ACCOUNT_TOKEN) }),
        "Secret team-a/partner-api has no key 'apiKey'",
      ],
      [
        'a Secret without the consent label',
        () => secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }, {}),
        `Secret team-a/partner-api does not carry the label ${PARAMETER_SOURCE_LABEL}: "true"`,
      ],
      [
        'a Secret whose label says something else',
        () =>
          secret(
            { apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) },
            { [PARAMETER_SOURCE_LABEL]: 'yes' },
          ),
        `does not carry the label ${PARAMETER_SOURCE_LABEL}: "true"`,
      ],
    ])('%s: WaitingForSecret, nothing written, then written once when it is', async (_, made, what) => {
      const present = made();
      if (present) kube.put(present);
      expect(await run(workflow())).toEqual({ type: 'requeueAfter', delayMs: WAIT_POLL_MS });
      expect(writes()).toBe(0);
      expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'WaitingForSecret' });
      expect(condition('Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForSecret',
        message: expect.stringContaining(what),
      });
      expect(condition('Reconciling')?.message).toContain(
        "parameter 'partnerKey' takes its value from its key 'apiKey'",
      );
      expect(condition('Stalled')).toBeUndefined();
      expect(computeKstatus(stored()!)).toBe('InProgress');

      kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
      expect(await run()).toEqual({ type: 'done' });
      expect(writes()).toBe(1);
      expect(azureValue('partnerKey')).toBe(PARTNER_KEY);
    });

    it('a Secret deleted after the write: waits, and leaves the Azure workflow as it is', async () => {
      kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
      await run(workflow());
      kube.remove('Secret', NS, 'partner-api');
      expect(await run()).toEqual({ type: 'requeueAfter', delayMs: WAIT_POLL_MS });
      expect(writes()).toBe(1);
      expect(azureValue('partnerKey')).toBe(PARTNER_KEY);
      expect(condition('Reconciling')?.message).toContain('the Azure workflow is left as it is until then');
    });
  });

  describe('refuses sources the definition cannot take: InvalidSpec, a Warning Event, no Secret read, no write', () => {
    it.each([
      [
        'a parameter the definition does not declare',
        { parametersFrom: { partnerToken: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } } } },
        "spec.parametersFrom names parameter 'partnerToken', which the definition does not declare",
      ],
      [
        'a parameter declared String',
        {
          parametersFrom: { endpoint: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } } },
          parameters: {},
        },
        "the definition declares it 'String': a Secret's value goes only into a securestring or secureobject parameter",
      ],
      [
        'a parameter also in spec.parameters',
        {
          parameters: { endpoint: 'https://partner.example/orders', partnerKey: 'typed-in' },
          parametersFrom: { partnerKey: { secretKeyRef: { name: 'partner-api', key: 'apiKey' } } },
        },
        "Parameter 'partnerKey' is set in both spec.parameters and spec.parametersFrom",
      ],
    ])('%s', async (_, overrides, message) => {
      kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
      await expect(run(workflow(overrides))).rejects.toBeInstanceOf(TerminalError);
      expect(condition('Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidSpec',
        message: expect.stringContaining(message),
      });
      expect(events.recorded).toContainEqual({
        type: 'Warning',
        reason: 'InvalidSpec',
        note: expect.stringContaining(message),
      });
      expect(secretGets()).toBe(0);
      expect(writes()).toBe(0);
      expect(everythingWritten()).not.toContain(PARTNER_KEY);
    });
  });

  it('a secureobject Secret value that is not JSON: Stalled InvalidSpec, retried at resync, the value in no message', async () => {
    kube.put(secret({ apiKey: PARTNER_KEY, settings: `token=${ACCOUNT_TOKEN}` }));
    await expect(run(workflow())).rejects.toBeInstanceOf(StalledError);
    expect(writes()).toBe(0);
    expect(condition('Stalled')).toMatchObject({
      reason: 'InvalidSpec',
      message: expect.stringContaining(
        "Secret team-a/partner-api key 'settings' (parameter 'partnerSettings') is not valid JSON: a secureobject parameter takes a JSON object",
      ),
    });
    expect(events.recorded.at(-1)).toMatchObject({ type: 'Warning', reason: 'InvalidSpec' });
    expect(everythingWritten()).not.toContain(ACCOUNT_TOKEN);

    kube.put(secret({ apiKey: PARTNER_KEY, settings: settings(ACCOUNT_TOKEN) }));
    expect(await run()).toEqual({ type: 'done' });
    expect(writes()).toBe(1);
  });

  it('a Secret the operator may not read: Stalled AuthorizationFailed, naming the namespace and the chart value that grants it', async () => {
    kube.beforeRequest = (request) => {
      if (request.kind === 'Secret') {
        throw new ApiException(
          403,
          'HTTP 403 forbidden',
          { kind: 'Status', code: 403, reason: 'Forbidden' },
          {},
        );
      }
    };
    await expect(run(workflow())).rejects.toBeInstanceOf(StalledError);
    expect(writes()).toBe(0);
    expect(condition('Stalled')).toMatchObject({
      reason: 'AuthorizationFailed',
      message: expect.stringContaining('The operator may not read Secret team-a/partner-api'),
    });
    expect(condition('Stalled')?.message).toContain(
      "a cluster admin lists namespace team-a in the chart's workflowSecrets.namespaces",
    );
  });

  it('reads Secrets only in the workflow namespace, whatever else carries the same name', async () => {
    kube.put({
      ...secret({ apiKey: 'other-namespace-value-xx' }),
      metadata: {
        name: 'partner-api',
        namespace: 'logicops-system',
        labels: { [PARAMETER_SOURCE_LABEL]: 'true' },
      },
    });
    await run(workflow());
    expect(kube.requests.filter((r) => r.kind === 'Secret').map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'team-a/partner-api',
    ]);
    expect(writes()).toBe(0);
  });

  it("a parameter a VaultSecretBinding injects takes the binding's URI; its Secret key is not needed", async () => {
    const definition = {
      ...DEFINITION,
      parameters: { ...DEFINITION.parameters, partnerKey: { type: 'SecureString' } },
    };
    kube.put(secret({ settings: settings(ACCOUNT_TOKEN) }));
    bindings.set([
      {
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'VaultSecretBinding',
        metadata: { name: 'api-key', namespace: NS },
        spec: {
          workflowRef: { name: 'wf' },
          vaultId: VAULT_ID,
          secretName: 'api-key',
          permissions: ['get'],
          accessModel: 'Auto',
          parameterName: 'partnerKey',
          deletionPolicy: 'Delete',
        },
      },
    ]);
    expect(await run(workflow({ definition }))).toEqual({ type: 'done' });
    expect(azureValue('partnerKey')).toBe('https://kv1.vault.azure.net/secrets/api-key');
    expect(azureValue('partnerSettings')).toEqual({ account: 'acme', token: ACCOUNT_TOKEN });
  });
});
