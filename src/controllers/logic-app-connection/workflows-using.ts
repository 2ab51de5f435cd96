// Which LogicAppWorkflows of a connection's namespace still name it in spec.connections, and
// which connections a workflow's change may release. A connection's deletion waits for the
// workflows that use it (steps/cleanup.ts): deleting it under them breaks their runs at the
// next trigger, with nothing in any status to say why. Pure; the caller passes the caches.
import type { LogicAppConnection, LogicAppWorkflow } from '../../crds/index.ts';
import { keyOf, type WatchedSource } from '../../runtime/index.ts';

/** Names of the workflows, not being deleted, whose spec.connections names `connection`. */
export function workflowsUsing(
  workflows: WatchedSource<LogicAppWorkflow>,
  connection: Readonly<LogicAppConnection>,
): string[] {
  const { namespace, name } = connection.metadata;
  return workflows
    .list()
    .filter(
      (workflow) =>
        workflow.metadata.namespace === namespace &&
        !workflow.metadata.deletionTimestamp &&
        (workflow.spec.connections ?? []).some((entry) => entry.connectionRef.name === name),
    )
    .map((workflow) => workflow.metadata.name ?? '')
    .sort();
}

/**
 * The connections a change of `workflow` may let go: those of its namespace being deleted. A
 * workflow that drops a connection from its spec no longer names it, so the mapping cannot
 * start from the workflow's spec alone.
 */
export function deletingConnectionsOf(
  connections: WatchedSource<LogicAppConnection>,
  workflow: Readonly<LogicAppWorkflow>,
): string[] {
  return connections
    .list()
    .filter(
      (connection) =>
        connection.metadata.namespace === workflow.metadata.namespace &&
        connection.metadata.deletionTimestamp,
    )
    .map((connection) => keyOf(connection));
}
