// The managed connectors logicops makes API connections for, and how each authenticates with
// the workflow's managed identity: the name of its managed-identity parameter value set and
// the parameters that set takes. None of this is in azure-rest-api-specs (the 2016-06-01 spec
// types `parameterValueSet.values` as a free dictionary): the sources are Microsoft Learn
// ("Authenticate access and connections to Azure resources with managed identities in Azure
// Logic Apps", https://learn.microsoft.com/azure/logic-apps/create-managed-service-identity,
// "ARM template for API connections and managed identities": Azure Blob Storage's
// `managedIdentityAuth` with no values) and public deployment templates, as the emulator's
// catalogue records per connector (packages/azure-emulator/src/arm/managed-apis-catalog.ts,
// `evidence`). test/unit/azure/managed-connectors.test.ts holds this table equal to that catalogue.
import type { ManagedApiName } from '../crds/index.ts';

export interface ManagedConnectorParameter {
  /** Azure refuses a connection whose managed-identity set lacks it. */
  required: boolean;
}

export interface ManagedConnector {
  api: ManagedApiName;
  /** `parameterValueSet.name` of a connection authenticated by the managed identity. */
  managedIdentitySet: string;
  /** The set's parameters, all non-secret (the identity is the credential). */
  parameters: Readonly<Record<string, ManagedConnectorParameter>>;
}

const required = { required: true } as const;

export const MANAGED_CONNECTORS: Readonly<Record<ManagedApiName, ManagedConnector>> = {
  servicebus: {
    api: 'servicebus',
    managedIdentitySet: 'managedIdentityAuth',
    parameters: { namespaceEndpoint: required },
  },
  eventhubs: {
    api: 'eventhubs',
    managedIdentitySet: 'managedIdentityAuth',
    parameters: { namespaceEndpoint: required },
  },
  azureblob: { api: 'azureblob', managedIdentitySet: 'managedIdentityAuth', parameters: {} },
  keyvault: { api: 'keyvault', managedIdentitySet: 'oauthMI', parameters: { vaultName: required } },
  arm: { api: 'arm', managedIdentitySet: 'managedIdentityAuth', parameters: {} },
  sql: { api: 'sql', managedIdentitySet: 'oauthMI', parameters: {} },
  documentdb: {
    api: 'documentdb',
    managedIdentitySet: 'managedIdentityAuth',
    parameters: { databaseAccount: required },
  },
};

/**
 * What is wrong with `given` as values of the connector's managed-identity set: an unknown
 * parameter, or a missing required one, named as the spec field it comes from. Undefined when
 * Azure would take them.
 */
export function managedIdentityParameterProblem(
  api: ManagedApiName,
  given: Readonly<Record<string, string>> | undefined,
): string | undefined {
  const connector = MANAGED_CONNECTORS[api];
  const known = Object.keys(connector.parameters);
  const expected = known.length > 0 ? known.join(', ') : 'none';
  for (const name of Object.keys(given ?? {})) {
    if (!known.includes(name)) {
      return `spec.parameters.${name}: the ${api} connector's managed-identity set (${connector.managedIdentitySet}) has no parameter '${name}'; it takes ${expected}`;
    }
  }
  for (const [name, parameter] of Object.entries(connector.parameters)) {
    if (parameter.required && given?.[name] === undefined) {
      return `spec.parameters.${name}: required by the ${api} connector's managed-identity set (${connector.managedIdentitySet}); set it`;
    }
  }
  return undefined;
}
