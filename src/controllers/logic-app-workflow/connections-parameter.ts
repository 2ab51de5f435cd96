// The `$connections` parameter of a workflow that uses managed connectors (issue 24), computed
// from spec.connections and the LogicAppConnections they name. Pure: the caller looks the
// connections up in the cache.
//
// Shape, from Microsoft Learn "Authenticate access and connections to Azure resources with managed
// identities in Azure Logic Apps" (learn.microsoft.com/azure/logic-apps/create-managed-service-identity,
// "ARM template for API connections and managed identities"): each entry holds `connectionId`
// (the Microsoft.Web/connections id), `connectionName`, `id` (the managed API id) and
// `connectionProperties.authentication` of type `ManagedServiceIdentity`, which names the
// user-assigned identity's resource id when the workflow uses one.
//
// Tenant isolation: a connection's id is computed from its spec — bounded by the namespace
// policy when the connection controller writes it — never read from its status, and only a
// LogicAppConnection of the workflow's own namespace can be named. Referencing another team's
// connection would let this workflow act with whatever credential that connection holds.
import type {
  LogicAppConnection,
  LogicAppWorkflowSpec,
  WorkflowConnection,
  WorkflowDefinition,
} from '../../crds/index.ts';
import { ConditionStatus, ConditionType } from '../../crds/index.ts';
import { connectionApiId, connectionAzureName, connectionResourceId } from '../shared/connection-ids.ts';
import { normalizeLocation } from './workflow-diff.ts';

export const CONNECTIONS_PARAMETER = '$connections';

/** One entry of `$connections`, as the Logic Apps runtime reads it. */
export interface ConnectionParameterEntry {
  connectionId: string;
  connectionName: string;
  id: string;
  connectionProperties: {
    authentication: { type: 'ManagedServiceIdentity'; identity?: string };
  };
}

export type ConnectionsResolution =
  /** spec.connections is empty: logicops does not write `$connections`. */
  | { kind: 'none' }
  | { kind: 'resolved'; value: Record<string, ConnectionParameterEntry> }
  /** A connection is missing or not Ready yet; its watch wakes the workflow. */
  | { kind: 'waiting'; message: string }
  /** The spec asks for something Azure would refuse or that cannot work; a human must act. */
  | { kind: 'invalid'; message: string };

export interface ConnectionsInput {
  spec: Readonly<LogicAppWorkflowSpec>;
  definition: Readonly<WorkflowDefinition>;
  /** The LogicAppConnection of this name in the workflow's namespace, from the cache. */
  connectionNamed(name: string): Readonly<LogicAppConnection> | undefined;
}

export function resolveConnectionsParameter(input: ConnectionsInput): ConnectionsResolution {
  const entries = input.spec.connections ?? [];
  if (entries.length === 0) return { kind: 'none' };
  const problem = specProblem(input);
  if (problem) return { kind: 'invalid', message: problem };

  const value: Record<string, ConnectionParameterEntry> = {};
  const waiting: string[] = [];
  for (const entry of entries) {
    const connection = input.connectionNamed(entry.connectionRef.name);
    const notReady = notReadyReason(connection);
    if (notReady) {
      waiting.push(`'${entry.connectionRef.name}' (${notReady})`);
      continue;
    }
    const location = connectionLocationProblem(entry, connection!, input.spec.location);
    if (location) return { kind: 'invalid', message: location };
    value[entry.name] = parameterEntry(connection!, input.spec);
  }
  if (waiting.length > 0) {
    return {
      kind: 'waiting',
      message:
        `Waiting for LogicAppConnection ${waiting.join(', ')} in this namespace; ` +
        `$connections is written once every connection in spec.connections is Ready.`,
    };
  }
  return { kind: 'resolved', value };
}

function specProblem({ spec, definition }: ConnectionsInput): string | undefined {
  if (spec.parameters && CONNECTIONS_PARAMETER in spec.parameters) {
    return (
      'spec.parameters sets $connections and spec.connections is set: remove $connections from ' +
      'spec.parameters; logicops writes it from spec.connections.'
    );
  }
  const identityType = spec.identity?.type ?? 'SystemAssigned';
  if (identityType === 'None') {
    return (
      'spec.connections authenticates with the workflow managed identity, but spec.identity.type is ' +
      'None: set SystemAssigned or UserAssigned.'
    );
  }
  const declared = definition.parameters;
  const declaresConnections =
    typeof declared === 'object' && declared !== null && CONNECTIONS_PARAMETER in declared;
  if (!declaresConnections) {
    return (
      'spec.connections is set but the definition does not declare the $connections parameter: add ' +
      '"$connections": {"type": "Object", "defaultValue": {}} to the definition\'s parameters.'
    );
  }
  return undefined;
}

