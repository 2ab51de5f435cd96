// What wakes a workflow when a LogicAppConnection changes (issue 24): only the workflows of the
// same namespace that name it, and only for changes `$connections` depends on.
import { describe, expect, it } from 'vitest';
import {
  changesWhatWorkflowsReadOfConnection,
  workflowsUsingConnection,
} from '../../../../src/controllers/logic-app-workflow/controller.ts';
import type { LogicAppConnection } from '../../../../src/crds/index.ts';
import { workflowObject } from './support/reconcile-harness.ts';

const connection = (namespace: string, patch: Partial<LogicAppConnection> = {}): LogicAppConnection => ({
  apiVersion: 'logicops.io/v1alpha1',
  kind: 'LogicAppConnection',
  metadata: { name: 'orders-bus', namespace, generation: 1 },
  spec: {
    subscriptionId: 's',
    resourceGroup: 'rg',
    location: 'westeurope',
    api: 'servicebus',
    deletionPolicy: 'Delete',
  },
  status: {
    observedGeneration: 1,
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: 't' },
    ],
  },
  ...patch,
});

describe('the LogicAppConnection watch of the workflow controller', () => {
  const uses = workflowObject(
    { definition: {}, connections: [{ name: 'sb', connectionRef: { name: 'orders-bus' } }] },
    { name: 'uses' },
  );
  const other = workflowObject({ definition: {} }, { name: 'other' });
  const elsewhere = workflowObject(
    { definition: {}, connections: [{ name: 'sb', connectionRef: { name: 'orders-bus' } }] },
    { name: 'elsewhere', namespace: 'team-b' },
  );

  it('wakes the workflows of its namespace that name it, never another namespace', () => {
    expect(workflowsUsingConnection([uses, other, elsewhere], connection('team-a'))).toEqual(['team-a/uses']);
  });

  it('enqueues on a spec change, readiness, deletion; not on a status message', () => {
    const before = connection('team-a');
    const messageOnly = structuredClone(before);
    messageOnly.status!.conditions![0]!.message = 'refreshed';
    expect(changesWhatWorkflowsReadOfConnection(before, messageOnly)).toBe(false);
    expect(
      changesWhatWorkflowsReadOfConnection(before, {
        ...before,
        metadata: { ...before.metadata, generation: 2 },
      }),
    ).toBe(true);
    const notReady = structuredClone(before);
    notReady.status!.conditions![0]!.status = 'False';
    expect(changesWhatWorkflowsReadOfConnection(before, notReady)).toBe(true);
    expect(
      changesWhatWorkflowsReadOfConnection(before, {
        ...before,
        metadata: { ...before.metadata, deletionTimestamp: new Date(0) },
      }),
    ).toBe(true);
  });
});
