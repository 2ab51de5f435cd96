// Updates that must be refused once an object exists (Azure placement, what a binding grants),
// next to updates of the same objects that must still go through.
import {
  binding,
  connection,
  IDENTITY_ID,
  QUEUE_ID,
  roleAssignment,
  SUBSCRIPTION,
  VAULT_ID,
  workflow,
} from '../support/fixtures.ts';
import type { TransitionCase } from './rule-case.ts';

const otherSubscription = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

export const transitionCases: TransitionCase[] = [
  {
    rule: 'subscriptionId is immutable',
    base: () => workflow('imm-sub'),
    allowed: [(o) => (o.spec.state = 'Disabled'), (o) => (o.spec.tags = { team: 'orders' })],
    forbidden: [(o) => (o.spec.subscriptionId = otherSubscription)],
    field: 'spec.subscriptionId',
    message: 'subscriptionId is immutable: create a new LogicAppWorkflow to use another subscription',
  },
  {
    rule: 'resourceGroup is immutable',
    base: () => workflow('imm-rg'),
    allowed: [(o) => (o.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: IDENTITY_ID })],
    forbidden: [(o) => (o.spec.resourceGroup = 'rg-other')],
    field: 'spec.resourceGroup',
    message: 'resourceGroup is immutable: create a new LogicAppWorkflow to use another resource group',
  },
  {
    rule: 'location is immutable',
    base: () => workflow('imm-loc'),
    allowed: [(o) => (o.spec.parameters = { region: 'westeurope' })],
    forbidden: [(o) => (o.spec.location = 'northeurope')],
    field: 'spec.location',
    message: 'location is immutable: Azure cannot move a workflow to another region',
  },
  {
    rule: 'the Azure name is immutable (azureName, or metadata.name when unset)',
    base: () => workflow('imm-name'),
    allowed: [(o) => (o.spec.azureName = 'imm-name')],
    forbidden: [(o) => (o.spec.azureName = 'renamed')],
    field: 'spec.azureName',
    message:
      'azureName is immutable: the Azure name (spec.azureName, or metadata.name when unset) cannot change',
  },
  {
    rule: 'an explicit azureName can be neither changed nor removed',
    base: () => ({ ...workflow('imm-explicit'), spec: { ...workflow('x').spec, azureName: 'Orders-Prod' } }),
    allowed: [(o) => (o.spec.state = 'Disabled')],
    forbidden: [(o) => (o.spec.azureName = 'Orders-Test'), (o) => delete o.spec.azureName],
    field: 'spec.azureName',
    message:
      'azureName is immutable: the Azure name (spec.azureName, or metadata.name when unset) cannot change',
  },
  {
    rule: "a binding's workflowRef is immutable",
    base: () => binding('imm-ref'),
    allowed: [(o) => (o.spec.permissions = ['get', 'list'])],
    forbidden: [(o) => (o.spec.workflowRef = { name: 'another-workflow' })],
    field: 'spec.workflowRef',
    message: 'workflowRef is immutable: create a new VaultSecretBinding for another workflow',
  },
  {
    rule: "a binding's vaultId is immutable",
    base: () => binding('imm-vault'),
    allowed: [(o) => (o.spec.accessModel = 'RBAC')],
    forbidden: [
      (o) => (o.spec.vaultId = VAULT_ID.replace('kv-partner-keys', 'kv-other')),
      (o) =>
        (o.spec.vaultId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.KeyVault/vaults/kv-partner-keys`),
    ],
    field: 'spec.vaultId',
    message: 'vaultId is immutable: create a new VaultSecretBinding for another vault',
  },
  {
    rule: "a binding's secretName is immutable",
    base: () => binding('imm-secret'),
    allowed: [(o) => (o.spec.parameterName = 'partnerApiKeyUri')],
    forbidden: [(o) => (o.spec.secretName = 'other-secret')],
    field: 'spec.secretName',
    message: 'secretName is immutable: create a new VaultSecretBinding for another secret',
  },
  {
    rule: "a role assignment's workflowRef is immutable",
    base: () => roleAssignment('imm-ref'),
    allowed: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    forbidden: [(o) => (o.spec.workflowRef = { name: 'another-workflow' })],
    field: 'spec.workflowRef',
    message: 'workflowRef is immutable: create a new WorkflowRoleAssignment for another workflow',
  },
  {
    rule: "a role assignment's scope is immutable",
    base: () => roleAssignment('imm-scope'),
    allowed: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    forbidden: [(o) => (o.spec.scope = QUEUE_ID.replace('queues/orders', 'queues/invoices'))],
    field: 'spec.scope',
    message: 'scope is immutable: create a new WorkflowRoleAssignment for another resource',
  },
  {
    rule: "a role assignment's role is immutable",
    base: () => roleAssignment('imm-role'),
    allowed: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    forbidden: [(o) => (o.spec.role = 'Azure Service Bus Data Sender')],
    field: 'spec.role',
    message: 'role is immutable: create a new WorkflowRoleAssignment for another role',
  },
  {
    rule: "a connection's subscriptionId is immutable",
    base: () => connection('imm-conn-sub'),
    allowed: [(o) => (o.spec.displayName = 'Orders'), (o) => (o.spec.tags = { team: 'orders' })],
    forbidden: [(o) => (o.spec.subscriptionId = otherSubscription)],
    field: 'spec.subscriptionId',
    message: 'subscriptionId is immutable: create a new LogicAppConnection to use another subscription',
  },
  {
    rule: "a connection's resourceGroup is immutable",
    base: () => connection('imm-conn-rg'),
    allowed: [(o) => (o.spec.deletionPolicy = 'Orphan')],
    forbidden: [(o) => (o.spec.resourceGroup = 'rg-other')],
    field: 'spec.resourceGroup',
    message: 'resourceGroup is immutable: create a new LogicAppConnection to use another resource group',
  },
  {
    rule: "a connection's location is immutable",
    base: () => connection('imm-conn-location'),
    allowed: [(o) => (o.spec.parameters = { namespaceEndpoint: 'sb://other.servicebus.windows.net/' })],
    forbidden: [(o) => (o.spec.location = 'northeurope')],
    field: 'spec.location',
    message: 'location is immutable: Azure cannot move a connection to another region',
  },
  {
    rule: "a connection's api is immutable",
    base: () => connection('imm-conn-api'),
    allowed: [(o) => (o.spec.displayName = 'Bus')],
    forbidden: [(o) => (o.spec.api = 'eventhubs')],
    field: 'spec.api',
    message: 'api is immutable: create a new LogicAppConnection for another connector',
  },
  {
    rule: "a connection's Azure name is immutable (azureName, or metadata.name when unset)",
    base: () => connection('imm-conn-name'),
    allowed: [(o) => (o.spec.azureName = 'imm-conn-name')],
    forbidden: [(o) => (o.spec.azureName = 'Renamed_Conn')],
    field: 'spec.azureName',
    message:
      'azureName is immutable: the Azure name (spec.azureName, or metadata.name when unset) cannot change',
  },
];
