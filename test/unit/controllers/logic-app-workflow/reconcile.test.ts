// Reconcile-level tests: the frame and its steps against an in-memory API server and fake
// gateways, asserting the Azure calls made, the status written and the reconcile's outcome.
import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidAzureNameError } from '../../../../src/azure/index.ts';
import type { LogicAppWorkflowControllerDeps } from '../../../../src/controllers/logic-app-workflow/context.ts';
import { DEFINITION_LIMITS } from '../../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { metadataStub } from '../../../../src/controllers/shared/lean-cache.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { computeKstatus, StalledError, TerminalError } from '../../../../src/runtime/index.ts';
import { LOGICOPS_FINALIZER } from '../../../../src/vocabulary.ts';
import type { FakeClock } from '../../../support/fake-clock.ts';
import type { MemoryRecords } from '../shared/support/memory-records.ts';
import {
  type FakeAzure,
  type FakeKube,
  type FakeSource,
  PRINCIPAL,
  type RecordingEvents,
  TENANT,
} from './support/fakes.ts';
import {
  NS,
  ReconcileHarness,
  SUBSCRIPTION_ID,
  VAULT_ID,
  workflowObject,
} from './support/reconcile-harness.ts';

const UAMI = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared`;
const DEFINITION = {
  parameters: { keyUri: { type: 'String' } },
  actions: {
    Get: {
      type: 'Http',
      inputs: {
        uri: "@parameters('keyUri')",
        authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
      },
    },
  },
};

function workflow(
  overrides: Partial<LogicAppWorkflow['spec']> = {},
  annotations: Record<string, string> = {},
): LogicAppWorkflow {
  return workflowObject({ definition: DEFINITION, ...overrides }, { annotations });
}

function binding(name: string, extra: Partial<VaultSecretBinding> = {}): VaultSecretBinding {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'VaultSecretBinding',
    metadata: { name, namespace: NS },
    spec: {
      workflowRef: { name: 'wf' },
      vaultId: VAULT_ID,
      secretName: 'api-key',
      permissions: ['get'],
      accessModel: 'Auto',
      parameterName: 'keyUri',
      deletionPolicy: 'Delete',
    },
    ...extra,
  };
}

describe('LogicAppWorkflow reconcile', () => {
  let h: ReconcileHarness;
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let bindings: FakeSource<VaultSecretBinding>;
  let configMaps: FakeSource<KubernetesObject>;
  let clock: FakeClock;
  let deps: LogicAppWorkflowControllerDeps;
  let records: MemoryRecords;
  let namespaces: FakeSource<V1Namespace>;
  const journal: string[] = [];

  beforeEach(() => {
    journal.splice(0);
    h = new ReconcileHarness({
      vault: true,
      bindings: [binding('api-key')],
      journal,
      lean: true,
      settings: { waitPollMs: 1_000 },
    });
    ({ kube, azure, events, bindings, configMaps, clock, deps, records, namespaces } = h);
  });

  const context = () => h.context();
  const run = (object?: LogicAppWorkflow) => h.run(object);
  const stored = () => h.stored();
  /** A ConfigMap as the API server holds it (a new resourceVersion), and its stub as the metadata-only cache does. */
  function putConfigMap(name: string, data: Record<string, string>) {
    const stored = kube.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
    configMaps.set([
      ...configMaps.list().filter((stub) => stub.metadata?.name !== name),
      metadataStub(stored),
    ]);
  }
  const condition = (type: string) => h.condition(type);

  it('adds the finalizer first, creates once with the secret URI, and reports Ready with the principal', async () => {
    expect(await run(workflow())).toEqual({ type: 'done' });
    expect(kube.calls).toEqual(['add finalizer', 'patch status']);
    expect(azure.calls).toEqual([
      'workflows.get',
      'workflows.listBySubscription',
      'vaults.get',
      'workflows.createOrUpdate',
    ]);
    expect(stored()?.metadata.finalizers).toEqual([LOGICOPS_FINALIZER]);
    const created = azure.workflows.get('wf');
    expect(created?.tags).toEqual({ 'logicops-owner': `c1/${NS}/wf` });
    expect(created?.parameters).toEqual({ keyUri: { value: 'https://kv1.vault.azure.net/secrets/api-key' } });
    expect(stored()?.status).toMatchObject({
      observedGeneration: 1,
      identity: { type: 'SystemAssigned', principalId: PRINCIPAL, tenantId: TENANT },
      provisioningState: 'Succeeded',
    });
    expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(condition('QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
    expect(computeKstatus(stored()!)).toBe('Current');
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created']);
  });

  it('neither writes Azure nor status when everything is in sync', async () => {
    await run(workflow());
    kube.calls.length = 0;
    azure.calls.length = 0;
    expect(await run()).toEqual({ type: 'done' });
    expect(azure.calls).toEqual(['workflows.get', 'vaults.get']);
    expect(kube.calls).toEqual([]);
  });

  it('reads a vault once for its URI when the wiring keeps vault URIs, not on every pass', async () => {
    h.restart({ vaultUriTtlMs: 60_000 });
    await run(workflow());
    azure.calls.length = 0;
    expect(await run()).toEqual({ type: 'done' });
    expect(azure.calls).toEqual(['workflows.get']);
    await clock.advance(60_000);
    await run();
    // The quota listing (TTL 30 s) is older than its TTL too: one listing refreshes status.quota.
    expect(azure.calls).toEqual([
      'workflows.get',
      'workflows.get',
      'workflows.listBySubscription',
      'vaults.get',
    ]);
  });

  const other = (name: string, location = 'westeurope') => ({
    id: name,
    name,
    location,
    tags: {},
    identity: { type: 'SystemAssigned' },
    parameters: {},
  });
  const usage = () =>
    Object.fromEntries((stored()?.status?.quota ?? []).map((entry) => [entry.name, entry.used]));

  it('counts the new workflow in status.quota right after creating it', async () => {
    azure.workflows.set('a', other('a'));
    await run(workflow());
    expect(usage()).toEqual({ WorkflowsPerRegion: 2, ManagedIdentityWorkflowsPerSubscriptionRegion: 2 });
  });

  it('refreshes status.quota of an existing workflow from the shared listing, at most once per TTL', async () => {
    await run(workflow());
    expect(usage()).toEqual({ WorkflowsPerRegion: 1, ManagedIdentityWorkflowsPerSubscriptionRegion: 1 });
    azure.workflows.set('a', other('a'));
    azure.workflows.set('b', other('b'));
    azure.workflows.set('far', other('far', 'northeurope'));
    azure.calls.length = 0;
    await run();
    // Within the listing's TTL: no read, the figure stays what that listing said.
    expect(azure.calls).not.toContain('workflows.listBySubscription');
    expect(usage()).toEqual({ WorkflowsPerRegion: 1, ManagedIdentityWorkflowsPerSubscriptionRegion: 1 });
    await clock.advance(30_000);
    await run();
    expect(azure.calls.filter((call) => call === 'workflows.listBySubscription')).toHaveLength(1);
    expect(usage()).toEqual({ WorkflowsPerRegion: 3, ManagedIdentityWorkflowsPerSubscriptionRegion: 3 });
    expect(condition('QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
  });

  it('reports a region already past a limit without blocking the existing workflow', async () => {
    await run(workflow());
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
      azure.workflows.set(name, other(name));
    await clock.advance(30_000);
    expect(await run()).toEqual({ type: 'done' });
    expect(usage()).toMatchObject({ WorkflowsPerRegion: 11 });
    expect(condition('QuotaAvailable')).toMatchObject({
      status: 'False',
      reason: 'QuotaExceeded',
      message: expect.stringContaining('this workflow is unaffected'),
    });
    expect(condition('Ready')).toMatchObject({ status: 'True' });
  });

  it('restores drift with a DriftCorrected event, but calls a spec change an update', async () => {
    await run(workflow());
    const changed = azure.workflows.get('wf')!;
    changed.state = 'Disabled';
    await run();
    expect(azure.workflows.get('wf')?.state).toBe('Enabled');
    expect(events.recorded.at(-1)).toMatchObject({
      reason: 'DriftCorrected',
      note: expect.stringContaining('state'),
    });

    const next = stored()!;
    next.metadata.generation = 2;
    next.spec.state = 'Disabled';
    await run(next);
    expect(events.recorded.at(-1)).toMatchObject({ reason: 'Updated' });
  });

  it('reports actions whose secret data Azure cannot hide: status always, an Event only when the list changes', async () => {
    const withVariable = {
      ...DEFINITION,
      actions: {
        ...DEFINITION.actions,
        Keep_key: {
          type: 'InitializeVariable',
          inputs: { variables: [{ name: 'key', type: 'string', value: "@body('Get')?['value']" }] },
        },
        Call: {
          type: 'Http',
          inputs: { method: 'GET', uri: 'https://p.example', headers: { k: "@variables('key')" } },
        },
      },
    };
    await run(workflow({ definition: withVariable }));
    const written = azure.workflows.get('wf')?.definition as {
      actions: Record<string, { runtimeConfiguration?: unknown }>;
    };
    expect(written.actions.Keep_key?.runtimeConfiguration).toBeUndefined();
    expect(written.actions.Call?.runtimeConfiguration).toEqual({
      secureData: { properties: ['inputs', 'outputs'] },
    });
    expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(stored()?.status?.exposedInRunHistory).toEqual([
      {
        action: 'Keep_key',
        type: 'InitializeVariable',
        shows: ['inputs', 'outputs'],
        change: expect.stringContaining("'Get'"),
      },
    ]);
    expect(events.recorded.filter((e) => e.type === 'Warning')).toEqual([
      expect.objectContaining({
        reason: 'RunHistoryExposed',
        note: expect.stringMatching(/Keep_key \(InitializeVariable, inputs and outputs\)/),
      }),
    ]);

    // A resync with nothing new: no status write, no second Event.
    kube.calls.length = 0;
    await run();
    expect(kube.calls).toEqual([]);
    expect(events.recorded.filter((e) => e.reason === 'RunHistoryExposed')).toHaveLength(1);

    // The team takes the advice: the report goes, and an Event says so.
    const fixed = stored()!;
    fixed.metadata.generation = 2;
    fixed.spec.definition = DEFINITION;
    await run(fixed);
    expect(stored()?.status?.exposedInRunHistory).toBeUndefined();
    expect(events.recorded.at(-1)).toMatchObject({ type: 'Normal', reason: 'RunHistorySecured' });
  });

  it('reports nothing when secureRunHistory is off: nothing was analysed', async () => {
    const withVariable = {
      ...DEFINITION,
      actions: {
        ...DEFINITION.actions,
        Keep_key: { type: 'SetVariable', inputs: { name: 'key', value: "@body('Get')" } },
      },
    };
    await run(workflow({ definition: withVariable, secureRunHistory: false }));
    expect(stored()?.status?.exposedInRunHistory).toBeUndefined();
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created']);
  });

  it('waits for a missing ConfigMap without touching Azure beyond reads', async () => {
    const object = workflow({
      definition: undefined,
      definitionFrom: { configMapKeyRef: { name: 'cm', key: 'wf.json' } },
    });
    expect(await run(object)).toEqual({ type: 'done' });
    expect(azure.calls).not.toContain('workflows.createOrUpdate');
    expect(condition('Reconciling')).toMatchObject({ status: 'True', reason: 'WaitingForConfigMap' });
    expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'WaitingForConfigMap' });

    putConfigMap('cm', { 'wf.json': JSON.stringify(DEFINITION) });
    expect(await run()).toEqual({ type: 'done' });
    expect(condition('Ready')).toMatchObject({ status: 'True' });
  });

  describe('size and nesting limits', () => {
    /** A definition one byte over the limit: {"x":"aaa…"}. */
    const oversized = () => ({ x: 'a'.repeat(DEFINITION_LIMITS.bytes - 7) });

    it('holds a definition over the limits as InvalidSpec (terminal) without calling Azure', async () => {
      await expect(run(workflow({ definition: oversized() }))).rejects.toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
      expect(kube.calls).toEqual(['add finalizer', 'patch status']);
      expect(condition('Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidSpec',
        message: expect.stringContaining('spec.definition is 262,145 bytes of JSON (the limit is 262,144)'),
      });
      expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(computeKstatus(stored()!)).toBe('Failed');
      expect(events.recorded).toEqual([
        { type: 'Warning', reason: 'InvalidSpec', note: expect.stringContaining('262,145 bytes') },
      ]);

      // Once the finalizer is there the cache's copy is what the reconcile works with.
      kube.calls.length = 0;
      await expect(run()).rejects.toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
      expect(kube.calls).toEqual([]);
    });

    it('holds parameters over the limits the same way', async () => {
      const parameters = { p: { a: { b: 'nested' } } };
      let deep: Record<string, unknown> = parameters;
      for (let i = 0; i < 70; i++) deep = { wrap: deep };
      await expect(run(workflow({ parameters: deep }))).rejects.toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
      expect(condition('Stalled')?.message).toContain(
        'spec.parameters is nested 73 levels deep (the limit is 64)',
      );
    });

    it('still deletes the Azure workflow of an object whose definition became too big', async () => {
      expect(await run(workflow())).toEqual({ type: 'done' });
      expect(azure.workflows.has('wf')).toBe(true);
      const grown = stored()!;
      grown.metadata.generation = 2;
      grown.spec.definition = oversized();
      azure.calls.length = 0;
      await expect(run(grown)).rejects.toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
      expect(condition('Stalled')).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 2 });

      const deleting = stored()!;
      deleting.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(deleting);
      kube.calls.length = 0;
      azure.calls.length = 0;
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual(['workflows.get', 'workflows.delete']);
      expect(azure.workflows.has('wf')).toBe(false);
      expect(kube.calls).toEqual(['remove finalizer']);
    });

    it('holds a ConfigMap value over the limits as InvalidSpec, never writing Azure, until the ConfigMap changes', async () => {
      putConfigMap('cm', { 'wf.json': JSON.stringify(oversized()) });
      const object = workflow({
        definition: undefined,
        definitionFrom: { configMapKeyRef: { name: 'cm', key: 'wf.json' } },
      });
      await expect(run(object)).rejects.toBeInstanceOf(TerminalError);
      expect(azure.calls).not.toContain('workflows.createOrUpdate');
      expect(condition('Stalled')).toMatchObject({
        reason: 'InvalidSpec',
        message: expect.stringContaining(
          "ConfigMap team-a/cm key 'wf.json' is 262,145 bytes of JSON (the limit is 262,144)",
        ),
      });

      putConfigMap('cm', { 'wf.json': JSON.stringify(DEFINITION) });
      expect(await run()).toEqual({ type: 'done' });
      expect(condition('Ready')).toMatchObject({ status: 'True' });
      expect(azure.calls).toContain('workflows.createOrUpdate');
    });
  });

  it('turns a throttled call into a requeue after Retry-After with Reconciling Throttled', async () => {
    azure.failNext.set('workflows.get', { kind: 'throttled', retryAfterMs: 7_000, message: 'slow down' });
    expect(await run(workflow())).toEqual({ type: 'requeueAfter', delayMs: 7_000 });
    expect(condition('Reconciling')).toMatchObject({ status: 'True', reason: 'Throttled' });
  });

  it('keeps a Ready workflow Ready when its resync is throttled', async () => {
    expect(await run(workflow())).toEqual({ type: 'done' });
    expect(condition('Ready')).toMatchObject({ status: 'True' });
    azure.failNext.set('workflows.get', { kind: 'throttled', retryAfterMs: 3_000, message: 'slow down' });
    expect(await run()).toEqual({ type: 'requeueAfter', delayMs: 3_000 });
    expect(condition('Ready')).toMatchObject({ status: 'True' });
    expect(condition('Reconciling')).toBeUndefined();
  });

  it('stalls on an environment problem and holds an invalid spec as terminal', async () => {
    azure.failNext.set('workflows.get', {
      kind: 'stalled',
      reason: 'ResourceGroupNotFound',
      message: 'create it',
    });
    await expect(run(workflow())).rejects.toBeInstanceOf(StalledError);
    expect(condition('Stalled')).toMatchObject({
      status: 'True',
      reason: 'ResourceGroupNotFound',
      message: 'create it',
    });
    expect(computeKstatus(stored()!)).toBe('Failed');

    azure.failNext.set('workflows.createOrUpdate', {
      kind: 'stalled',
      reason: 'InvalidSpec',
      message: 'bad template',
    });
    await expect(run()).rejects.toBeInstanceOf(TerminalError);
    expect(condition('Stalled')).toMatchObject({ reason: 'InvalidSpec' });
    expect(events.recorded.map((e) => `${e.type}/${e.reason}`)).toEqual([
      'Warning/ResourceGroupNotFound',
      'Warning/InvalidSpec',
    ]);
  });

  it('retries a transient failure with backoff and says so in Reconciling', async () => {
    azure.failNext.set('workflows.createOrUpdate', {
      kind: 'retry',
      reason: 'serverError',
      message: '(Azure 500)',
    });
    await expect(run(workflow())).rejects.toThrow(/createOrUpdate/);
    expect(condition('Reconciling')).toMatchObject({ status: 'True', reason: 'Progressing' });
    expect(stored()?.status?.observedGeneration).toBeUndefined();
  });

  it('refuses a create over the quota before writing', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) {
      azure.workflows.set(name, {
        id: name,
        name,
        location: 'westeurope',
        tags: {},
        identity: { type: 'None' },
        parameters: {},
      });
    }
    await expect(run(workflow())).rejects.toBeInstanceOf(StalledError);
    expect(azure.calls).not.toContain('workflows.createOrUpdate');
    expect(condition('QuotaAvailable')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(condition('Stalled')).toMatchObject({ reason: 'QuotaExceeded' });
  });

  it('denies a user-assigned identity outside the allowed resource groups', async () => {
    const elsewhere = UAMI.replace('/resourceGroups/rg/', '/resourceGroups/other/');
    await expect(
      run(workflow({ identity: { type: 'UserAssigned', userAssignedIdentityId: elsewhere } })),
    ).rejects.toBeInstanceOf(StalledError);
    expect(condition('Stalled')).toMatchObject({ reason: 'NamespacePolicyDenied' });
    expect(azure.calls).toEqual([]);
  });

  it("records a user-assigned identity's principal from the identity itself", async () => {
    azure.identities.set(UAMI.toLowerCase(), {
      id: UAMI,
      name: 'shared',
      location: 'westeurope',
      principalId: 'uami-principal',
      clientId: 'uami-client',
      tenantId: TENANT,
    });
    await run(workflow({ identity: { type: 'UserAssigned', userAssignedIdentityId: UAMI } }));
    expect(stored()?.status?.identity).toEqual({
      type: 'UserAssigned',
      principalId: 'uami-principal',
      principalObservedAt: new Date(clock.now()).toISOString(),
      tenantId: TENANT,
      userAssignedIdentityId: UAMI,
    });
  });

  it('only reads while paused', async () => {
    expect(
      await run(workflow({}, { 'logicops.io/paused': 'true', 'logicops.io/reconcile-request': 'r1' })),
    ).toEqual({ type: 'done' });
    expect(azure.calls).not.toContain('workflows.createOrUpdate');
    expect(condition('Ready')?.message).toMatch(/^Paused: the Azure workflow does not exist/);
    expect(stored()?.status?.lastHandledReconcileRequest).toBe('r1');
  });

  // The CRD refuses these at admission; these objects slipped past it (a CRD from an older
  // release, or validation off). The controller must stop before the finalizer and before any
  // Azure call, with InvalidSpec naming the field, and not retry until the spec changes.
  describe('names Azure refuses', () => {
    const uamiNamed = (name: string) => UAMI.replace('/shared', `/${name}`);
    it.each([
      ['azureName ..', { azureName: '..' }, 'spec.azureName: workflow name ".."'],
      ['azureName .', { azureName: '.' }, 'spec.azureName: workflow name "."'],
      ['azureName %2e%2e', { azureName: '%2e%2e' }, 'spec.azureName: workflow name "%2e%2e"'],
      ['azureName with a slash', { azureName: 'wf/../other' }, 'spec.azureName: workflow name "wf/../other"'],
      ['azureName ending in a period', { azureName: 'wf.' }, 'spec.azureName: workflow name "wf."'],
      ['azureName longer than 43', { azureName: 'w'.repeat(44) }, 'spec.azureName: workflow name'],
      ['resourceGroup ..', { resourceGroup: '..' }, 'spec.resourceGroup: resource group name ".."'],
      ['subscriptionId not a GUID', { subscriptionId: 'sub' }, 'spec.subscriptionId: subscription id "sub"'],
      [
        'a user-assigned identity named ..',
        { identity: { type: 'UserAssigned' as const, userAssignedIdentityId: uamiNamed('..') } },
        'spec.identity.userAssignedIdentityId: user-assigned identity name of user-assigned identity id',
      ],
    ])('%s: Stalled InvalidSpec, no finalizer, no Azure call', async (_name, spec, said) => {
      const outcome = await run(workflow(spec)).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(TerminalError);
      expect((outcome as TerminalError).reason).toBe('InvalidSpec');
      expect(azure.calls).toEqual([]);
      expect(kube.calls).toEqual(['patch status']);
      expect(stored()?.metadata.finalizers).toBeUndefined();
      expect(condition('Stalled')).toMatchObject({
        status: 'True',
        reason: 'InvalidSpec',
        message: expect.stringContaining(said),
      });
      expect(condition('Stalled')?.message).toContain('is not valid in Azure');
      expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(computeKstatus(stored()!)).toBe('Failed');
      expect(events.recorded.map((e) => `${e.type}/${e.reason}`)).toEqual(['Warning/InvalidSpec']);
    });

    it('metadata.name stands in for azureName and is checked the same way', async () => {
      const object = workflow();
      object.metadata.name = 'w'.repeat(44);
      kube.put(object);
      const outcome = await h
        .reconcile(structuredClone(object), {
          ...context(),
          key: `${NS}/${object.metadata.name}`,
        })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
    });

    it('a finalizer from an older release stays through deletion, and nothing is deleted in Azure', async () => {
      const object = workflow({ azureName: '..' });
      object.metadata.finalizers = [LOGICOPS_FINALIZER];
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      const outcome = await run(object).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(TerminalError);
      expect(azure.calls).toEqual([]);
      expect(stored()?.metadata.finalizers).toEqual([LOGICOPS_FINALIZER]);
      expect(condition('Stalled')?.message).toMatch(
        /spec\.azureName: .*finalizer stays.*Clearing a stuck finalizer/,
      );
    });

    it('a name a gateway refuses (not from spec) is InvalidSpec too, without retries', async () => {
      const fakes = azure.gateways();
      deps.gatewaysFor = () => ({
        ...fakes,
        workflows: {
          ...fakes.workflows,
          get: async () => {
            throw new InvalidAzureNameError('workflow name', '..', 'workflow names are 1-43 …');
          },
        },
      });
      const outcome = await run(workflow()).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(TerminalError);
      expect(condition('Stalled')).toMatchObject({
        reason: 'InvalidSpec',
        message: expect.stringContaining('logicops sent nothing to Azure'),
      });
      expect(azure.calls).toEqual([]);
    });
  });

  describe('deletion', () => {
    async function deleting(spec: Partial<LogicAppWorkflow['spec']> = {}) {
      await run(workflow(spec));
      const object = stored()!;
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
      kube.calls.length = 0;
      azure.calls.length = 0;
    }

    it('waits while a binding holds a grant, then deletes, withdraws the identity and removes the finalizer', async () => {
      await deleting();
      bindings.set([binding('api-key')]);
      records.seed(
        'grant',
        { namespace: NS, name: 'api-key' },
        { phase: 'Granted', principalId: PRINCIPAL, vaultId: VAULT_ID, accessModel: 'RBAC' },
      );
      expect(await run()).toEqual({ type: 'requeueAfter', delayMs: 1_000 });
      expect(azure.calls).toEqual([]);
      expect(stored()?.metadata.finalizers).toEqual([LOGICOPS_FINALIZER]);
      expect(condition('Reconciling')).toMatchObject({
        reason: 'WaitingForBindings',
        message: expect.stringContaining('api-key'),
      });

      await records.records.remove('grant', NS, 'api-key'); // revoked: the ledger is gone
      kube.calls.length = 0;
      journal.splice(0);
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual(['workflows.get', 'workflows.delete']);
      expect(azure.workflows.has('wf')).toBe(false);
      expect(kube.calls).toEqual(['remove finalizer']);
      expect(journal).toEqual(['identity:withdrawn']);
      expect(records.payload('identity', NS, 'wf')).toBeUndefined();
    });

    it('does not wait for a grant that only a binding status claims (status is a report)', async () => {
      await deleting();
      bindings.set([
        binding('api-key', {
          status: {
            grant: { phase: 'Granted', principalId: PRINCIPAL, vaultId: VAULT_ID, accessModel: 'RBAC' },
          },
        }),
      ]);
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual(['workflows.get', 'workflows.delete']);
    });

    it('keeps the finalizer when the Azure delete fails', async () => {
      await deleting();
      azure.failNext.set('workflows.delete', {
        kind: 'retry',
        reason: 'serverError',
        message: '(Azure 500)',
      });
      await expect(run()).rejects.toThrow();
      expect(stored()?.metadata.finalizers).toEqual([LOGICOPS_FINALIZER]);
      expect(condition('Reconciling')).toMatchObject({ reason: 'Deleting' });
    });

    it('leaves Azure alone with deletionPolicy Orphan', async () => {
      await deleting({ deletionPolicy: 'Orphan' });
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual([]);
      expect(azure.workflows.has('wf')).toBe(true);
      expect(kube.calls).toEqual(['remove finalizer']);
    });
  });

  describe('ownership, adoption and the namespace policy (issue 20)', () => {
    const VICTIM = '33333333-3333-3333-3333-333333333333';
    function existing(tags: Record<string, string>) {
      azure.workflows.set('wf', {
        id: '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf',
        name: 'wf',
        location: 'westeurope',
        tags,
        identity: { type: 'SystemAssigned', principalId: VICTIM, tenantId: TENANT },
        state: 'Enabled',
        definition: {},
        parameters: {},
      });
    }
    function annotateNamespace(annotations: Record<string, string>) {
      const [current] = namespaces.list();
      namespaces.set([
        {
          ...current,
          metadata: {
            ...current?.metadata,
            annotations: { ...current?.metadata?.annotations, ...annotations },
          },
        },
      ]);
    }
    const ADOPT = { 'logicops.io/adopt': 'true' };
    const ALLOW_ADOPTION = { 'logicops.io/allow-adoption': 'true' };

    it('vouches for the principal Azure reported, in an operator record bindings read', async () => {
      await run(workflow());
      expect(journal).toEqual([`identity:${PRINCIPAL}`]);
      expect(records.payload('identity', NS, 'wf')).toEqual({
        type: 'SystemAssigned',
        principalId: PRINCIPAL,
        tenantId: TENANT,
        principalObservedAt: new Date(clock.now()).toISOString(),
      });
      journal.splice(0);
      await run();
      expect(journal).toEqual([]); // unchanged: not written again
    });

    it('never adopts a workflow tagged for another owner, even with both adoption annotations', async () => {
      existing({ 'logicops-owner': 'c1/team-b/wf' });
      annotateNamespace(ALLOW_ADOPTION);
      await expect(run(workflow({}, ADOPT))).rejects.toBeInstanceOf(StalledError);
      expect(condition('Stalled')).toMatchObject({
        reason: 'AlreadyOwned',
        message: expect.stringContaining('never takes over a workflow tagged for another owner'),
      });
      expect(azure.calls).not.toContain('workflows.createOrUpdate');
      expect(records.payload('identity', NS, 'wf')).toBeUndefined();
      expect(stored()?.status?.identity).toBeUndefined();
    });

    it('adopts an untagged workflow only when a cluster admin allows adoption for the namespace', async () => {
      existing({});
      await expect(run(workflow({}, ADOPT))).rejects.toBeInstanceOf(StalledError);
      expect(condition('Stalled')).toMatchObject({
        reason: 'AlreadyOwned',
        message: expect.stringContaining('logicops.io/allow-adoption'),
      });
      expect(azure.calls).not.toContain('workflows.createOrUpdate');

      annotateNamespace(ALLOW_ADOPTION);
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.workflows.get('wf')?.tags).toEqual({ 'logicops-owner': `c1/${NS}/wf` });
      expect(condition('Ready')).toMatchObject({ status: 'True' });
    });

    it('does not delete an untagged workflow it never wrote, although the object asked to adopt it', async () => {
      existing({});
      await expect(run(workflow({}, ADOPT))).rejects.toBeInstanceOf(StalledError);
      const object = stored()!;
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
      azure.calls.length = 0;
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual(['workflows.get']);
      expect(azure.workflows.has('wf')).toBe(true);
      expect(events.recorded.at(-1)).toMatchObject({ reason: 'Orphaned' });
    });

    it('withdraws the vouched identity when the identity becomes None, so the old principal loses its grants', async () => {
      await run(workflow());
      expect(records.payload('identity', NS, 'wf')?.principalId).toBe(PRINCIPAL);
      const next = stored()!;
      next.metadata.generation = 2;
      next.spec.identity = { type: 'None' };
      journal.splice(0);
      expect(await run(next)).toEqual({ type: 'done' });
      expect(journal).toEqual(['identity:withdrawn']);
      expect(records.payload('identity', NS, 'wf')).toBeUndefined();
      expect(stored()?.status?.identity).toEqual({ type: 'None' });
    });

    it('withdraws the vouched identity when the policy narrows, without an Azure call', async () => {
      await run(workflow());
      expect(records.payload('identity', NS, 'wf')).toBeDefined();
      annotateNamespace({ 'logicops.io/allowed-resource-groups': '/subscriptions/sub/resourceGroups/other' });
      azure.calls.length = 0;
      journal.splice(0);
      await expect(run()).rejects.toBeInstanceOf(StalledError);
      expect(condition('Stalled')).toMatchObject({ reason: 'NamespacePolicyDenied' });
      expect(azure.calls).toEqual([]);
      expect(journal).toEqual(['identity:withdrawn']);
    });

    it('leaves a workflow outside the policy in place on deletion, without reading it', async () => {
      await run(workflow());
      annotateNamespace({ 'logicops.io/allowed-resource-groups': '/subscriptions/sub/resourceGroups/other' });
      const object = stored()!;
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
      azure.calls.length = 0;
      kube.calls.length = 0;
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.calls).toEqual([]);
      expect(azure.workflows.has('wf')).toBe(true);
      expect(kube.calls).toEqual(['remove finalizer']);
      expect(events.recorded.at(-1)).toMatchObject({ type: 'Warning', reason: 'NamespacePolicyDenied' });
      expect(records.payload('identity', NS, 'wf')).toBeUndefined();
    });
  });
});
