// Microsoft.Web/connections (API connections to managed connectors), api-version 2016-06-01:
// Connections_CreateOrUpdate / _Get / _Delete / _List by resource group, as specified in
// azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/
// logicAppsManagementClient.json and its examples (connectionsCreateOrUpdate.json,
// connectionsGet.json, connectionsDelete.json: 200 or 204, connectionsList.json).
//
// Beyond that spec, as the real service and Microsoft's templates use them
// (learn.microsoft.com/azure/logic-apps/create-managed-service-identity, "ARM template for API
// connections and managed identities"): `parameterValueSet` {name, values} picks one of the
// connector's authentication options — the managed-identity one is how logicops connects —
// and a GET reports `overallStatus` and `connectionState` besides `statuses`.
//
// Parameter values are write-only in Azure (a GET never shows `parameterValues`); the emulator
// keeps only their names, and the non-secret values of a parameter value set.
//
// The refusals below (unknown API, API in another location, unknown parameter set or
// parameter, missing required parameter) have no documented code or message: their codes and
// texts are the emulator's own (inferred), and each says what to change.
import type { EmulatorCore } from '../core.ts';
import { type ArmError, armErrors } from '../errors.ts';
import { armKey, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import type { WebConnectionRecord } from '../state.ts';
import {
  findRequested,
  isObject,
  type Json,
  normalizeLocation,
  readTags,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import {
  apiReferenceBody,
  managedApiId,
  parseManagedApiId,
  WEB_CONNECTIONS_API_VERSIONS,
} from './managed-apis.ts';
import { type CatalogApi, type CatalogParameter, findCatalogApi } from './managed-apis-catalog.ts';
import { trackedResourceRoutes } from './tracked-resource-routes.ts';

export const CONNECTION_TYPE = 'Microsoft.Web/connections';

function invalid(code: string, message: string): ArmError {
  return armErrors.badRequest(code, message);
}

interface ConnectionStatus {
  status: 'Connected' | 'Error';
  target?: string;
  error?: { code: string; message: string };
}

/**
 * Connected when the connection carries its authentication (a parameter value set, or the
 * legacy parameter values); otherwise the Error status an unauthenticated (OAuth-consent)
 * connection shows until someone signs in.
 */
function statusesOf(record: WebConnectionRecord): ConnectionStatus[] {
  if (record.parameterValueSet || record.parameterNames.length > 0) return [{ status: 'Connected' }];
  return [
    {
      status: 'Error',
      target: 'token',
      error: { code: 'Unauthenticated', message: 'This connection is not authenticated.' },
    },
  ];
}

export function connectionBody(record: WebConnectionRecord) {
  const api = findCatalogApi(record.api.name);
  const statuses = statusesOf(record);
  return {
    id: record.id,
    name: record.name,
    type: CONNECTION_TYPE,
    location: record.location,
    ...(record.kind ? { kind: record.kind } : {}),
    tags: record.tags,
    properties: {
      displayName: record.displayName,
      statuses,
      overallStatus: statuses[0]!.status,
      connectionState: 'Enabled',
      ...(record.parameterValueSet ? { parameterValueSet: record.parameterValueSet } : {}),
      customParameterValues: {},
      nonSecretParameterValues: {},
      createdTime: record.createdTime,
      changedTime: record.changedTime,
      api: api
        ? apiReferenceBody(record.api.subscriptionId, record.api.location, api)
        : { id: managedApiId(record.api.subscriptionId, record.api.location, record.api.name) },
      testLinks: [],
    },
  };
}

function requireManagedApi(properties: Json, location: string): { api: CatalogApi; subscriptionId: string } {
  const reference = properties.api;
  const id = isObject(reference) && typeof reference.id === 'string' ? reference.id : undefined;
  if (!id) {
    throw invalid(
      'InvalidApiReference',
      "'properties.api.id' is required: '/subscriptions/{subscriptionId}/providers/Microsoft.Web/locations/{location}/managedApis/{api}'.",
    );
  }
  const parsed = parseManagedApiId(id);
  if (!parsed) {
    throw invalid(
      'InvalidApiReference',
      `'properties.api.id' '${id}' is not a managed API id; use '/subscriptions/{subscriptionId}/providers/Microsoft.Web/locations/{location}/managedApis/{api}'.`,
    );
  }
  const api = findCatalogApi(parsed.api);
  if (!api) {
    throw invalid(
      'ApiNotFound',
      `The managed API '${parsed.api}' named by 'properties.api.id' does not exist in location '${parsed.location}'. List the location's managed APIs (GET .../locations/${parsed.location}/managedApis) for the names.`,
    );
  }
  if (parsed.location !== location) {
    throw invalid(
      'LocationMismatch',
      `The connection is in location '${location}' but its API '${id}' is in location '${parsed.location}'. Use the same location for both (the workflow's location).`,
    );
  }
  return { api, subscriptionId: parsed.subscriptionId };
}

function checkParameterNames(
  given: string[],
  allowed: Record<string, CatalogParameter>,
  where: string,
): void {
  const known = Object.keys(allowed);
  for (const name of given) {
    if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw invalid(
        'InvalidConnectionParameter',
        `The parameter '${name}' in '${where}' is not a parameter of this connector; expected ${known.length > 0 ? known.map((k) => `'${k}'`).join(', ') : 'none'}.`,
      );
    }
  }
  for (const [name, parameter] of Object.entries(allowed)) {
    if (parameter.required && !given.some((g) => g.toLowerCase() === name.toLowerCase())) {
      throw invalid(
        'MissingConnectionParameter',
        `The required parameter '${name}' (${parameter.displayName}) is missing from '${where}'.`,
      );
    }
  }
}

function readParameterValueSet(
  value: unknown,
  api: CatalogApi,
): WebConnectionRecord['parameterValueSet'] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.name !== 'string') {
    throw invalid('InvalidParameterValueSet', "'properties.parameterValueSet' must be {name, values}.");
  }
  const set = api.parameterSets.find((s) => s.name.toLowerCase() === String(value.name).toLowerCase());
  if (!set) {
    throw invalid(
      'InvalidParameterValueSet',
      `The parameter value set '${value.name}' is not one of the '${api.name}' connector's: ${api.parameterSets.map((s) => `'${s.name}'`).join(', ')} (its managed identity uses '${api.managedIdentitySet}').`,
    );
  }
  const values = value.values ?? {};
  if (!isObject(values)) {
    throw invalid('InvalidParameterValueSet', "'properties.parameterValueSet.values' must be an object.");
  }
  for (const [name, entry] of Object.entries(values)) {
    if (!isObject(entry) || !('value' in entry)) {
      throw invalid(
        'InvalidParameterValueSet',
        `'properties.parameterValueSet.values.${name}' must be {"value": ...}.`,
      );
    }
  }
  checkParameterNames(Object.keys(values), set.parameters, 'properties.parameterValueSet.values');
  // Secure values are write-only: never kept, never shown.
  const kept = Object.fromEntries(
    Object.entries(values as Record<string, { value: unknown }>).filter(
      ([name]) =>
        Object.entries(set.parameters).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1].type !==
        'securestring',
    ),
  );
  return { name: set.name, values: kept };
}

