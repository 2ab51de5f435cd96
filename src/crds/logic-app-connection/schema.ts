// OpenAPI v3 + CEL schema of LogicAppConnection: what the API server checks at admission.
// Messages name the field and the rule; the API server prefixes them with the field path.
// Which parameters a connector's managed-identity set takes is the operator's check
// (src/azure/managed-connectors.ts), not admission's: it would need one rule per connector.
import {
  CONNECTION_NAME,
  celMatches,
  LOCATION,
  RESOURCE_GROUP_NAME,
  SUBSCRIPTION_ID,
} from '../azure-formats.ts';
import { MAX_TAGS } from '../logic-app-workflow/schema.ts';
import { enumOf, immutable, object, string, withRules } from '../schema/builders.ts';
import {
  ageColumn,
  azureNameRootRules,
  azureTagsSchema,
  conditionsSchema,
  customResourceDefinition,
  deletionPolicySchema,
  type KindDefinition,
  lastHandledReconcileRequestSchema,
  observedGenerationSchema,
  readyColumns,
} from '../schema/common.ts';
import type { CustomResourceDefinitionManifest, JsonSchema } from '../schema/json-schema.ts';
import {
  LOGIC_APP_CONNECTION,
  type LogicAppConnectionSpec,
  type LogicAppConnectionStatus,
  SUPPORTED_MANAGED_APIS,
} from './types.ts';

/** No supported connector's managed-identity set has more than one parameter; a few spare. */
export const MAX_CONNECTION_PARAMETERS = 8;
/** Connection parameter names are identifiers such as namespaceEndpoint. */
export const MAX_CONNECTION_PARAMETER_NAME = 64;
/** An endpoint URL or a resource name; nothing longer belongs in a non-secret parameter. */
export const MAX_CONNECTION_PARAMETER_VALUE = 1024;
/** Azure shows it in the portal; logicops bounds it like a tag value. */
export const MAX_CONNECTION_DISPLAY_NAME = 256;

const spec = object(
  "An Azure API connection (Microsoft.Web/connections) to a managed connector, authenticated by the managed identity of the workflow that uses it (the connector's managed-identity parameter set). No secret ever goes into it.",
  {
    subscriptionId: string('Azure subscription GUID. Must be allowed by the namespace policy. Immutable.', {
      maxLength: SUBSCRIPTION_ID.maxLength,
      'x-kubernetes-validations': [
        {
          rule: celMatches(SUBSCRIPTION_ID),
          message: 'subscriptionId must be a subscription GUID such as 00000000-0000-0000-0000-000000000000',
        },
        immutable('subscriptionId is immutable: create a new LogicAppConnection to use another subscription'),
      ],
    }),
    resourceGroup: string(
      'Resource group of the connection (must exist); the namespace annotation logicops.io/allowed-resource-groups must allow it. Immutable.',
      {
        maxLength: RESOURCE_GROUP_NAME.maxLength,
        'x-kubernetes-validations': [
          {
            rule: celMatches(RESOURCE_GROUP_NAME),
            message:
              "resourceGroup must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and must not end with '.'",
          },
          immutable(
            'resourceGroup is immutable: create a new LogicAppConnection to use another resource group',
          ),
        ],
      },
    ),
    location: string(
      "Azure region in canonical form, e.g. westeurope: the managed API's and the workflows' region. Immutable.",
      {
        maxLength: LOCATION.maxLength,
        'x-kubernetes-validations': [
          {
            rule: celMatches(LOCATION),
            message: 'location must be an Azure region name in lower case without spaces, such as westeurope',
          },
          immutable('location is immutable: Azure cannot move a connection to another region'),
        ],
      },
    ),
    azureName: string('Name of the connection in Azure; metadata.name when unset. Immutable.', {
      minLength: CONNECTION_NAME.minLength,
      maxLength: CONNECTION_NAME.maxLength,
      'x-kubernetes-validations': [
        { rule: celMatches(CONNECTION_NAME), message: `azureName: ${CONNECTION_NAME.allows}` },
      ],
    }),
    api: withRules(
      enumOf(
        'The managed connector (managed API name), one whose managed-identity authentication Microsoft documents for Consumption workflows. Immutable.',
        SUPPORTED_MANAGED_APIS,
      ),
      immutable('api is immutable: create a new LogicAppConnection for another connector'),
    ),
    parameters: {
      type: 'object',
      description: `The non-secret values of the connector's managed-identity parameter set, by parameter name: servicebus and eventhubs take namespaceEndpoint (sb://<namespace>.servicebus.windows.net/), keyvault takes vaultName, documentdb takes databaseAccount; azureblob, arm and sql take none. Never a secret: the managed identity is the credential. At most ${MAX_CONNECTION_PARAMETERS}.`,
      maxProperties: MAX_CONNECTION_PARAMETERS,
      additionalProperties: { type: 'string', maxLength: MAX_CONNECTION_PARAMETER_VALUE },
      'x-kubernetes-validations': [
        {
          rule: `self.all(name, size(name) <= ${MAX_CONNECTION_PARAMETER_NAME} && name.matches(r'^[a-zA-Z][a-zA-Z0-9_]*$'))`,
          message: `parameter names must be 1-${MAX_CONNECTION_PARAMETER_NAME} letters, digits and '_', starting with a letter, such as namespaceEndpoint`,
        },
      ],
    },
    displayName: string("The connection's display name in Azure; metadata.name when unset.", {
      maxLength: MAX_CONNECTION_DISPLAY_NAME,
    }),
    tags: azureTagsSchema(MAX_TAGS),
    deletionPolicy: deletionPolicySchema,
  } satisfies Record<keyof LogicAppConnectionSpec, JsonSchema>,
  { required: ['subscriptionId', 'resourceGroup', 'location', 'api'] },
);

const status = object('What logicops wrote and Azure reports.', {
  observedGeneration: observedGenerationSchema(),
  conditions: conditionsSchema,
  resourceId: string("ARM id of the connection: the connectionId a workflow's $connections uses.", {
    maxLength: 512,
  }),
  apiId: string("ARM id of the managed API: the id a workflow's $connections uses.", { maxLength: 512 }),
  overallStatus: string("Azure's overallStatus of the connection (Connected when it authenticates).", {
    maxLength: 64,
  }),
  lastHandledReconcileRequest: lastHandledReconcileRequestSchema(),
} satisfies Record<keyof LogicAppConnectionStatus, JsonSchema>);

export const logicAppConnectionKind: KindDefinition = {
  names: LOGIC_APP_CONNECTION,
  description:
    "LogicAppConnection declares one Azure API connection to a managed connector, authenticated by the using workflow's managed identity; logicops creates, repairs and deletes it in Azure.",
  spec,
  status,
  rootRules: azureNameRootRules('connection', CONNECTION_NAME.maxLength),
  printerColumns: [
    ...readyColumns,
    { name: 'API', type: 'string', jsonPath: '.spec.api', description: 'Managed connector' },
    {
      name: 'Status',
      type: 'string',
      jsonPath: '.status.overallStatus',
      description: "Azure's overall status of the connection",
    },
    { name: 'Location', type: 'string', jsonPath: '.spec.location', priority: 1 },
    { name: 'Resource-Group', type: 'string', jsonPath: '.spec.resourceGroup', priority: 1 },
    ageColumn,
  ],
};

export function logicAppConnectionCrd(): CustomResourceDefinitionManifest {
  return customResourceDefinition(logicAppConnectionKind);
}
