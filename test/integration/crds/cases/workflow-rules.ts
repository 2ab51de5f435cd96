// Every admission rule of LogicAppWorkflow with accepted and rejected variants.

import type { AnyObject } from '../support/admission.ts';
import { IDENTITY_ID, SUBSCRIPTION, VAULT_ID, workflow } from '../support/fixtures.ts';
import { accessControlRules } from './access-control-rules.ts';
import { callbackUrlRules } from './callback-url-rules.ts';
import { type RuleCase, repeat } from './rule-case.ts';
import { workflowConnectionsRules } from './workflow-connections-rules.ts';

const base = () => workflow('rules');
const cmRef = { configMapKeyRef: { name: 'workflow-defs', key: 'definition.json' } };
const fromConfigMap = (o: AnyObject) => {
  delete o.spec.definition;
  o.spec.definitionFrom = structuredClone(cmRef);
};
const fromSecret = (name = 'partner-api', key = 'apiKey') => ({ secretKeyRef: { name, key } });
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

export const workflowRules: RuleCase[] = [
  {
    rule: 'subscriptionId is a GUID',
    base,
    accepted: [(o) => (o.spec.subscriptionId = SUBSCRIPTION.toUpperCase())],
    rejected: [
      (o) => (o.spec.subscriptionId = 'my-subscription'),
      (o) => (o.spec.subscriptionId = `{${SUBSCRIPTION.slice(0, 34)}}`),
    ],
    field: 'spec.subscriptionId',
    message: 'subscriptionId must be a subscription GUID such as 00000000-0000-0000-0000-000000000000',
  },
  {
    rule: 'resourceGroup follows Azure resource-group naming',
    base,
    accepted: [
      (o) => (o.spec.resourceGroup = 'rg_(prod).eu-1'),
      (o) => (o.spec.resourceGroup = 'rg-café'),
      (o) => (o.spec.resourceGroup = repeat('r', 90)),
      (o) => (o.spec.resourceGroup = 'r'),
    ],
    rejected: [
      (o) => (o.spec.resourceGroup = 'rg.'),
      (o) => (o.spec.resourceGroup = 'rg prod'),
      (o) => (o.spec.resourceGroup = 'rg/prod'),
      (o) => (o.spec.resourceGroup = ''),
      (o) => (o.spec.resourceGroup = '..'),
    ],
    field: 'spec.resourceGroup',
    message:
      "resourceGroup must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and must not end with '.'",
  },
  {
    rule: 'resourceGroup is at most 90 characters',
    base,
    accepted: [(o) => (o.spec.resourceGroup = repeat('r', 90))],
    rejected: [(o) => (o.spec.resourceGroup = repeat('r', 91))],
    field: 'spec.resourceGroup',
    message: 'Too long: may not be more than 90 bytes',
  },
  {
    rule: 'location is a canonical region name',
    base,
    accepted: [(o) => (o.spec.location = 'eastus2')],
    rejected: [(o) => (o.spec.location = 'West Europe'), (o) => (o.spec.location = 'WestEurope')],
    field: 'spec.location',
    message: 'location must be an Azure region name in lower case without spaces, such as westeurope',
  },
  {
    // learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (2023-11-20):
    // workflows 1-43, alphanumerics, hyphens, underscores, periods, parenthesis; logicops also
    // refuses a trailing period, so the URL dot-segments '.' and '..' cannot be spelled.
    rule: 'azureName follows Consumption logic app naming',
    base,
    accepted: [(o) => (o.spec.azureName = 'Orders(v2)_prod.1-'), (o) => (o.spec.azureName = repeat('a', 43))],
    rejected: [
      (o) => (o.spec.azureName = 'orders/v2'),
      (o) => (o.spec.azureName = 'orders v2'),
      (o) => (o.spec.azureName = '..'),
      (o) => (o.spec.azureName = '.'),
      (o) => (o.spec.azureName = 'orders.'),
      (o) => (o.spec.azureName = '%2e%2e'),
      (o) => (o.spec.azureName = 'ord\u212ars'),
    ],
    field: 'spec.azureName',
    message:
      "azureName must be 1-43 letters (a-z, A-Z), digits, '-', '_', '.', '(' or ')' and must not end with '.'",
  },
  {
    rule: 'azureName is at most 43 characters',
    base,
    accepted: [(o) => (o.spec.azureName = repeat('a', 43))],
    rejected: [(o) => (o.spec.azureName = repeat('a', 44))],
    field: 'spec.azureName',
    message: 'Too long: may not be more than 43 bytes',
  },
  {
    rule: 'azureName is not empty',
    base,
    accepted: [(o) => (o.spec.azureName = 'a')],
    rejected: [(o) => (o.spec.azureName = '')],
    field: 'spec.azureName',
    message: 'Invalid value: "": spec.azureName in body should be at least 1 chars long',
  },
  {
    rule: 'metadata.name stands in for azureName only if it fits Azure',
    base,
    accepted: [
      (o) => (o.metadata.name = repeat('a', 43)),
      (o) => {
        o.metadata.name = repeat('a', 44);
        o.spec.azureName = 'orders';
      },
    ],
    rejected: [(o) => (o.metadata.name = repeat('a', 44))],
    field: 'spec.azureName',
    message:
      'Required value: metadata.name is the Azure workflow name when spec.azureName is unset and must then be at most 43 characters: set spec.azureName',
  },
  {
    rule: 'identity.type is SystemAssigned, UserAssigned or None',
    base,
    accepted: [(o) => (o.spec.identity = { type: 'None' })],
    rejected: [(o) => (o.spec.identity = { type: 'SystemAssigned, UserAssigned' })],
    field: 'spec.identity.type',
    message:
      'Unsupported value: "SystemAssigned, UserAssigned": supported values: "SystemAssigned", "UserAssigned", "None"',
  },
  {
    rule: 'UserAssigned requires userAssignedIdentityId',
    base,
    accepted: [(o) => (o.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: IDENTITY_ID })],
    rejected: [(o) => (o.spec.identity = { type: 'UserAssigned' })],
    field: 'spec.identity.userAssignedIdentityId',
    message: 'Required value: userAssignedIdentityId is required when identity type is UserAssigned',
  },
  {
    rule: 'userAssignedIdentityId only with UserAssigned',
    base,
    accepted: [(o) => (o.spec.identity = { type: 'None' }), (o) => (o.spec.identity = {})],
    rejected: [
      (o) => (o.spec.identity = { type: 'SystemAssigned', userAssignedIdentityId: IDENTITY_ID }),
      (o) => (o.spec.identity = { userAssignedIdentityId: IDENTITY_ID }),
    ],
    field: 'spec.identity.userAssignedIdentityId',
    message: 'Forbidden: userAssignedIdentityId must not be set unless identity type is UserAssigned',
  },
  {
    rule: 'userAssignedIdentityId is a user-assigned identity ARM id',
    base,
    accepted: [
      (o) =>
        (o.spec.identity = {
          type: 'UserAssigned',
          // as `az identity show` prints it: lower-case segment names
          userAssignedIdentityId: IDENTITY_ID.replace('resourceGroups', 'resourcegroups').replace(
            'Microsoft.ManagedIdentity',
            'microsoft.managedidentity',
          ),
        }),
    ],
    rejected: [
      (o) => (o.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: VAULT_ID }),
      (o) => (o.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: 'id-orders' }),
      (o) => (o.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: `${IDENTITY_ID}/extra` }),
      (o) =>
        (o.spec.identity = {
          type: 'UserAssigned',
          userAssignedIdentityId: IDENTITY_ID.replace('id-orders', '..'),
        }),
      (o) =>
        (o.spec.identity = {
          type: 'UserAssigned',
          userAssignedIdentityId: IDENTITY_ID.replace('rg-identities', '..'),
        }),
    ],
    field: 'spec.identity.userAssignedIdentityId',
    message:
      'userAssignedIdentityId must be the ARM resource id of a user-assigned identity: /subscriptions/<subscription GUID>/resourceGroups/<resource group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<3-128 letters (a-z, A-Z), digits, - or _, starting with a letter or digit>',
  },
  {
    rule: 'state is Enabled or Disabled',
    base,
    accepted: [(o) => (o.spec.state = 'Disabled')],
    rejected: [(o) => (o.spec.state = 'Suspended')],
    field: 'spec.state',
    message: 'Unsupported value: "Suspended": supported values: "Enabled", "Disabled"',
  },
  {
    rule: 'a definition is required (inline or from a ConfigMap)',
    base,
    accepted: [fromConfigMap],
    rejected: [(o) => delete o.spec.definition],
    field: 'spec',
    message: 'Required value: one of definition or definitionFrom is required',
  },
  {
    rule: 'definition and definitionFrom are exclusive',
    base,
    accepted: [fromConfigMap],
    rejected: [(o) => (o.spec.definitionFrom = structuredClone(cmRef))],
    field: 'spec.definitionFrom',
    message: 'Forbidden: definition and definitionFrom are mutually exclusive: set exactly one',
  },
  {
    rule: 'definitionFrom names a ConfigMap',
    base,
    accepted: [fromConfigMap],
    rejected: [
      (o) => {
        fromConfigMap(o);
        o.spec.definitionFrom.configMapKeyRef.name = 'Workflow_Defs';
      },
    ],
    field: 'spec.definitionFrom.configMapKeyRef.name',
    message: 'configMapKeyRef.name must be a ConfigMap name: lower-case letters, digits, - and .',
  },
  {
    rule: 'definitionFrom names a ConfigMap key',
    base,
    accepted: [fromConfigMap],
    rejected: [
      (o) => {
        fromConfigMap(o);
        o.spec.definitionFrom.configMapKeyRef.key = 'definition json';
      },
    ],
    field: 'spec.definitionFrom.configMapKeyRef.key',
    message: 'configMapKeyRef.key must be a ConfigMap key: letters, digits, -, _ and .',
  },
  {
    rule: 'at most 50 parameters',
    base,
    accepted: [(o) => (o.spec.parameters = { ...manyKeys(49), nested: { any: ['json', 1, true] } })],
    rejected: [(o) => (o.spec.parameters = manyKeys(51))],
    field: 'spec.parameters',
    message: 'Too many: 51: must have at most 50 items',
  },
  {
    rule: 'parametersFrom names a Secret',
    base,
    accepted: [(o) => (o.spec.parametersFrom = { apiKey: fromSecret('partner.api-1') })],
    rejected: [
      (o) => (o.spec.parametersFrom = { apiKey: fromSecret('Partner_API') }),
      (o) => (o.spec.parametersFrom = { apiKey: fromSecret('../kube-system') }),
    ],
    field: 'spec.parametersFrom[apiKey].secretKeyRef.name',
    message: 'secretKeyRef.name must be a Secret name: lower-case letters, digits, - and .',
  },
  {
    rule: 'parametersFrom names a Secret key',
    base,
    accepted: [(o) => (o.spec.parametersFrom = { apiKey: fromSecret('partner-api', 'api_key.v2-1') })],
    rejected: [(o) => (o.spec.parametersFrom = { apiKey: fromSecret('partner-api', 'api key') })],
    field: 'spec.parametersFrom[apiKey].secretKeyRef.key',
    message: 'secretKeyRef.key must be a Secret key: letters, digits, -, _ and .',
  },
  {
    rule: 'at most 50 parameters from Secrets',
    base,
    accepted: [
      (o) =>
        (o.spec.parametersFrom = Object.fromEntries(
          Object.keys(manyKeys(50)).map((name) => [name, fromSecret()]),
        )),
    ],
    rejected: [
      (o) =>
        (o.spec.parametersFrom = Object.fromEntries(
          Object.keys(manyKeys(51)).map((name) => [name, fromSecret()]),
        )),
    ],
    field: 'spec.parametersFrom',
    message: 'Too many: 51: must have at most 50 items',
  },
  {
    rule: 'at most 49 tags (Azure allows 50, one is the owner tag)',
    base,
    accepted: [(o) => (o.spec.tags = manyKeys(49))],
    rejected: [(o) => (o.spec.tags = manyKeys(50))],
    field: 'spec.tags',
    message: 'Too many: 50: must have at most 49 items',
  },
  {
    rule: 'tag names follow Azure tag rules',
    base,
    accepted: [
      (o) => (o.spec.tags = { 'cost-center': '42', [repeat('t', 512)]: 'long name' }),
      (o) => (o.spec.tags = { 'cost center: q1#2=x': 'spaces and : # = are allowed' }),
    ],
    rejected: [
      (o) => (o.spec.tags = { 'cost/center': '42' }),
      (o) => (o.spec.tags = { 'a?b': '1' }),
      (o) => (o.spec.tags = { 'a\\b': '1' }),
      (o) => (o.spec.tags = { [repeat('t', 513)]: 'too long' }),
      (o) => (o.spec.tags = { 'tab\there': 'control character' }),
      (o) => (o.spec.tags = { '   ': 'blank' }),
    ],
    field: 'spec.tags',
    message:
      'tag names must be 1-512 characters, not only spaces, and must not contain < > % & \\ ? / or control characters',
  },
  {
    rule: 'tag names starting with logicops are reserved',
    base,
    accepted: [(o) => (o.spec.tags = { team: 'orders', 'my-logicops': 'x' })],
    rejected: [
      (o) => (o.spec.tags = { 'logicops.io-owner': 'me' }),
      (o) => (o.spec.tags = { LogicOps: 'x' }),
    ],
    field: 'spec.tags',
    message: 'tag names starting with logicops are reserved for the operator',
  },
  {
    rule: 'tag values are at most 256 characters',
    base,
    accepted: [(o) => (o.spec.tags = { team: repeat('v', 256) })],
    rejected: [(o) => (o.spec.tags = { team: repeat('v', 257) })],
    field: 'spec.tags.team',
    message: 'Too long: may not be more than 256 bytes',
  },
  {
    rule: 'deletionPolicy is Delete or Orphan',
    base,
    accepted: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    rejected: [(o) => (o.spec.deletionPolicy = 'Retain')],
    field: 'spec.deletionPolicy',
    message: 'Unsupported value: "Retain": supported values: "Delete", "Orphan"',
  },
  ...accessControlRules,
  ...callbackUrlRules,
  ...workflowConnectionsRules,
];
