// Minimal valid objects. Each call returns a fresh copy so a test can mutate it freely.
import type { AnyObject } from './admission.ts';

export const SUBSCRIPTION = '8e3f4a2c-1b5d-4c6e-9f70-2a1b3c4d5e6f';
export const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-partner-keys`;
export const IDENTITY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders`;

export function workflow(name: string): AnyObject {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name },
    spec: {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'rg-workflows',
      location: 'westeurope',
      definition: {
        $schema:
          'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        triggers: {},
        actions: {},
      },
    },
  };
}

export function binding(name: string, workflowName = 'orders'): AnyObject {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'VaultSecretBinding',
    metadata: { name },
    spec: {
      workflowRef: { name: workflowName },
      vaultId: VAULT_ID,
      secretName: 'partner-api-key',
    },
  };
}

/** A Service Bus queue in the fixtures' subscription: a WorkflowRoleAssignment's scope. */
export const QUEUE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-messaging/providers/Microsoft.ServiceBus/namespaces/sb-orders/queues/orders`;

export function roleAssignment(name: string, workflowName = 'orders'): AnyObject {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'WorkflowRoleAssignment',
    metadata: { name },
    spec: {
      workflowRef: { name: workflowName },
      scope: QUEUE_ID,
      role: 'Azure Service Bus Data Receiver',
    },
  };
}

/** A Service Bus API connection authenticated by the managed identity (its namespace endpoint only). */
export function connection(name: string): AnyObject {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name },
    spec: {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'rg-workflows',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://sb-orders.servicebus.windows.net/' },
    },
  };
}
