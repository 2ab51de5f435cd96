// Microsoft.Web/locations/managedApis (Managed APIs_Get / _List, api-version 2016-06-01): the
// catalogue of managed connectors, one copy per location, answered from managed-apis-catalog.ts.
// Body: managedApisGet.json in azure-rest-api-specs
// (specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/examples), plus
// `connectionParameterSets` — the connector's authentication options, which the real service
// returns and the Logic Apps designer reads, but which the 2016-06-01 spec does not list.
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import { json, param, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import { normalizeLocation } from './common.ts';
import {
  type CatalogApi,
  type CatalogParameter,
  findCatalogApi,
  MANAGED_API_CATALOG,
} from './managed-apis-catalog.ts';
import { page } from './paging.ts';

/** 2018-07-01-preview is the version Microsoft's template for multi-auth connections uses. */
export const WEB_CONNECTIONS_API_VERSIONS = ['2016-06-01', '2018-07-01-preview'] as const;
export const MANAGED_API_TYPE = 'Microsoft.Web/locations/managedApis';

export function managedApiId(subscriptionId: string, location: string, api: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Web/locations/${location}/managedApis/${api}`;
}

/** `/subscriptions/{s}/providers/Microsoft.Web/locations/{loc}/managedApis/{api}`, parsed. */
export function parseManagedApiId(
  id: string,
): { subscriptionId: string; location: string; api: string } | undefined {
  const match =
    /^\/?subscriptions\/([^/]+)\/providers\/Microsoft\.Web\/locations\/([^/]+)\/managedApis\/([^/]+)$/i.exec(
      id.trim(),
    );
  if (!match) return undefined;
  return { subscriptionId: match[1]!, location: normalizeLocation(match[2]!), api: match[3]! };
}

function parameterBody(parameter: CatalogParameter) {
  return {
    type: parameter.type,
    uiDefinition: {
      displayName: parameter.displayName,
      constraints: { required: String(parameter.required) },
    },
  };
}

function parametersBody(parameters: Record<string, CatalogParameter>) {
  return Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, parameterBody(p)]));
}

function iconUri(api: CatalogApi): string {
  return `https://connectoricons-prod.azureedge.net/${api.name}/icon.png`;
}

export function managedApiBody(subscriptionId: string, location: string, api: CatalogApi) {
  return {
    id: managedApiId(subscriptionId, location, api.name),
    name: api.name,
    type: MANAGED_API_TYPE,
    location,
    properties: {
      name: api.name,
      connectionParameters: parametersBody(api.connectionParameters),
      connectionParameterSets: {
        uiDefinition: {
          displayName: 'Authentication Type',
          description: 'Type of authentication to be used.',
        },
        values: api.parameterSets.map((set) => ({
          name: set.name,
          uiDefinition: { displayName: set.displayName },
          parameters: parametersBody(set.parameters),
        })),
      },
      metadata: { source: 'marketplace', brandColor: api.brandColor },
      runtimeUrls: [`https://logic-apis-${location}.azure-apim.net/apim/${api.name}`],
      generalInformation: {
        iconUrl: iconUri(api),
        displayName: api.displayName,
        description: api.description,
        releaseTag: 'Production',
      },
      capabilities: ['actions'],
    },
  };
}

/** The `api` reference a connection reports (ApiReference in the spec). */
export function apiReferenceBody(subscriptionId: string, location: string, api: CatalogApi) {
  return {
    name: api.name,
    displayName: api.displayName,
    description: api.description,
    iconUri: iconUri(api),
    brandColor: api.brandColor,
    id: managedApiId(subscriptionId, location, api.name),
    type: MANAGED_API_TYPE,
  };
}

/**
 * Inferred (no documented body found): a managed API the location does not offer. ARM answers
 * 404 for a missing child resource; the code names what is missing.
 */
export function managedApiNotFound(api: string, location: string): ArmError {
  return new ArmError(
    404,
    'ApiNotFound',
    `The API '${api}' could not be found in location '${location}'. The emulator offers: ${MANAGED_API_CATALOG.map((a) => a.name).join(', ')}.`,
  );
}

export function managedApiRoutes(core: EmulatorCore): Route[] {
  const base = {
    plane: 'arm' as const,
    resourceType: 'locations/managedApis',
    apiVersions: WEB_CONNECTIONS_API_VERSIONS,
    operation: 'Microsoft.Web/locations/managedApis/read',
    kind: 'read' as const,
    method: 'GET',
  };
  const prefix = '/subscriptions/{subscriptionId}/providers/Microsoft.Web/locations/{location}/managedApis';
  return [
    {
      ...base,
      pattern: pathPattern(`${prefix}/{api}`),
      handler: (ctx) => {
        const location = normalizeLocation(param(ctx, 'location'));
        const api = findCatalogApi(param(ctx, 'api'));
        if (!api) throw managedApiNotFound(param(ctx, 'api'), location);
        return json(200, managedApiBody(param(ctx, 'subscriptionId'), location, api));
      },
    },
    {
      ...base,
      pattern: pathPattern(prefix),
      handler: (ctx) => {
        const location = normalizeLocation(param(ctx, 'location'));
        const subscriptionId = param(ctx, 'subscriptionId');
        return json(
          200,
          page(
            core,
            ctx,
            MANAGED_API_CATALOG.map((api) => managedApiBody(subscriptionId, location, api)),
          ),
        );
      },
    },
  ];
}
