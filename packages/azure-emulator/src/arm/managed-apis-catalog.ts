// The managed connectors (Microsoft.Web/locations/managedApis) the emulator knows: the ones
// logicops supports first. Data only; managed-apis.ts serves it and connections.ts validates
// connections against it.
//
// Which connectors take a managed identity in a Consumption workflow: "Authenticate access and
// connections to Azure resources with managed identities in Azure Logic Apps",
// https://learn.microsoft.com/azure/logic-apps/create-managed-service-identity, section "Where you
// can use a managed identity" (Consumption, Managed: Azure Blob Storage, Azure Cosmos DB, Azure
// Event Hubs, Azure Key Vault, Azure Resource Manager, Azure Service Bus, SQL Server — all seven).
// The same page's "ARM template for API connections and managed identities" shows a multi-auth
// connector's managed-identity connection as `parameterValueSet: {name: 'managedIdentityAuth',
// values: {}}` (Azure Blob Storage).
//
// The name of each connector's managed-identity parameter set and its parameters are not in
// azure-rest-api-specs (the 2016-06-01 spec types `connectionParameters` as a free dictionary);
// `evidence` says where each one comes from. "public templates" means deployment templates in
// public repositories that create such connections (found with the project's code search), not
// Microsoft's documentation; "inferred" means no source was found and the name is a guess.

export type ConnectionParameterType = 'string' | 'securestring' | 'bool';

export interface CatalogParameter {
  type: ConnectionParameterType;
  displayName: string;
  required: boolean;
}

export interface CatalogParameterSet {
  name: string;
  displayName: string;
  parameters: Record<string, CatalogParameter>;
}

export interface CatalogApi {
  name: string;
  displayName: string;
  description: string;
  brandColor: string;
  /** The parameter set that authenticates with the workflow's managed identity. */
  managedIdentitySet: string;
  /** How the managed-identity set's name and parameters were established. */
  evidence: string;
  /** The connector's authentication options, as `connectionParameterSets.values`. */
  parameterSets: CatalogParameterSet[];
  /**
   * The legacy single-set parameters (`connectionParameters`), used when a connection sends
   * `parameterValues` instead of a `parameterValueSet`.
   */
  connectionParameters: Record<string, CatalogParameter>;
}

const text = (displayName: string, required = true): CatalogParameter => ({
  type: 'string',
  displayName,
  required,
});
const secret = (displayName: string, required = true): CatalogParameter => ({
  type: 'securestring',
  displayName,
  required,
});

const MANAGED_IDENTITY = 'Logic Apps Managed Identity';

