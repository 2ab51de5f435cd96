import { describe, expect, it } from 'vitest';
import {
  parseRecordConfigMap,
  recordConfigMap,
} from '../../../../src/controllers/shared/records/record-configmap.ts';
import {
  bindingsIn,
  bindingsOfIdentityRecord,
  bindingsReferencing,
  changesWhatTheBindingUses,
} from '../../../../src/controllers/vault-secret-binding/controller.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { createWorld, PRINCIPAL, vaultId } from './support/world.ts';

describe('related watches', () => {
  const world = createWorld();
  world.binding('uses-wf', { workflowRef: { name: 'wf' } });
  world.binding('uses-other', { workflowRef: { name: 'other' } });
  world.binding('same-name-elsewhere', { workflowRef: { name: 'wf' } }, 'team-b');
  const workflow = { metadata: { name: 'wf', namespace: 'team-a' } } as LogicAppWorkflow;

  it('maps a workflow to the bindings of its namespace that reference it', () => {
    expect(bindingsReferencing(world.shared.bindings, workflow)).toEqual(['team-a/uses-wf']);
  });

  it('maps an identity record to the bindings of its workflow, and other records to none', () => {
    world.workflow('wf', PRINCIPAL);
    const identity = world.records.list().find((configMap) => configMap.record?.kind === 'identity');
    expect(identity).toBeDefined();
    expect(bindingsOfIdentityRecord(world.shared.bindings, identity!)).toEqual(['team-a/uses-wf']);
    const grant = parseRecordConfigMap(
      recordConfigMap(
        'logicops-system',
        'grant',
        { namespace: 'team-a', name: 'uses-wf' },
        {
          phase: 'Granted',
          principalId: PRINCIPAL,
          vaultId: vaultId('kv'),
          accessModel: 'RBAC',
        },
      ),
    );
    expect(bindingsOfIdentityRecord(world.shared.bindings, grant)).toEqual([]);
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

  it('wakes them when the workflow is being deleted', () => {
    const deleting = withChange((w) => {
      w.metadata.deletionTimestamp = '2026-11-26T00:00:00Z' as unknown as Date;
    });
    expect(changesWhatTheBindingUses(base, deleting)).toBe(true);
  });

  it('ignores the identity in status: bindings take the principal from the identity record', () => {
    const forged = withChange((w) => {
      w.status = { identity: { type: 'SystemAssigned', principalId: 'p-forged', tenantId: 't' } };
    });
    expect(changesWhatTheBindingUses(base, forged)).toBe(false);
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
