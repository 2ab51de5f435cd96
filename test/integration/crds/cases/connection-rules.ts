// Every admission rule of LogicAppConnection with accepted and rejected variants. Which
// parameters a connector's managed-identity set takes is the operator's check
// (test/unit/controllers/logic-app-connection), not admission's.
import { CONNECTION_NAME } from '../../../../src/crds/index.ts';
import { connection, SUBSCRIPTION } from '../support/fixtures.ts';
import { deletionPolicyRule, type RuleCase, repeat } from './rule-case.ts';

const base = () => connection('rules');
const manyKeys = (n: number, prefix = 'k') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

export const connectionRules: RuleCase[] = [
  {
    rule: 'subscriptionId is a GUID',
    base,
    accepted: [(o) => (o.spec.subscriptionId = SUBSCRIPTION.toUpperCase())],
    rejected: [(o) => (o.spec.subscriptionId = 'my-subscription')],
    field: 'spec.subscriptionId',
    message: 'subscriptionId must be a subscription GUID such as 00000000-0000-0000-0000-000000000000',
  },
  {
    rule: 'resourceGroup follows Azure resource group rules',
    base,
    accepted: [(o) => (o.spec.resourceGroup = 'rg(prod)_1.a'), (o) => (o.spec.resourceGroup = 'r')],
    rejected: [
      (o) => (o.spec.resourceGroup = 'rg.'),
      (o) => (o.spec.resourceGroup = 'rg/prod'),
      (o) => (o.spec.resourceGroup = '..'),
    ],
    field: 'spec.resourceGroup',
    message:
      "resourceGroup must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and must not end with '.'",
  },
  {
    rule: 'location is a canonical region name',
    base,
    accepted: [(o) => (o.spec.location = 'eastus2')],
    rejected: [(o) => (o.spec.location = 'West Europe')],
    field: 'spec.location',
    message: 'location must be an Azure region name in lower case without spaces, such as westeurope',
  },
  {
    rule: 'azureName follows the connection naming rule',
    base,
    accepted: [
      (o) => (o.spec.azureName = 'Orders_Bus(prod).1-'),
      (o) => (o.spec.azureName = repeat('c', 80)),
      (o) => (o.spec.azureName = 'a'),
    ],
    rejected: [
      (o) => (o.spec.azureName = 'orders.'),
      (o) => (o.spec.azureName = '..'),
      (o) => (o.spec.azureName = 'orders/bus'),
      (o) => (o.spec.azureName = 'orders bus'),
      (o) => (o.spec.azureName = 'orders%2F..'),
    ],
    field: 'spec.azureName',
    message: `azureName: ${CONNECTION_NAME.allows}`,
  },
  {
    rule: 'metadata.name is the Azure name when azureName is unset, so at most 80 characters',
    base,
    accepted: [
      (o) => (o.metadata.name = repeat('a', 80)),
      (o) => {
        o.metadata.name = repeat('a', 81);
        o.spec.azureName = 'orders-bus';
      },
    ],
    rejected: [(o) => (o.metadata.name = repeat('a', 81))],
    field: 'spec.azureName',
    message:
      'Required value: metadata.name is the Azure connection name when spec.azureName is unset and must then be at most 80 characters: set spec.azureName',
  },
  {
    rule: 'api is one of the supported managed connectors',
    base,
    accepted: [
      (o) => {
        o.spec.api = 'azureblob';
        delete o.spec.parameters;
      },
      (o) => (o.spec.api = 'eventhubs'),
    ],
    rejected: [(o) => (o.spec.api = 'office365'), (o) => (o.spec.api = 'ServiceBus')],
    field: 'spec.api',
    message: 'Unsupported value',
  },
  {
    rule: 'parameter names are identifiers',
    base,
    accepted: [(o) => (o.spec.parameters = { namespaceEndpoint: 'x', [`p${repeat('a', 63)}`]: 'y' })],
    rejected: [
      (o) => (o.spec.parameters = { 'namespace-endpoint': 'x' }),
      (o) => (o.spec.parameters = { '1st': 'x' }),
      (o) => (o.spec.parameters = { [`p${repeat('a', 64)}`]: 'x' }),
    ],
    field: 'spec.parameters',
    message:
      "parameter names must be 1-64 letters, digits and '_', starting with a letter, such as namespaceEndpoint",
  },
  {
    rule: 'at most 8 parameters',
    base,
    accepted: [(o) => (o.spec.parameters = manyKeys(8))],
    rejected: [(o) => (o.spec.parameters = manyKeys(9))],
    field: 'spec.parameters',
    message: 'Too many: 9: must have at most 8 items',
  },
  {
    rule: 'parameter values are at most 1024 characters',
    base,
    accepted: [(o) => (o.spec.parameters = { namespaceEndpoint: repeat('v', 1024) })],
    rejected: [(o) => (o.spec.parameters = { namespaceEndpoint: repeat('v', 1025) })],
    field: 'spec.parameters.namespaceEndpoint',
    message: 'Too long: may not be more than 1024 bytes',
  },
  {
    rule: 'displayName is at most 256 characters',
    base,
    accepted: [(o) => (o.spec.displayName = repeat('d', 256))],
    rejected: [(o) => (o.spec.displayName = repeat('d', 257))],
    field: 'spec.displayName',
    message: 'Too long: may not be more than 256 bytes',
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
    accepted: [(o) => (o.spec.tags = { 'cost center': '42' })],
    rejected: [(o) => (o.spec.tags = { 'cost/center': '42' }), (o) => (o.spec.tags = { '  ': 'blank' })],
    field: 'spec.tags',
    message:
      'tag names must be 1-512 characters, not only spaces, and must not contain < > % & \\ ? / or control characters',
  },
  {
    rule: 'tag names starting with logicops are reserved',
    base,
    accepted: [(o) => (o.spec.tags = { 'my-logicops': 'x' })],
    rejected: [(o) => (o.spec.tags = { 'logicops-owner': 'someone-else' })],
    field: 'spec.tags',
    message: 'tag names starting with logicops are reserved for the operator',
  },
  deletionPolicyRule(base),
];