/** Why the connection cannot be used yet, or undefined when it is Ready for its current spec. */
function notReadyReason(connection: Readonly<LogicAppConnection> | undefined): string | undefined {
  if (!connection) return 'not found';
  if (connection.metadata.deletionTimestamp) return 'being deleted';
  const generation = connection.metadata.generation ?? 0;
  if ((connection.status?.observedGeneration ?? -1) !== generation) return 'not reconciled yet';
  const ready = connection.status?.conditions?.find((c) => c.type === ConditionType.Ready);
  if (ready?.status !== ConditionStatus.True) return `not Ready${ready?.reason ? `: ${ready.reason}` : ''}`;
  return undefined;
}

/**
 * A Consumption workflow calls a managed connector through a connection in its own region (the
 * connection's managed API id names the region); a connection elsewhere is refused here, before
 * Azure runs the workflow into a failure no status would explain.
 */
function connectionLocationProblem(
  entry: Readonly<WorkflowConnection>,
  connection: Readonly<LogicAppConnection>,
  workflowLocation: string,
): string | undefined {
  if (normalizeLocation(connection.spec.location) === normalizeLocation(workflowLocation)) return undefined;
  return (
    `spec.connections '${entry.name}' names LogicAppConnection '${entry.connectionRef.name}' in location ` +
    `'${connection.spec.location}', but the workflow is in '${workflowLocation}': use a connection in the ` +
    `workflow's location.`
  );
}

function parameterEntry(
  connection: Readonly<LogicAppConnection>,
  workflow: Readonly<LogicAppWorkflowSpec>,
): ConnectionParameterEntry {
  const userAssigned =
    workflow.identity?.type === 'UserAssigned' ? workflow.identity.userAssignedIdentityId : undefined;
  return {
    connectionId: connectionResourceId(connection),
    connectionName: connectionAzureName(connection),
    // The API id exactly as the connection controller writes it into the connection.
    id: connectionApiId(connection),
    connectionProperties: {
      authentication: userAssigned
        ? { type: 'ManagedServiceIdentity', identity: userAssigned }
        : { type: 'ManagedServiceIdentity' },
    },
  };
}

const CONNECTION_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/connections\/([^/]+)$/i;

/** What a `$connections` value makes the workflow use in Azure: the resource group of each connection, and any identity it names. */
export type ConnectionReach =
  | {
      kind: 'scopes';
      resourceGroups: Array<{ entry: string; id: string }>;
      identities: Array<{ entry: string; id: string }>;
    }
  | { kind: 'invalid'; message: string };

/**
 * The Azure scopes a `$connections` value reaches, so the namespace policy can judge them before
 * anything is written. Needed because `spec.parameters.$connections` can still be typed by hand:
 * an entry naming another team's connection would let this workflow call through that
 * connection's credential with the operator's authority (deploying a workflow that uses a
 * connection is the deployer's `Microsoft.Web/connections/join/action`, which the operator holds).
 * An entry this function cannot read is refused rather than guessed at.
 */
export function connectionReach(value: unknown): ConnectionReach {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', message: '$connections must be an object: one entry per connection name.' };
  }
  const resourceGroups: Array<{ entry: string; id: string }> = [];
  const identities: Array<{ entry: string; id: string }> = [];
  for (const [entry, raw] of Object.entries(value as Record<string, unknown>)) {
    const connectionId = (raw as { connectionId?: unknown } | null)?.connectionId;
    const match = typeof connectionId === 'string' ? CONNECTION_ID.exec(connectionId) : null;
    if (!match || match.slice(1).some((segment) => segment === '.' || segment === '..')) {
      return {
        kind: 'invalid',
        message: `$connections '${entry}' has no connectionId of the form /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Web/connections/{name}; use spec.connections to let logicops write it.`,
      };
    }
    resourceGroups.push({ entry, id: `/subscriptions/${match[1]}/resourceGroups/${match[2]}` });
    const identity = (raw as { connectionProperties?: { authentication?: { identity?: unknown } } })
      .connectionProperties?.authentication?.identity;
    if (identity !== undefined) {
      if (typeof identity !== 'string') {
        return {
          kind: 'invalid',
          message: `$connections '${entry}' names an identity that is not an ARM id.`,
        };
      }
      identities.push({ entry, id: identity });
    }
  }
  return { kind: 'scopes', resourceGroups, identities };
}
