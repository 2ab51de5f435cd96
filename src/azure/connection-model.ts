// Microsoft.Web/connections (api-version 2016-06-01) as logicops writes and reads it. The body
// follows the REST spec's ApiConnectionDefinition (azure-rest-api-specs
// specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/logicAppsManagementClient.json:
// location, tags, properties.displayName, properties.api.id) plus `parameterValueSet`
// {name, values: {p: {value}}}, which Microsoft's templates use to pick the managed-identity
// authentication (learn.microsoft.com/azure/logic-apps/create-managed-service-identity, "ARM
// template for API connections and managed identities"). Pure: no SDK here but its types.
import type { GenericResource } from '@azure/arm-resources';
import type { ManagedApiName } from '../crds/index.ts';
import { OWNER_TAG } from '../vocabulary.ts';

export const CONNECTION_TYPE = 'Microsoft.Web/connections';
export const WEB_CONNECTIONS_API_VERSION = '2016-06-01';

export interface ConnectionRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export interface DesiredConnection {
  location: string;
  api: ManagedApiName;
  displayName: string;
  /** The managed-identity parameter value set: its name and non-secret values. */
  parameterValueSet: { name: string; values: Record<string, string> };
  /** The spec's tags plus the owner tag. */
  tags: Record<string, string>;
}

export interface ObservedConnection {
  id: string;
  location: string;
  tags: Record<string, string>;
  displayName?: string;
  apiId?: string;
  parameterValueSet?: { name: string; values: Record<string, string> };
  /** e.g. Connected, Error. */
  overallStatus?: string;
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/connections/{name}`. */
export function connectionId(ref: ConnectionRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/${CONNECTION_TYPE}/${ref.name}`;
}

/** `/subscriptions/{s}/providers/Microsoft.Web/locations/{location}/managedApis/{api}`, as the spec names it. */
export function managedApiId(subscriptionId: string, location: string, api: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Web/locations/${location}/managedApis/${api}`;
}

export function toArmConnection(subscriptionId: string, desired: DesiredConnection): GenericResource {
  return {
    location: desired.location,
    tags: desired.tags,
    properties: {
      displayName: desired.displayName,
      api: { id: managedApiId(subscriptionId, desired.location, desired.api) },
      parameterValueSet: {
        name: desired.parameterValueSet.name,
        values: Object.fromEntries(
          Object.entries(desired.parameterValueSet.values).map(([name, value]) => [name, { value }]),
        ),
      },
    },
  };
}

export function fromArmConnection(resource: GenericResource): ObservedConnection {
  const properties = (resource.properties ?? {}) as Record<string, unknown>;
  const api = asObject(properties.api);
  const set = asObject(properties.parameterValueSet);
  const values = asObject(set?.values) ?? {};
  return {
    id: resource.id ?? '',
    location: resource.location ?? '',
    tags: { ...(resource.tags ?? {}) },
    ...(typeof properties.displayName === 'string' ? { displayName: properties.displayName } : {}),
    ...(typeof api?.id === 'string' ? { apiId: api.id } : {}),
    ...(set && typeof set.name === 'string'
      ? {
          parameterValueSet: {
            name: set.name,
            values: Object.fromEntries(
              Object.entries(values).map(([name, entry]) => [name, String(asObject(entry)?.value ?? '')]),
            ),
          },
        }
      : {}),
    ...(typeof properties.overallStatus === 'string' ? { overallStatus: properties.overallStatus } : {}),
  };
}

/**
 * What differs between Azure and the desired connection, in words (empty: nothing to write).
 * Names and ids compare case-insensitively, as ARM does; values and tags exactly. Tags added in
 * Azure by others count as drift too: logicops owns the whole tag set of what it owns.
 */
export function connectionDrift(
  subscriptionId: string,
  observed: ObservedConnection,
  desired: DesiredConnection,
): string[] {
  const drift: string[] = [];
  if (observed.displayName !== desired.displayName) drift.push('displayName');
  const apiId = managedApiId(subscriptionId, desired.location, desired.api);
  if (observed.apiId?.toLowerCase() !== apiId.toLowerCase()) drift.push('api');
  const set = observed.parameterValueSet;
  if (set?.name.toLowerCase() !== desired.parameterValueSet.name.toLowerCase())
    drift.push('parameterValueSet');
  else if (Object.keys(set.values).length > 0 && !sameRecord(set.values, desired.parameterValueSet.values))
    // Values Azure does not echo are not drift: whether a GET returns them is unproven
    // (docs/azure-layer.md), and taking their absence for drift would rewrite the connection at
    // every resync. Values it does return are compared exactly.
    drift.push('parameterValueSet.values');
  if (!sameRecord(observed.tags, desired.tags)) drift.push('tags');
  return drift;
}

/** The owner tag's value on an observed connection, for messages. */
export function connectionOwner(observed: ObservedConnection): string | undefined {
  return observed.tags[OWNER_TAG];
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
