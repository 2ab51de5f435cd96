import { describe, expect, it } from 'vitest';
import {
  changesWhatTheWorkflowUses,
  deletingWorkflowOfRoleGrant,
  workflowKeyOf,
  workflowsUsingConfigMap,
} from '../../../../src/controllers/logic-app-workflow/controller.ts';
import { changedBeyondStatus } from '../../../../src/controllers/shared/changed-beyond-status.ts';
import {
  parseRecordConfigMap,
  recordConfigMap,
} from '../../../../src/controllers/shared/records/record-configmap.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { FakeSource } from './support/fakes.ts';

const workflow = (namespace: string, name: string, configMap?: string) =>
  ({
    metadata: { namespace, name, generation: 1, annotations: {} },
    spec: configMap
      ? { definitionFrom: { configMapKeyRef: { name: configMap, key: 'k' } } }
      : { definition: {} },
  }) as unknown as LogicAppWorkflow;

describe('watch mappings', () => {
  it('wakes a workflow being deleted when a role-grant record of its principal changes or goes, and no other', () => {
    const record = (workflowName: string) =>
      parseRecordConfigMap(
        recordConfigMap(
          'logicops-system',
          'role-grant',
          { namespace: 'a', name: 'orders-receiver' },
          {
            phase: 'Granted',
            principalId: 'p',
            workflowName,
            scope: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/sb',
            roleDefinitionId: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r',
            roleAssignmentName: 'n',
          },
        ),
      );
    const deleting = Object.assign(workflow('a', 'going'), {
      metadata: { ...workflow('a', 'going').metadata, deletionTimestamp: new Date() },
    });
    const workflows = new FakeSource<LogicAppWorkflow>([deleting, workflow('a', 'staying')]);
    expect(deletingWorkflowOfRoleGrant(workflows, record('going'))).toEqual(['a/going']);
    expect(deletingWorkflowOfRoleGrant(workflows, record('staying'))).toEqual([]);
    expect(deletingWorkflowOfRoleGrant(workflows, record('absent'))).toEqual([]);
  });

  it('maps a binding to the workflow it names, in its own namespace', () => {
    const binding = { metadata: { namespace: 'a', name: 'b' }, spec: { workflowRef: { name: 'wf' } } };
    expect(workflowKeyOf(binding as unknown as VaultSecretBinding)).toBe('a/wf');
  });

  it('wakes the workflow only for binding changes it reads, not for every binding status write', () => {
    const binding = {
      metadata: { namespace: 'a', name: 'b', resourceVersion: '1' },
      spec: { workflowRef: { name: 'wf' }, vaultId: '/v', secretName: 's', parameterName: 'p' },
      status: { conditions: [] },
    } as unknown as VaultSecretBinding;
    const changed = (patch: (b: VaultSecretBinding) => void) => {
      const next = structuredClone(binding);
      patch(next);
      return changesWhatTheWorkflowUses(binding, next, false);
    };
    expect(changed((b) => Object.assign(b.status ?? {}, { observedGeneration: 2, conditions: [{}] }))).toBe(
      false,
    );
    expect(changed((b) => Object.assign(b.metadata, { finalizers: ['x'], resourceVersion: '2' }))).toBe(
      false,
    );
    expect(changed((b) => Object.assign(b.spec, { parameterName: 'q' }))).toBe(true);
    expect(changed((b) => Object.assign(b.spec, { secretName: 't' }))).toBe(true);
    expect(changed((b) => Object.assign(b.spec, { vaultId: '/w' }))).toBe(true);
    expect(changed((b) => Object.assign(b.spec.workflowRef, { name: 'other' }))).toBe(true);
    expect(changed((b) => Object.assign(b.metadata, { deletionTimestamp: 'now' }))).toBe(true);
    // A grant matters to the workflow only while it is being deleted (it waits for the revoke).
    const granted = structuredClone(binding);
    Object.assign(granted.status ?? {}, { grant: { model: 'AccessPolicy' } });
    expect(changesWhatTheWorkflowUses(granted, binding, false)).toBe(false);
    expect(changesWhatTheWorkflowUses(granted, binding, true)).toBe(true);
  });

  it('maps a ConfigMap to the workflows that read their definition from it', () => {
    const workflows = [
      workflow('a', 'one', 'cm'),
      workflow('a', 'two', 'other'),
      workflow('b', 'three', 'cm'),
      workflow('a', 'inline'),
    ];
    expect(workflowsUsingConfigMap(workflows, { metadata: { namespace: 'a', name: 'cm' } })).toEqual([
      'a/one',
    ]);
  });

  it('ignores updates that only touch status or finalizers', () => {
    const before = workflow('a', 'one');
    const statusOnly = {
      ...before,
      metadata: { ...before.metadata, finalizers: ['x'] },
      status: { observedGeneration: 1 },
    };
    expect(changedBeyondStatus(before, statusOnly)).toBe(false);
    expect(changedBeyondStatus(before, { ...before, metadata: { ...before.metadata, generation: 2 } })).toBe(
      true,
    );
    expect(
      changedBeyondStatus(before, {
        ...before,
        metadata: { ...before.metadata, annotations: { 'logicops.io/paused': 'true' } },
      }),
    ).toBe(true);
    expect(
      changedBeyondStatus(before, {
        ...before,
        metadata: { ...before.metadata, deletionTimestamp: new Date() },
      }),
    ).toBe(true);
  });
});
