// The gateways over one subscription's clients, sharing one instrumentation seam.
import type { AzureClients } from './clients.ts';
import { type ConnectionGateway, SdkConnectionGateway } from './connection-gateway.ts';
import { type IdentityGateway, SdkIdentityGateway } from './identity-gateway.ts';
import type { AzureCalls } from './instrumentation.ts';
import { type RoleAssignmentGateway, SdkRoleAssignmentGateway } from './role-assignment-gateway.ts';
import { SdkVaultGateway, type VaultGateway } from './vault-gateway.ts';
import { SdkWorkflowCallbackGateway, type WorkflowCallbackGateway } from './workflow-callback-gateway.ts';
import { SdkWorkflowGateway, type WorkflowGateway } from './workflow-gateway.ts';
import { SdkWorkflowRunsGateway, type WorkflowRunsGateway } from './workflow-runs-gateway.ts';

export interface AzureGateways {
  workflows: WorkflowGateway;
  /** Callback URLs of Request triggers and their access keys (secrets: never logged). */
  workflowCallbacks: WorkflowCallbackGateway;
  /** Run history, read-only: status reports of the last run and the triggers. */
  workflowRuns: WorkflowRunsGateway;
  identities: IdentityGateway;
  vaults: VaultGateway;
  roleAssignments: RoleAssignmentGateway;
  /** API connections (Microsoft.Web/connections) to managed connectors. */
  connections: ConnectionGateway;
}

export function createAzureGateways(clients: AzureClients, calls: AzureCalls): AzureGateways {
  return {
    workflows: new SdkWorkflowGateway(clients.logic, calls),
    workflowCallbacks: new SdkWorkflowCallbackGateway(clients.logic, calls),
    workflowRuns: new SdkWorkflowRunsGateway(clients.logic, calls),
    identities: new SdkIdentityGateway(clients.msi, calls),
    vaults: new SdkVaultGateway(clients.keyVault, calls),
    roleAssignments: new SdkRoleAssignmentGateway(clients.authorization, clients.subscriptionId, calls),
    connections: new SdkConnectionGateway(clients.resources, calls),
  };
}
