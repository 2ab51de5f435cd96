// The connection logicops writes for a LogicAppConnection: the spec's location, display name
// and tags, the owner tag, and the connector's managed-identity parameter value set with the
// spec's non-secret values. Pure.
import type { DesiredConnection } from '../../azure/connection-model.ts';
import { MANAGED_CONNECTORS } from '../../azure/managed-connectors.ts';
import type { LogicAppConnection } from '../../crds/index.ts';
import { OWNER_TAG } from '../../vocabulary.ts';

export function desiredConnection(object: LogicAppConnection, owner: string): DesiredConnection {
  const { spec } = object;
  return {
    location: spec.location,
    api: spec.api,
    displayName: spec.displayName ?? object.metadata.name ?? '',
    parameterValueSet: {
      name: MANAGED_CONNECTORS[spec.api].managedIdentitySet,
      values: { ...(spec.parameters ?? {}) },
    },
    tags: { ...(spec.tags ?? {}), [OWNER_TAG]: owner },
  };
}