export const MANAGED_API_CATALOG: readonly CatalogApi[] = [
  {
    name: 'servicebus',
    displayName: 'Service Bus',
    description: 'Connect to Azure Service Bus to send and receive messages.',
    brandColor: '#c4d5ff',
    managedIdentitySet: 'managedIdentityAuth',
    evidence:
      'public templates: parameterValueSet managedIdentityAuth with namespaceEndpoint (sb://{namespace}.servicebus.windows.net/)',
    parameterSets: [
      {
        name: 'connectionstring',
        displayName: 'Access Key',
        parameters: { connectionString: secret('Connection String') },
      },
      {
        name: 'managedIdentityAuth',
        displayName: MANAGED_IDENTITY,
        parameters: { namespaceEndpoint: text('Namespace Endpoint') },
      },
    ],
    connectionParameters: { connectionString: secret('Connection String') },
  },
  {
    name: 'eventhubs',
    displayName: 'Event Hubs',
    description: 'Connect to Azure Event Hubs to send and receive events.',
    brandColor: '#c4d5ff',
    managedIdentitySet: 'managedIdentityAuth',
    evidence:
      'public templates: parameterValueSet managedIdentityAuth with namespaceEndpoint; connectionstringauth for keys',
    parameterSets: [
      {
        name: 'connectionstringauth',
        displayName: 'Access Key',
        parameters: { connectionString: secret('Connection String') },
      },
      {
        name: 'managedIdentityAuth',
        displayName: MANAGED_IDENTITY,
        parameters: { namespaceEndpoint: text('Namespace Endpoint') },
      },
    ],
    connectionParameters: { connectionString: secret('Connection String') },
  },
  {
    name: 'azureblob',
    displayName: 'Azure Blob Storage',
    description:
      'Microsoft Azure Storage provides a massively scalable, durable, and highly available storage.',
    brandColor: '#804998',
    managedIdentitySet: 'managedIdentityAuth',
    evidence:
      "Microsoft Learn (create-managed-service-identity, ARM template, multi-authentication): parameterValueSet {name: 'managedIdentityAuth', values: {}}",
    parameterSets: [
      {
        name: 'keyBasedAuth',
        displayName: 'Access Key',
        parameters: {
          accountName: text('Azure Storage account name or blob endpoint'),
          accessKey: secret('Azure Storage Account Access Key'),
        },
      },
      { name: 'managedIdentityAuth', displayName: MANAGED_IDENTITY, parameters: {} },
    ],
    connectionParameters: {
      accountName: text('Azure Storage account name or blob endpoint'),
      accessKey: secret('Azure Storage Account Access Key'),
    },
  },
  {
    name: 'keyvault',
    displayName: 'Azure Key Vault',
    description: 'Azure Key Vault is a service to securely store and access secrets.',
    brandColor: '#0079d6',
    managedIdentitySet: 'oauthMI',
    evidence: 'public templates: parameterValueSet oauthMI with vaultName (not managedIdentityAuth)',
    parameterSets: [
      {
        name: 'oauthDefault',
        displayName: 'Default Microsoft Entra ID application',
        parameters: {
          vaultName: text('Vault name'),
        },
      },
      { name: 'oauthMI', displayName: MANAGED_IDENTITY, parameters: { vaultName: text('Vault name') } },
    ],
    connectionParameters: { vaultName: text('Vault name') },
  },
  {
    name: 'arm',
    displayName: 'Azure Resource Manager',
    description: 'Azure Resource Manager exposes the APIs to manage all of your Azure resources.',
    brandColor: '#003056',
    managedIdentitySet: 'managedIdentityAuth',
    evidence: 'inferred: the generic managedIdentityAuth name with no parameters (no source found)',
    parameterSets: [
      { name: 'oauthDefault', displayName: 'Microsoft Entra ID integrated', parameters: {} },
      { name: 'managedIdentityAuth', displayName: MANAGED_IDENTITY, parameters: {} },
    ],
    connectionParameters: {},
  },
  {
    name: 'sql',
    displayName: 'SQL Server',
    description: 'Microsoft SQL Server is a relational database management system.',
    brandColor: '#ba141a',
    managedIdentitySet: 'oauthMI',
    evidence: 'public templates: parameterValueSet oauthMI with values {} (not managedIdentityAuth)',
    parameterSets: [
      {
        name: 'sqlAuthentication',
        displayName: 'SQL Server Authentication',
        parameters: {
          server: text('SQL server name'),
          database: text('SQL database name'),
          username: secret('Username'),
          password: secret('Password'),
        },
      },
      { name: 'oauthMI', displayName: MANAGED_IDENTITY, parameters: {} },
    ],
    connectionParameters: {
      server: text('SQL server name'),
      database: text('SQL database name'),
      username: secret('Username'),
      password: secret('Password'),
    },
  },
  {
    name: 'documentdb',
    displayName: 'Azure Cosmos DB',
    description: 'Azure Cosmos DB is a globally distributed multi-model database service.',
    brandColor: '#0078d4',
    managedIdentitySet: 'managedIdentityAuth',
    evidence:
      'inferred: managedIdentityAuth with databaseAccount (public templates show keyBasedAuth with databaseAccount only)',
    parameterSets: [
      {
        name: 'keyBasedAuth',
        displayName: 'Access Key',
        parameters: { databaseAccount: text('Account ID'), accessKey: secret('Access Key') },
      },
      {
        name: 'managedIdentityAuth',
        displayName: MANAGED_IDENTITY,
        parameters: { databaseAccount: text('Account ID') },
      },
    ],
    connectionParameters: { databaseAccount: text('Account ID'), accessKey: secret('Access Key') },
  },
];

export function findCatalogApi(name: string): CatalogApi | undefined {
  return MANAGED_API_CATALOG.find((api) => api.name.toLowerCase() === name.toLowerCase());
}
