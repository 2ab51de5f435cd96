// OpenAPI v3 + CEL schema of LogicAppWorkflow: what the API server checks at admission.
// Messages name the field and the rule; the API server prefixes them with the field path.

import { PARAMETER_SOURCE_LABEL } from '../../vocabulary.ts';
import {
  CONFIG_MAP_KEY,
  celMatches,
  KUBERNETES_NAME,
  LOCATION,
  RESOURCE_GROUP_NAME,
  SUBSCRIPTION_ID,
  TRIGGER_NAME,
  USER_ASSIGNED_IDENTITY_ID,
  WORKFLOW_NAME,
} from '../azure-formats.ts';
import { boolean, enumOf, freeFormObject, immutable, object, string, withRules } from '../schema/builders.ts';
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
  quotaSchema,
  readyColumns,
} from '../schema/common.ts';
import type { CustomResourceDefinitionManifest, JsonSchema } from '../schema/json-schema.ts';
import { accessControlSchema } from './access-control-schema.ts';
import { connectionsSchema } from './connections-schema.ts';
import { DEFINITION_LIMITS, describeLimits, PARAMETERS_LIMITS } from './limits.ts';
import { lastRunSchema, triggersSchema } from './run-status-schema.ts';
import {
  type CallbackUrlSpec,
  type CallbackUrlStatus,
  type ConfigMapKeyRef,
  type DefinitionSource,
  IdentityType,
  LOGIC_APP_WORKFLOW,
  type LogicAppWorkflowSpec,
  type LogicAppWorkflowStatus,
  type ParameterSource,
  type RunHistoryExposure,
  type SecretKeyRef,
  type WorkflowIdentity,
  type WorkflowIdentityStatus,
  type WorkflowIpAddresses,
  WorkflowState,
} from './types.ts';

/** Azure allows 50 parameters in a workflow definition. */
export const MAX_PARAMETERS = 50;
/** Azure allows 50 tags per resource; logicops keeps one for its owner tag. */
export const MAX_TAGS = 49;
/** status.exposedInRunHistory lists at most this many actions (the Event counts them all). */
export const MAX_RUN_HISTORY_EXPOSURES = 100;
/** Longest strings status.exposedInRunHistory holds; the controller shortens longer ones. */
export const RUN_HISTORY_EXPOSURE_LIMITS = { action: 256, type: 64, change: 512 } as const;

/** Longest address list status keeps; Azure's per-region lists are far shorter. */
export const MAX_STATUS_IP_ADDRESSES = 64;

function ipAddressesSchema(): JsonSchema {
  const list = (description: string): JsonSchema => ({
    type: 'array',
    description,
    maxItems: MAX_STATUS_IP_ADDRESSES,
    'x-kubernetes-list-type': 'atomic',
    items: { type: 'string', maxLength: 64 },
  });
  return object(
    "The addresses Azure reports for the workflow's region (properties.endpointsConfiguration), for partners' allow-lists.",
    {
      workflowOutbound: list(
        'Outgoing addresses of the workflow itself (HTTP actions, built-in connectors).',
      ),
      connectorOutbound: list('Outgoing addresses (ranges) of managed connectors.'),
      accessEndpoint: list("Addresses of the workflow's access endpoint, where callers reach its triggers."),
    } satisfies Record<keyof WorkflowIpAddresses, JsonSchema>,
  );
}

