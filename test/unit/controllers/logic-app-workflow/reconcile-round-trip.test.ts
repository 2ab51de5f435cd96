// Reconcile-level tests for issue 21, items 1, 3 and 7: the frame and its steps against fake
// gateways that answer as Azure does (support/fakes.ts `asReturned`: secure values withheld,
// evaluatedRecurrence dropped, parameter types in the spec's casing), an in-memory API server
// and in-memory operator records.
import type { V1ConfigMap, V1Namespace } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppWorkflowControllerDeps } from '../../../../src/controllers/logic-app-workflow/context.ts';
import { terminalFingerprint } from '../../../../src/controllers/logic-app-workflow/controller.ts';
import { createLogicAppWorkflowReconciler } from '../../../../src/controllers/logic-app-workflow/reconcile.ts';
import { namespacePolicy } from '../../../../src/controllers/shared/namespace-policy.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { silentLogger } from '../../../../src/observability/logger.ts';
import { computeKstatus, type ReconcileFn } from '../../../../src/runtime/index.ts';
import { everyNamespaceAs } from '../../../support/azure-actors.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { MemoryRecords } from '../shared/support/memory-records.ts';
import { FakeAzure, FakeKube, FakeSource, RecordingEvents, TENANT } from './support/fakes.ts';

const NS = 'team-a';
const SUBSCRIPTION_ID = '00000000-0000-4000-8000-00000000000a';
const KEY = `${NS}/wf`;
const VAULT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;
const API_KEY = 'api-key-value-5e1d';
const NEW_API_KEY = 'api-key-value-rotated-07c2';
const SECURE_DEFINITION = {
  parameters: {
    apiKey: { type: 'securestring' },
    fallbackKey: { type: 'SecureString', defaultValue: 'fallback-value-9a3b' },
  },
  triggers: {
    Every_hour: {
      type: 'Recurrence',
      recurrence: { frequency: 'Hour', interval: 1 },
      evaluatedRecurrence: { frequency: 'Hour', interval: 1 },
    },
  },
  actions: {
    Call: {
      type: 'Http',
      inputs: { uri: 'https://partner.example/', headers: { 'Api-key': "@parameters('apiKey')" } },
    },
  },
};
const INJECTED_DEFINITION = {
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

function workflow(overrides: Partial<LogicAppWorkflow['spec']> = {}): LogicAppWorkflow {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'wf', namespace: NS, generation: 1, resourceVersion: '1', uid: 'u1' },
    spec: {
      subscriptionId: SUBSCRIPTION_ID,
      resourceGroup: 'rg',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: SECURE_DEFINITION,
      parameters: { apiKey: API_KEY },
      deletionPolicy: 'Delete',
      secureRunHistory: true,
      ...overrides,
    },
  };
}

function binding(name: string, parameterName = 'keyUri'): VaultSecretBinding {
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
      parameterName,
      deletionPolicy: 'Delete',
    },
  };
}

