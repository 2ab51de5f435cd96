// Which workflows hold a connection's deletion back, and which connections a workflow's change
// wakes: only those of its own namespace that are being deleted.
import { describe, expect, it } from 'vitest';
import {
  deletingConnectionsOf,
  workflowsUsing,
} from '../../../../src/controllers/logic-app-connection/workflows-using.ts';
import type { LogicAppConnection, LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { ListSource } from '../vault-secret-binding/support/world.ts';

const at = new Date('2026-01-01T00:00:00Z');
const connection = (namespace: string, name: string, deleting = false) =>
  ({
    metadata: { name, namespace, ...(deleting ? { deletionTimestamp: at } : {}) },
    spec: {},
  }) as unknown as LogicAppConnection;
const workflow = (namespace: string, name: string, uses: string[], deleting = false) =>
  ({
    metadata: { name, namespace, ...(deleting ? { deletionTimestamp: at } : {}) },
    spec: { connections: uses.map((c) => ({ name: c, connectionRef: { name: c } })) },
  }) as unknown as LogicAppWorkflow;
const source = <K extends { metadata: { namespace?: string; name?: string } }>(items: K[]) =>
  new ListSource<K>(() => items.map((i) => [`${i.metadata.namespace}/${i.metadata.name}`, i]));

describe('a connection and the workflows using it', () => {
  it('counts the live workflows of its namespace that name it, sorted', () => {
    const workflows = source([
      workflow('team-a', 'zeta', ['bus']),
      workflow('team-a', 'alpha', ['blob', 'bus']),
      workflow('team-a', 'gone', ['bus'], true),
      workflow('team-a', 'other', ['blob']),
      workflow('team-b', 'same-name', ['bus']),
    ]);
    expect(workflowsUsing(workflows, connection('team-a', 'bus'))).toEqual(['alpha', 'zeta']);
  });

  it("wakes the namespace's connections being deleted on any workflow change, none elsewhere", () => {
    const connections = source([
      connection('team-a', 'bus', true),
      connection('team-a', 'blob'),
      connection('team-b', 'bus', true),
    ]);
    expect(deletingConnectionsOf(connections, workflow('team-a', 'orders', []))).toEqual(['team-a/bus']);
  });
});