const identity = object(
  'The managed identity the workflow runs as. Consumption workflows have either their system-assigned identity or one user-assigned identity.',
  {
    type: enumOf(
      'SystemAssigned (created and deleted with the workflow), UserAssigned (an existing identity, referenced, never created or deleted by logicops) or None.',
      Object.values(IdentityType),
      IdentityType.SystemAssigned,
    ),
    userAssignedIdentityId: string(
      'ARM resource id of the user-assigned identity: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.',
      {
        maxLength: USER_ASSIGNED_IDENTITY_ID.maxLength,
        'x-kubernetes-validations': [
          {
            rule: celMatches(USER_ASSIGNED_IDENTITY_ID),
            message:
              'userAssignedIdentityId must be the ARM resource id of a user-assigned identity: /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<3-128 letters (a-z, A-Z), digits, - or _, starting with a letter or digit>',
          },
        ],
      },
    ),
  } satisfies Record<keyof WorkflowIdentity, JsonSchema>,
  {
    // The API server checks defaults against the CEL rules as written (nested defaults not
    // applied yet), so the default spells out the type instead of relying on `{}`.
    default: { type: IdentityType.SystemAssigned },
    'x-kubernetes-validations': [
      {
        rule: "self.type != 'UserAssigned' || has(self.userAssignedIdentityId)",
        message: 'userAssignedIdentityId is required when identity type is UserAssigned',
        fieldPath: '.userAssignedIdentityId',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type == 'UserAssigned' || !has(self.userAssignedIdentityId)",
        message: 'userAssignedIdentityId must not be set unless identity type is UserAssigned',
        fieldPath: '.userAssignedIdentityId',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

const definitionFrom = object(
  `Reads the definition from a ConfigMap key in the same namespace; a change to the ConfigMap re-reconciles the workflow. The key's value is held to the same limits as spec.definition (at most ${describeLimits(DEFINITION_LIMITS)}), measured as written.`,
  {
    configMapKeyRef: object(
      'The ConfigMap and key holding the definition JSON.',
      {
        name: withRules(string('ConfigMap name.', { minLength: 1, maxLength: KUBERNETES_NAME.maxLength }), {
          rule: celMatches(KUBERNETES_NAME),
          message: 'configMapKeyRef.name must be a ConfigMap name: lower-case letters, digits, - and .',
        }),
        key: withRules(
          string('Key inside the ConfigMap.', { minLength: 1, maxLength: CONFIG_MAP_KEY.maxLength }),
          {
            rule: celMatches(CONFIG_MAP_KEY),
            message: 'configMapKeyRef.key must be a ConfigMap key: letters, digits, -, _ and .',
          },
        ),
      } satisfies Record<keyof ConfigMapKeyRef, JsonSchema>,
      { required: ['name', 'key'] },
    ),
  } satisfies Record<keyof DefinitionSource, JsonSchema>,
  { required: ['configMapKeyRef'] },
);

/** The shortest rotateEvery: a key younger than this is not worth the callers' outage. */
export const MIN_ROTATE_EVERY = '1h';
/** Secret names and keys: DNS subdomain names (253) and ConfigMap/Secret keys (253). */
const SECRET_KEY = CONFIG_MAP_KEY;

const callbackUrl = object(
  "Keeps the callback URL of the workflow's Request trigger in a Secret of this namespace that logicops creates and owns (ownerReference to this LogicAppWorkflow, label logicops.io/workflow), rewritten when the URL changes; deleted with the workflow. The access key is regenerated on the logicops.io/rotate-access-key annotation (any new value) and every rotateEvery. The URL never appears in status, Events, logs or metrics.",
  {
    secretName: withRules(
      string(
        'Name of the Secret to keep the URL in. A Secret of that name that this workflow does not own is never written (Stalled, AlreadyOwned).',
        { minLength: 1, maxLength: KUBERNETES_NAME.maxLength },
      ),
      {
        rule: celMatches(KUBERNETES_NAME),
        message: 'callbackUrl.secretName must be a Secret name: lower-case letters, digits, - and .',
      },
    ),
    secretKey: withRules(
      string('Key in the Secret that holds the URL.', {
        minLength: 1,
        maxLength: SECRET_KEY.maxLength,
        default: 'url',
      }),
      {
        rule: celMatches(SECRET_KEY),
        message: 'callbackUrl.secretKey must be a Secret key: letters, digits, -, _ and .',
      },
    ),
    trigger: withRules(
      string(
        "Name of the Request trigger in the definition. Default: the definition's only Request trigger (a definition with none, or several, is refused).",
        { minLength: TRIGGER_NAME.minLength, maxLength: TRIGGER_NAME.maxLength },
      ),
      {
        rule: celMatches(TRIGGER_NAME),
        message: `callbackUrl.trigger must be a trigger name: ${TRIGGER_NAME.allows}`,
      },
    ),
    rotateEvery: withRules(
      string(
        `Regenerate the workflow's primary access key this often (hours, minutes, seconds: e.g. 720h), at least ${MIN_ROTATE_EVERY}; counted from status.callbackUrl.lastRotationTime. The old URL stops working at once: callers must read the Secret again. Unset: only on the annotation.`,
        { maxLength: 32 },
      ),
      {
        rule: "self.matches(r'^([0-9]{1,6}h)?([0-9]{1,8}m)?([0-9]{1,10}s)?$') && self != ''",
        message:
          'callbackUrl.rotateEvery must be a duration in hours, minutes and seconds such as 720h or 36h30m',
      },
      {
        rule: `!self.matches(r'^([0-9]{1,6}h)?([0-9]{1,8}m)?([0-9]{1,10}s)?$') || self == '' || duration(self) >= duration('${MIN_ROTATE_EVERY}')`,
        message: `callbackUrl.rotateEvery must be at least ${MIN_ROTATE_EVERY}`,
      },
    ),
  } satisfies Record<keyof CallbackUrlSpec, JsonSchema>,
  { required: ['secretName'] },
);

// A key of a Secret in the workflow's own namespace. No namespace field: a team can only ever
// name Secrets where it keeps its workflows (docs/security.md).
const parametersFrom: JsonSchema = {
  type: 'object',
  description: `Secure parameter values from Secret keys in the workflow's own namespace, by parameter name: for parameters the definition declares securestring (the key's value as is) or secureobject (the key's value is a JSON object). The Secret must carry the label ${PARAMETER_SOURCE_LABEL}: "true", set by whoever writes it. A parameter is set here or in spec.parameters, not in both (refused as InvalidSpec: admission cannot see the names in spec.parameters, which holds free JSON). A value is written to Azure once, and again only when it changes (compared by a salted digest, checked at every reconcile and resync). At most ${MAX_PARAMETERS}.`,
  maxProperties: MAX_PARAMETERS,
  additionalProperties: object(
    'Where the parameter takes its value from.',
    {
      secretKeyRef: object(
        "A key of a Secret in the workflow's namespace.",
        {
          name: withRules(string('Secret name.', { minLength: 1, maxLength: KUBERNETES_NAME.maxLength }), {
            rule: celMatches(KUBERNETES_NAME),
            message: 'secretKeyRef.name must be a Secret name: lower-case letters, digits, - and .',
          }),
          key: withRules(
            string('Key inside the Secret.', { minLength: 1, maxLength: CONFIG_MAP_KEY.maxLength }),
            {
              rule: celMatches(CONFIG_MAP_KEY),
              message: 'secretKeyRef.key must be a Secret key: letters, digits, -, _ and .',
            },
          ),
        } satisfies Record<keyof SecretKeyRef, JsonSchema>,
        { required: ['name', 'key'] },
      ),
    } satisfies Record<keyof ParameterSource, JsonSchema>,
    { required: ['secretKeyRef'] },
  ),
};

const spec = object(
  'The desired Azure Consumption logic app (Microsoft.Logic/workflows).',
  {
    subscriptionId: string('Azure subscription GUID. Immutable.', {
      maxLength: SUBSCRIPTION_ID.maxLength,
      'x-kubernetes-validations': [
        {
          rule: celMatches(SUBSCRIPTION_ID),
          message: 'subscriptionId must be a subscription GUID such as 00000000-0000-0000-0000-000000000000',
        },
        immutable('subscriptionId is immutable: create a new LogicAppWorkflow to use another subscription'),
      ],
    }),
    resourceGroup: string('Resource group of the workflow (must exist). Immutable.', {
      maxLength: RESOURCE_GROUP_NAME.maxLength,
      'x-kubernetes-validations': [
        {
          rule: celMatches(RESOURCE_GROUP_NAME),
          message:
            "resourceGroup must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and must not end with '.'",
        },
        immutable('resourceGroup is immutable: create a new LogicAppWorkflow to use another resource group'),
      ],
    }),
    location: string('Azure region in canonical form, e.g. westeurope. Immutable.', {
      maxLength: LOCATION.maxLength,
      'x-kubernetes-validations': [
        {
          rule: celMatches(LOCATION),
          message: 'location must be an Azure region name in lower case without spaces, such as westeurope',
        },
        immutable('location is immutable: Azure cannot move a workflow to another region'),
      ],
    }),
    azureName: string('Name of the workflow in Azure; metadata.name when unset. Immutable.', {
      minLength: WORKFLOW_NAME.minLength,
      maxLength: WORKFLOW_NAME.maxLength,
      'x-kubernetes-validations': [
        {
          rule: celMatches(WORKFLOW_NAME),
          message:
            "azureName must be 1-43 letters (a-z, A-Z), digits, '-', '_', '.', '(' or ')' and must not end with '.'",
        },
      ],
    }),
    identity,
    state: enumOf(
      'Enabled runs the triggers; Disabled keeps the workflow but stops its triggers.',
      Object.values(WorkflowState),
      WorkflowState.Enabled,
    ),
    definition: freeFormObject(
      `Workflow Definition Language JSON ($schema, contentVersion, parameters, triggers, actions, outputs). Exactly one of definition and definitionFrom. At most ${describeLimits(DEFINITION_LIMITS)}; a larger one is refused (Stalled, InvalidSpec).`,
    ),
    definitionFrom,
    parameters: {
      type: 'object',
      description: `Workflow parameter values by name; each value is any JSON. At most ${MAX_PARAMETERS}, and together at most ${describeLimits(PARAMETERS_LIMITS)}; larger ones are refused (Stalled, InvalidSpec).`,
      maxProperties: MAX_PARAMETERS,
      // Values are any JSON. (additionalProperties without a type would make the map
      // opaque to CEL; there is no CEL rule here, only the count bound.)
      'x-kubernetes-preserve-unknown-fields': true,
    },
    parametersFrom,
    tags: azureTagsSchema(MAX_TAGS),
    deletionPolicy: deletionPolicySchema,
    secureRunHistory: boolean(
      'Marks every action that reads Key Vault with the managed identity, and every action that uses its data (directly, through other actions or through variables), with runtimeConfiguration.secureData for what its type supports (inputs and outputs; inputs only for Compose, Parse JSON and Response, whose outputs follow). Actions whose type cannot be secured (variables, For each, If, Switch, Until, Scope, Terminate) are reported in status.exposedInRunHistory and a Warning Event.',
      true,
    ),
    accessControl: accessControlSchema,
    callbackUrl,
    connections: connectionsSchema,
  } satisfies Record<keyof LogicAppWorkflowSpec, JsonSchema>,
  {
    required: ['subscriptionId', 'resourceGroup', 'location'],
    'x-kubernetes-validations': [
      {
        rule: 'has(self.definition) || has(self.definitionFrom)',
        message: 'one of definition or definitionFrom is required',
        reason: 'FieldValueRequired',
      },
      {
        rule: '!(has(self.definition) && has(self.definitionFrom))',
        message: 'definition and definitionFrom are mutually exclusive: set exactly one',
        fieldPath: '.definitionFrom',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

const status = object('What logicops observed in Azure.', {
  observedGeneration: observedGenerationSchema(),
  conditions: conditionsSchema,
  resourceId: string('ARM resource id of the Azure workflow.', { maxLength: 512 }),
  identity: object('The identity Azure reports for the workflow.', {
    type: enumOf('Identity type in Azure.', Object.values(IdentityType)),
    principalId: string('Object id of the service principal; what grants are made to.', { maxLength: 36 }),
    tenantId: string('Entra ID tenant of the principal.', { maxLength: 36 }),
    userAssignedIdentityId: string('ARM id of the user-assigned identity in use.', { maxLength: 512 }),
    principalObservedAt: string(
      'When logicops first saw this principalId; bindings wait for Entra ID replication (--principal-propagation-hold) counted from here.',
      { format: 'date-time' },
    ),
  } satisfies Record<keyof WorkflowIdentityStatus, JsonSchema>),
  provisioningState: string('Azure provisioningState of the workflow.', { maxLength: 64 }),
  accessEndpoint: string('Azure access endpoint of the workflow.', { maxLength: 2048 }),
  ipAddresses: ipAddressesSchema(),
  quota: quotaSchema,
  exposedInRunHistory: {
    type: 'array',
    description:
      'Actions that handle secret data where Azure cannot hide it in run history (their type has no secureData setting for that part), with what to change. Reported, not refused: the workflow deploys as written. Absent when there are none or secureRunHistory is false.',
    maxItems: MAX_RUN_HISTORY_EXPOSURES,
    'x-kubernetes-list-type': 'atomic',
    items: object(
      'One action whose secret data run history can show.',
      {
        action: string('The action name in the definition.', {
          maxLength: RUN_HISTORY_EXPOSURE_LIMITS.action,
        }),
        type: string('The action type as written.', { maxLength: RUN_HISTORY_EXPOSURE_LIMITS.type }),
        shows: {
          type: 'array',
          description: 'What run history can show: inputs, outputs or both.',
          maxItems: 2,
          'x-kubernetes-list-type': 'set',
          items: enumOf('A part of the action in run history.', ['inputs', 'outputs']),
        },
        change: string('What to change in the definition so the secret stays hidden.', {
          maxLength: RUN_HISTORY_EXPOSURE_LIMITS.change,
        }),
      } satisfies Record<keyof RunHistoryExposure, JsonSchema>,
      { required: ['action', 'type', 'shows', 'change'] },
    ),
  },
  lastRun: lastRunSchema,
  triggers: triggersSchema,
  lastHandledReconcileRequest: lastHandledReconcileRequestSchema(),
  callbackUrl: object(
    'The Secret logicops keeps the callback URL in, and the access key rotation (never the URL).',
    {
      secretName: string('The Secret holding the URL.', { maxLength: KUBERNETES_NAME.maxLength }),
      trigger: string('The Request trigger whose URL it is.', { maxLength: TRIGGER_NAME.maxLength }),
      lastRotationTime: string(
        'When logicops last regenerated the access key; when it never did, when it first wrote the Secret. rotateEvery counts from here.',
        { format: 'date-time' },
      ),
      lastHandledRotateRequest: string('The last logicops.io/rotate-access-key annotation value handled.', {
        maxLength: 256,
      }),
    } satisfies Record<keyof CallbackUrlStatus, JsonSchema>,
  ),
} satisfies Record<keyof LogicAppWorkflowStatus, JsonSchema>);

export const logicAppWorkflowKind: KindDefinition = {
  names: LOGIC_APP_WORKFLOW,
  description:
    'LogicAppWorkflow declares one Azure Consumption logic app with a managed identity; logicops creates, updates and deletes it in Azure.',
  spec,
  status,
  rootRules: azureNameRootRules('workflow', WORKFLOW_NAME.maxLength),
  printerColumns: [
    ...readyColumns,
    {
      name: 'Principal',
      type: 'string',
      jsonPath: '.status.identity.principalId',
      description: 'Object id of the managed identity',
    },
    {
      name: 'Last-Run',
      type: 'string',
      jsonPath: '.status.lastRun.status',
      description: 'Status of the newest run in Azure',
    },
    { name: 'Location', type: 'string', jsonPath: '.spec.location', priority: 1 },
    {
      name: 'Last-Run-Start',
      type: 'date',
      jsonPath: '.status.lastRun.startTime',
      description: 'When the newest run started',
      priority: 1,
    },
    { name: 'Resource-Group', type: 'string', jsonPath: '.spec.resourceGroup', priority: 1 },
    {
      name: 'Outbound-IPs',
      type: 'string',
      jsonPath: '.status.ipAddresses.workflowOutbound',
      description: 'Outgoing addresses of the workflow (for allow-lists)',
      priority: 1,
    },
    {
      name: 'Connector-IPs',
      type: 'string',
      jsonPath: '.status.ipAddresses.connectorOutbound',
      description: 'Outgoing addresses of managed connectors',
      priority: 1,
    },
    ageColumn,
  ],
};

export function logicAppWorkflowCrd(): CustomResourceDefinitionManifest {
  return customResourceDefinition(logicAppWorkflowKind);
}