describe('LogicAppWorkflow reconcile against what Azure answers', () => {
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let bindings: FakeSource<VaultSecretBinding>;
  let records: MemoryRecords;
  let deps: LogicAppWorkflowControllerDeps;
  let reconcile: ReconcileFn<LogicAppWorkflow>;
  const clock = new FakeClock();

  beforeEach(() => {
    kube = new FakeKube();
    azure = new FakeAzure();
    azure.vaults.set('kv1', {
      id: VAULT_ID,
      name: 'kv1',
      location: 'westeurope',
      tenantId: TENANT,
      vaultUri: 'https://kv1.vault.azure.net/',
      enableRbacAuthorization: true,
      accessPolicies: [],
    });
    events = new RecordingEvents();
    bindings = new FakeSource<VaultSecretBinding>();
    records = new MemoryRecords();
    deps = {
      workflows: new FakeSource<LogicAppWorkflow>(),
      bindings,
      configMaps: new FakeSource<V1ConfigMap>(),
      namespaces: new FakeSource<V1Namespace>([
        {
          metadata: {
            name: NS,
            annotations: {
              'logicops.io/allowed-resource-groups': `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg`,
              'logicops.io/allowed-vaults': `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/*`,
            },
          },
        },
      ]),
      records: records.records,
      kube: kube.asClient(),
      actors: everyNamespaceAs(),
      gatewaysFor: () => azure.gateways(),
      events,
      logger: silentLogger(),
      clock,
      settings: {
        clusterId: 'c1',
        namespacePolicy: namespacePolicy(true),
        quota: { workflowsPerRegion: 10, managedIdentityWorkflowsPerSubscriptionRegion: 10 },
      },
    };
    reconcile = createLogicAppWorkflowReconciler(deps);
  });

  const context = () => ({
    key: KEY,
    logger: silentLogger(),
    clock,
    signal: new AbortController().signal,
    reconcileId: 'r',
  });
  async function run(object?: LogicAppWorkflow) {
    if (object) kube.put(object);
    const current = kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
    if (!current) throw new Error('no object');
    return reconcile(structuredClone(current), context());
  }
  const stored = () => kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
  const condition = (type: string) => stored()?.status?.conditions?.find((c) => c.type === type);
  const writes = () => azure.calls.filter((call) => call === 'workflows.createOrUpdate').length;
  const secureRecord = () => records.payload('secure-parameters', NS, 'wf');
  /** Everything the operator wrote outside Azure: status, Events, records. */
  const everythingWritten = () =>
    JSON.stringify([stored()?.status, events.recorded, [...records.stored.values()]]);

  describe('secure parameters (item 1) and an exported definition (item 7)', () => {
    it('writes once, then stays in sync although Azure withholds the secure values', async () => {
      expect(await run(workflow())).toEqual({ type: 'done' });
      expect(writes()).toBe(1);
      // Azure holds the values; a GET does not show them.
      expect(azure.workflows.get('wf')?.parameters.apiKey?.value).toBe(API_KEY);
      expect(
        (await azure.gateways().workflows.get({ resourceGroup: 'rg', name: 'wf' }))?.parameters.apiKey,
      ).toEqual({ type: 'SecureString' });
      expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });

      for (let resync = 0; resync < 2; resync++) {
        expect(await run()).toEqual({ type: 'done' });
      }
      expect(writes()).toBe(1);
      expect(events.recorded.map((e) => e.reason)).toEqual(['Created']);
    });

    it('keeps a salted digest of what it wrote, and never a value in status, Events or records', async () => {
      await run(workflow());
      const record = secureRecord();
      expect(record).toMatchObject({ digest: expect.any(String), salt: expect.any(String) });
      expect(record?.workflowVersion).toBe(azure.workflows.get('wf')?.version);
      const written = everythingWritten();
      expect(written).not.toContain(API_KEY);
      expect(written).not.toContain('fallback-value-9a3b');
    });

    it('writes a changed secure value once (an update, not drift), then is quiet again', async () => {
      await run(workflow());
      const next = stored()!;
      next.metadata.generation = 2;
      next.spec.parameters = { apiKey: NEW_API_KEY };
      expect(await run(next)).toEqual({ type: 'done' });
      expect(azure.workflows.get('wf')?.parameters.apiKey?.value).toBe(NEW_API_KEY);
      await run();
      await run();
      expect(writes()).toBe(2);
      expect(events.recorded.at(-1)).toMatchObject({
        reason: 'Updated',
        note: expect.stringContaining(
          'secure parameters (changed in the spec or in a Secret they come from)',
        ),
      });
      expect(everythingWritten()).not.toContain(NEW_API_KEY);
    });

    it('restores a workflow someone else wrote since (a new version stamp), as drift', async () => {
      await run(workflow());
      await run();
      // A hand-made PUT through the portal: the same definition, a secure value nobody can see.
      const azureSide = azure.workflows.get('wf')!;
      azureSide.parameters = { apiKey: { value: 'typed-in-the-portal' } };
      azureSide.version = azure.newVersion();
      await run();
      expect(writes()).toBe(2);
      expect(azure.workflows.get('wf')?.parameters.apiKey?.value).toBe(API_KEY);
      expect(events.recorded.at(-1)).toMatchObject({
        reason: 'DriftCorrected',
        note: expect.stringContaining('secure parameters (the workflow was written outside logicops'),
      });
      await run();
      expect(writes()).toBe(2);
    });

    it('without a record (an upgrade, a lost record) writes once as an update, not as drift', async () => {
      await run(workflow());
      await run();
      await records.records.remove('secure-parameters', NS, 'wf');
      reconcile = createLogicAppWorkflowReconciler(deps); // a restarted operator: no memory either
      await run();
      expect(writes()).toBe(2);
      expect(events.recorded.at(-1)).toMatchObject({
        reason: 'Updated',
        note: expect.stringContaining('logicops has no record of writing them'),
      });
      await run();
      expect(writes()).toBe(2);
      expect(secureRecord()).toBeDefined();
    });

    it('still restores a real change out of band: the recurrence', async () => {
      await run(workflow());
      const azureSide = azure.workflows.get('wf')!;
      const changed = structuredClone(azureSide.definition) as typeof SECURE_DEFINITION;
      changed.triggers.Every_hour.recurrence.interval = 2;
      azureSide.definition = changed;
      await run();
      expect(writes()).toBe(2);
      expect(events.recorded.at(-1)).toMatchObject({
        reason: 'DriftCorrected',
        note: expect.stringContaining('definition'),
      });
    });

    it('forgets the record when the object is gone', async () => {
      await run(workflow());
      expect(secureRecord()).toBeDefined();
      const object = stored()!;
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
      expect(await run()).toEqual({ type: 'done' });
      expect(azure.workflows.has('wf')).toBe(false);
      expect(secureRecord()).toBeUndefined();
    });
  });

  describe('a parameter that waits for its binding (item 3)', () => {
    const injected = () => workflow({ definition: INJECTED_DEFINITION, parameters: {} });

    it('waits without writing, then writes once when the binding appears', async () => {
      expect(await run(injected())).toEqual({ type: 'done' });
      expect(writes()).toBe(0);
      expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'WaitingForBindings' });
      expect(condition('Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForBindings',
        message: expect.stringContaining("'keyUri'"),
      });
      expect(condition('Stalled')).toBeUndefined();
      expect(computeKstatus(stored()!)).toBe('InProgress');

      bindings.set([binding('api-key')]);
      expect(await run()).toEqual({ type: 'done' });
      expect(writes()).toBe(1);
      expect(azure.workflows.get('wf')?.parameters.keyUri?.value).toBe(
        'https://kv1.vault.azure.net/secrets/api-key',
      );
      expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      expect(events.recorded.some((e) => e.reason === 'InvalidSpec')).toBe(false);
    });

    it('leaves an existing Azure workflow alone when the binding goes, and says so', async () => {
      bindings.set([binding('api-key')]);
      await run(injected());
      bindings.set([]);
      expect(await run()).toEqual({ type: 'done' });
      expect(writes()).toBe(1);
      expect(condition('Reconciling')).toMatchObject({
        reason: 'WaitingForBindings',
        message: expect.stringContaining('left as it is'),
      });
    });

    it('a value in spec.parameters, or a defaultValue, is enough', async () => {
      expect(
        await run(workflow({ definition: INJECTED_DEFINITION, parameters: { keyUri: 'https://x' } })),
      ).toEqual({
        type: 'done',
      });
      expect(writes()).toBe(1);
    });

    it('a binding change releases a workflow held after a terminal error', () => {
      const held = terminalFingerprint(injected(), deps);
      bindings.set([binding('api-key')]);
      expect(terminalFingerprint(injected(), deps)).not.toBe(held);
      // Bindings that inject nothing, or name another workflow, change nothing.
      const other = binding('other');
      other.spec.workflowRef.name = 'another';
      const plain = binding('plain');
      delete plain.spec.parameterName;
      const withBinding = terminalFingerprint(injected(), deps);
      bindings.set([binding('api-key'), other, plain]);
      expect(terminalFingerprint(injected(), deps)).toBe(withBinding);
    });
  });
});