function putConnection(core: EmulatorCore, ctx: RequestContext): WebConnectionRecord {
  const subscriptionId = param(ctx, 'subscriptionId');
  const resourceGroup = param(ctx, 'resourceGroup');
  const name = param(ctx, 'name');
  const body = requireObjectBody(jsonBody(ctx));
  const location = normalizeLocation(requireLocation(body));
  const properties = isObject(body.properties) ? body.properties : {};
  const { api, subscriptionId: apiSubscription } = requireManagedApi(properties, location);
  const parameterValueSet = readParameterValueSet(properties.parameterValueSet, api);
  const parameterValues = properties.parameterValues ?? {};
  if (!isObject(parameterValues)) {
    throw invalid('InvalidRequestContent', "'properties.parameterValues' must be an object.");
  }
  const parameterNames = Object.keys(parameterValues);
  if (parameterValueSet && parameterNames.length > 0) {
    throw invalid(
      'InvalidConnectionParameter',
      "Send either 'properties.parameterValueSet' or 'properties.parameterValues', not both.",
    );
  }
  if (parameterNames.length > 0) {
    checkParameterNames(parameterNames, api.connectionParameters, 'properties.parameterValues');
  }
  const id = providerResourceId(subscriptionId, resourceGroup, CONNECTION_TYPE, name);
  const existing = core.state.webConnections[armKey(id)];
  const now = core.nowIso();
  const record: WebConnectionRecord = {
    id,
    name,
    resourceGroup,
    location,
    tags: readTags(body),
    ...(typeof body.kind === 'string' ? { kind: body.kind } : {}),
    displayName: typeof properties.displayName === 'string' ? properties.displayName : name,
    api: { subscriptionId: apiSubscription, location, name: api.name },
    ...(parameterValueSet ? { parameterValueSet } : {}),
    parameterNames,
    createdTime: existing?.createdTime ?? now,
    changedTime: now,
  };
  core.state.webConnections[armKey(id)] = record;
  return record;
}

export function connectionRoutes(core: EmulatorCore): Route[] {
  const connections = trackedResourceRoutes(core, {
    type: CONNECTION_TYPE,
    resourceType: 'connections',
    apiVersions: WEB_CONNECTIONS_API_VERSIONS,
    records: () => core.state.webConnections,
  });
  return [
    connections.get((ctx) =>
      json(200, connectionBody(findRequested(core.state.webConnections, ctx, CONNECTION_TYPE))),
    ),
    // The spec's example answers 200 for a create as for an update.
    connections.put((ctx) => json(200, connectionBody(putConnection(core, ctx)))),
    connections.delete(),
    connections.listByResourceGroup(connectionBody),
  ];
}
