import { describe, expect, it } from 'vitest';
import {
  changedBeyondStatus,
  workflowKeyOf,
  workflowsUsingConfigMap,
} from '../../../../src/controllers/logic-app-workflow/controller.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';

const workflow = (namespace: string, name: string, configMap?: string) =>
  ({
    metadata: { namespace, name, generation: 1, annotations: {} },
    spec: configMap
      ? { definitionFrom: { configMapKeyRef: { name: configMap, key: 'k' } } }
      : { definition: {} },
  }) as unknown as LogicAppWorkflow;

describe('watch mappings', () => {
  it('maps a binding to the workflow it names, in its own namespace', () => {
    const binding = { metadata: { namespace: 'a', name: 'b' }, spec: { workflowRef: { name: 'wf' } } };
    expect(workflowKeyOf(binding as unknown as VaultSecretBinding)).toBe('a/wf');
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
