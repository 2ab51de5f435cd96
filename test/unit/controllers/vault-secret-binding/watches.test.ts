import { describe, expect, it } from 'vitest';
import {
  bindingsIn,
  bindingsReferencing,
  changesWhatTheBindingUses,
} from '../../../../src/controllers/vault-secret-binding/controller.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { createWorld } from './support/world.ts';

describe('related watches', () => {
  const world = createWorld();
  world.binding('uses-wf', { workflowRef: { name: 'wf' } });
  world.binding('uses-other', { workflowRef: { name: 'other' } });
  world.binding('same-name-elsewhere', { workflowRef: { name: 'wf' } }, 'team-b');
  const workflow = { metadata: { name: 'wf', namespace: 'team-a' } } as LogicAppWorkflow;

  it('maps a workflow to the bindings of its namespace that reference it', () => {
    expect(bindingsReferencing(world.shared.bindings, workflow)).toEqual(['team-a/uses-wf']);
  });

  it('maps a namespace to every binding in it', () => {
    expect(bindingsIn(world.shared.bindings, 'team-a').sort()).toEqual([
      'team-a/uses-other',
      'team-a/uses-wf',
    ]);
  });
});

describe('which workflow updates wake its bindings', () => {
  const base = {
    metadata: { name: 'wf', namespace: 'team-a', generation: 1, finalizers: [] as string[] },
    status: { identity: { type: 'SystemAssigned' } },
  } as unknown as LogicAppWorkflow;
  const withChange = (change: (workflow: LogicAppWorkflow) => void) => {
    const copy = structuredClone(base);
    change(copy);
    return copy;
  };

  it('wakes them when the principal appears or changes, or the workflow is being deleted', () => {
    const principal = withChange((w) => {
      w.status = { identity: { type: 'SystemAssigned', principalId: 'p-1', tenantId: 't' } };
    });
    expect(changesWhatTheBindingUses(base, principal)).toBe(true);
    const replaced = withChange((w) => {
      w.status = { identity: { type: 'SystemAssigned', principalId: 'p-2', tenantId: 't' } };
    });
    expect(changesWhatTheBindingUses(principal, replaced)).toBe(true);
    const deleting = withChange((w) => {
      w.metadata.deletionTimestamp = '2026-11-26T00:00:00Z' as unknown as Date;
    });
    expect(changesWhatTheBindingUses(base, deleting)).toBe(true);
  });

  it('ignores the finalizer, conditions and other status the binding does not read', () => {
    const finalizer = withChange((w) => {
      w.metadata.finalizers = ['logicops.io/finalizer'];
    });
    expect(changesWhatTheBindingUses(base, finalizer)).toBe(false);
    const conditions = withChange((w) => {
      w.status = {
        ...w.status,
        observedGeneration: 1,
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: 'x' },
        ],
      } as LogicAppWorkflow['status'];
    });
    expect(changesWhatTheBindingUses(base, conditions)).toBe(false);
  });
});
