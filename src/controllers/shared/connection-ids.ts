// A LogicAppConnection's Azure ids, computed from its spec alone: the connection controller
// writes that resource, and the workflow controller's `$connections` writer (issue 24) names it
// without waiting for status (it still requires the connection Ready for its current generation).
// Pure functions; no Azure call.
import { connectionId, managedApiId } from '../../azure/connection-model.ts';
import type { LogicAppConnection } from '../../crds/index.ts';

export { managedApiId };

/** The connection's name in Azure: spec.azureName, or metadata.name when unset. */
export function connectionAzureName(connection: Pick<LogicAppConnection, 'metadata' | 'spec'>): string {
  return connection.spec.azureName ?? connection.metadata.name ?? '';
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/connections/{azureName}`. */
export function connectionResourceId(connection: Pick<LogicAppConnection, 'metadata' | 'spec'>): string {
  const { subscriptionId, resourceGroup } = connection.spec;
  return connectionId({ subscriptionId, resourceGroup, name: connectionAzureName(connection) });
}

/** The managed API the connection is to: `/subscriptions/{s}/providers/Microsoft.Web/locations/{loc}/managedApis/{api}`. */
export function connectionApiId(connection: Pick<LogicAppConnection, 'spec'>): string {
  const { subscriptionId, location, api } = connection.spec;
  return managedApiId(subscriptionId, location, api);
}
