// Public surface of the Azure layer: gateways, their domain types, the classifier and the
// builders for credentials and clients. Controllers import from here, never from @azure/arm-*.

export { type AzureActor, OPERATOR_ACTOR_KEY, operatorActor } from './actor.ts';
export {
  checkName,
  checkRoleAssignmentScope,
  InvalidAzureNameError,
  isInvalidAzureNameError,
} from './arm-names.ts';
export {
  type ArmBucketSettings,
  type ArmBudget,
  type ArmOperationClass,
  ArmRateLimiter,
  ArmTokenBucket,
  DEFAULT_ARM_BUDGET,
  operationClassOf,
} from './arm-rate-limiter.ts';
export { AzureError, isAzureError } from './azure-error.ts';
export { BUILT_IN_ROLES, type BuiltInRole, builtInRoleById, builtInRoleByName } from './built-in-roles.ts';
export {
  AZURE_PUBLIC_ARM_ENDPOINT,
  type AzureClientSettings,
  type AzureClients,
  armTokenScope,
  createAzureClients,
} from './clients.ts';
export { AZURE_CLOUD_NAMES, AZURE_CLOUDS, type AzureCloudName, isAzureCloudName } from './clouds.ts';
export { type ConnectionGateway, checkConnectionRef } from './connection-gateway.ts';
export {
  CONNECTION_TYPE,
  type ConnectionRef,
  connectionDrift,
  connectionId,
  connectionOwner,
  type DesiredConnection,
  managedApiId,
  type ObservedConnection,
  WEB_CONNECTIONS_API_VERSION,
} from './connection-model.ts';
export {
  CREDENTIAL_SECRET_KEYS,
  type CredentialConfig,
  type CredentialSettings,
  createCredential,
  credentialFromSecretData,
} from './credentials.ts';
export {
  type AzureFailure,
  type AzureStalledReason,
  type ClassifyOptions,
  classifyAzureError,
  DEFAULT_THROTTLE_MS,
  isNotFoundError,
  isReplicationLagError,
  REPLICATION_LAG_CODES,
  type RetryReason,
} from './errors.ts';
export { DEFAULT_GATEWAY_IDLE_MS, GatewayPool, type GatewayPoolSettings } from './gateway-pool.ts';
export { type AzureGateways, createAzureGateways } from './gateways.ts';
export type { IdentityGateway, UserAssignedIdentity } from './identity-gateway.ts';
export {
  type AzureCallObserver,
  type AzureCallRecord,
  AzureCalls,
  type AzureCallsSettings,
  type CallLimiter,
  type CallOptions,
} from './instrumentation.ts';
export {
  MANAGED_CONNECTORS,
  type ManagedConnector,
  managedIdentityParameterProblem,
} from './managed-connectors.ts';
export {
  normalizeResourceId,
  parseResourceId,
  sameResourceId,
  secretScope,
  USER_ASSIGNED_IDENTITY_TYPE,
  VAULT_TYPE,
  WORKFLOW_TYPE,
  workflowResourceId,
} from './resource-id.ts';
export type { EnsuredRoleAssignment, RoleAssignmentGateway } from './role-assignment-gateway.ts';
export {
  type DesiredRoleAssignment,
  grantsExactly,
  isLogicopsDescription,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  type RoleAssignment,
  roleAssignmentName,
  roleDefinitionGuid,
  roleDefinitionResourceId,
} from './role-assignment-model.ts';
export { authorizationChangingAction, canChangeAuthorization } from './role-escalation.ts';
export type {
  AccessPolicy,
  AccessPolicyAddition,
  AccessPolicyAdditions,
  AccessPolicyPrincipal,
  ObservedVault,
  VaultGateway,
  VaultRef,
} from './vault-gateway.ts';
export type { AccessKeyType, WorkflowCallbackGateway } from './workflow-callback-gateway.ts';
export type { WorkflowGateway } from './workflow-gateway.ts';
export type {
  DesiredWorkflow,
  EndpointAddresses,
  ObservedWorkflow,
  ObservedWorkflowIdentity,
  PreservedWorkflowProperties,
  WorkflowAccessControlModel,
  WorkflowEndpointsModel,
  WorkflowIdentityType,
  WorkflowParameterValue,
  WorkflowRef,
  WorkflowState,
} from './workflow-model.ts';
export type { ObservedRun, ObservedTrigger, WorkflowRunsGateway } from './workflow-runs-gateway.ts';
