// Reconcile-level tests for issue 21, items 1, 3 and 7: the frame and its steps against fake
// gateways that answer as Azure does (support/fakes.ts `asReturned`: secure values withheld,
// evaluatedRecurrence dropped, parameter types in the spec's casing), an in-memory API server
// and in-memory operator records.
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogicAppWorkflowControllerDeps } from '../../../../src/controllers/logic-app-workflow/context.ts';
import { terminalFingerprint } from '../../../../src/controllers/logic-app-workflow/controller.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import type { MemoryRecords } from '../shared/support/memory-records.ts';
import type { FakeAzure, FakeKube, FakeSource, RecordingEvents } from './support/fakes.ts';
import { NS, ReconcileHarness, VAULT_ID, workflowObject } from './support/reconcile-harness.ts';

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
  return workflowObject({ definition: SECURE_DEFINITION, parameters: { apiKey: API_KEY }, ...overrides });
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
  let h: ReconcileHarness;
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let bindings: FakeSource<VaultSecretBinding>;
  let records: MemoryRecords;
  let deps: LogicAppWorkflowControllerDeps;
  const clock = new FakeClock();

  beforeEach(() => {
    h = new ReconcileHarness({ clock, vault: true });
    ({ kube, azure, events, bindings, records, deps } = h);
  });

  const run = (object?: LogicAppWorkflow) => h.run(object);
  const stored = () => h.stored();
  const condition = (type: string) => h.condition(type);
  const writes = () => h.writes();
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
      h.restart(); // a restarted operator: no memory either
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
