// The workflow as logicops sees it, and the pure mapping to and from the SDK's `Workflow`
// model. Controllers build a DesiredWorkflow from the spec; the gateway hands back an
// ObservedWorkflow. Nothing outside src/azure touches @azure/arm-logic types.
import type { FlowEndpoints, ManagedServiceIdentity, Workflow, WorkflowParameter } from '@azure/arm-logic';
import { sameResourceId } from './resource-id.ts';

export type WorkflowIdentityType = 'SystemAssigned' | 'UserAssigned' | 'None';
export type WorkflowState = 'Enabled' | 'Disabled';

export interface WorkflowRef {
  resourceGroup: string;
  name: string;
}

/** A workflow parameter value (`properties.parameters[name]`). */
export interface WorkflowParameterValue {
  type?: string;
  value?: unknown;
  metadata?: unknown;
  description?: string;
}

export interface DesiredWorkflow {
  location: string;
  tags: Record<string, string>;
  /** `userAssignedIdentityId` is set exactly when `type` is UserAssigned (Consumption: one identity). */
  identity: { type: WorkflowIdentityType; userAssignedIdentityId?: string };
  state: WorkflowState;
  /** Workflow Definition Language JSON. */
  definition: Record<string, unknown>;
  parameters: Record<string, WorkflowParameterValue>;
  /**
   * `properties.accessControl` when logicops manages it (`{}`: no restrictions, nothing sent);
   * undefined when it does not, and what Azure holds is carried over (`preserved`).
   */
  accessControl?: WorkflowAccessControlModel;
  /**
   * Writable properties logicops does not manage, carried over from the last read into the PUT
   * (a PUT replaces the whole resource). Never compared, never part of the desired digest.
   */
  preserved?: PreservedWorkflowProperties;
}

/** Azure's FlowAccessControlConfiguration (REST spec 2019-05-01), plain JSON. */
export interface WorkflowAccessControlModel {
  triggers?: AccessControlPolicyModel;
  contents?: AccessControlPolicyModel;
  actions?: AccessControlPolicyModel;
  workflowManagement?: AccessControlPolicyModel;
}

/** FlowAccessControlConfigurationPolicy. */
export interface AccessControlPolicyModel {
  allowedCallerIpAddresses?: Array<{ addressRange?: string }>;
  openAuthenticationPolicies?: {
    policies?: Record<string, { type?: string; claims?: Array<{ name?: string; value?: string }> }>;
  };
}

/** An ARM resource reference as written (`{ id }`); name and type are read-only. */
export interface ResourceReferenceModel {
  id: string;
}

export interface PreservedWorkflowProperties {
  accessControl?: WorkflowAccessControlModel;
  integrationAccount?: ResourceReferenceModel;
  integrationServiceEnvironment?: ResourceReferenceModel;
  endpointsConfiguration?: WorkflowEndpointsModel;
}

/** `properties.endpointsConfiguration`: the region's addresses, as Azure reports them. */
export interface WorkflowEndpointsModel {
  workflow?: EndpointAddresses;
  connector?: EndpointAddresses;
}

export interface EndpointAddresses {
  outgoingIpAddresses?: string[];
  accessEndpointIpAddresses?: string[];
}

export interface ObservedWorkflowIdentity {
  type: string;
  /** The principal that acts for the workflow: the system-assigned one, or the one user-assigned identity's. */
  principalId?: string;
  tenantId?: string;
  /** ARM id of the user-assigned identity, as Azure returned it. */
  userAssignedIdentityId?: string;
  /** Client id of the user-assigned identity. */
  clientId?: string;
}

export interface ObservedWorkflow {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  identity: ObservedWorkflowIdentity;
  state?: string;
  provisioningState?: string;
  accessEndpoint?: string;
  definition?: Record<string, unknown>;
  parameters: Record<string, WorkflowParameterValue>;
  /** Azure's version stamp of the definition; changes on every successful PUT. */
  version?: string;
  changedTime?: Date;
  accessControl?: WorkflowAccessControlModel;
  integrationAccount?: ResourceReferenceModel;
  integrationServiceEnvironment?: ResourceReferenceModel;
  endpointsConfiguration?: WorkflowEndpointsModel;
}

/** The PUT body. Read-only fields are never set (the SDK would drop them anyway). */
export function toArmWorkflow(desired: DesiredWorkflow): Workflow {
  const { preserved = {} } = desired;
  const workflow: Workflow = {
    location: desired.location,
    tags: { ...desired.tags },
    identity: toArmIdentity(desired.identity),
    state: desired.state,
    definition: structuredClone(desired.definition),
    parameters: Object.fromEntries(
      Object.entries(desired.parameters).map(([name, parameter]) => [name, toArmParameter(parameter)]),
    ),
  };
  // Managed access control wins over what was read; an empty one is left out (no restrictions).
  const accessControl = desired.accessControl ?? preserved.accessControl;
  if (accessControl && Object.keys(accessControl).length > 0)
    workflow.accessControl = structuredClone(accessControl);
  if (preserved.integrationAccount) workflow.integrationAccount = { id: preserved.integrationAccount.id };
  if (preserved.integrationServiceEnvironment)
    workflow.integrationServiceEnvironment = { id: preserved.integrationServiceEnvironment.id };
  if (preserved.endpointsConfiguration)
    workflow.endpointsConfiguration = toArmEndpoints(preserved.endpointsConfiguration);
  return workflow;
}

function toArmEndpoints(endpoints: WorkflowEndpointsModel): Workflow['endpointsConfiguration'] {
  const side = (addresses: EndpointAddresses | undefined): FlowEndpoints | undefined => {
    if (!addresses) return undefined;
    const result: FlowEndpoints = {};
    if (addresses.outgoingIpAddresses)
      result.outgoingIpAddresses = addresses.outgoingIpAddresses.map((address) => ({ address }));
    if (addresses.accessEndpointIpAddresses)
      result.accessEndpointIpAddresses = addresses.accessEndpointIpAddresses.map((address) => ({ address }));
    return result;
  };
  return { workflow: side(endpoints.workflow), connector: side(endpoints.connector) };
}

function fromArmEndpoints(
  endpoints: NonNullable<Workflow['endpointsConfiguration']>,
): WorkflowEndpointsModel {
  const side = (flow: FlowEndpoints | undefined): EndpointAddresses | undefined => {
    if (!flow) return undefined;
    const addresses = (list: FlowEndpoints['outgoingIpAddresses']) =>
      (list ?? []).flatMap((entry) => (typeof entry.address === 'string' ? [entry.address] : []));
    const result: EndpointAddresses = {};
    if (flow.outgoingIpAddresses) result.outgoingIpAddresses = addresses(flow.outgoingIpAddresses);
    if (flow.accessEndpointIpAddresses)
      result.accessEndpointIpAddresses = addresses(flow.accessEndpointIpAddresses);
    return result;
  };
  const result: WorkflowEndpointsModel = {};
  const workflow = side(endpoints.workflow);
  const connector = side(endpoints.connector);
  if (workflow) result.workflow = workflow;
  if (connector) result.connector = connector;
  return result;
}

function toArmIdentity(identity: DesiredWorkflow['identity']): ManagedServiceIdentity {
  if (identity.type === 'UserAssigned') {
    if (!identity.userAssignedIdentityId) {
      throw new Error('A UserAssigned workflow identity needs the ARM id of the user-assigned identity');
    }
    // The map value is read-only on the wire (principalId/clientId): `{}` is what ARM expects.
    return { type: 'UserAssigned', userAssignedIdentities: { [identity.userAssignedIdentityId]: {} } };
  }
  return { type: identity.type };
}

function toArmParameter(parameter: WorkflowParameterValue): WorkflowParameter {
  const result: WorkflowParameter = {};
  if (parameter.type !== undefined) result.type = parameter.type;
  if (parameter.value !== undefined) result.value = structuredClone(parameter.value);
  if (parameter.metadata !== undefined) result.metadata = structuredClone(parameter.metadata);
  if (parameter.description !== undefined) result.description = parameter.description;
  return result;
}

export function fromArmWorkflow(workflow: Workflow, expectedUserAssignedId?: string): ObservedWorkflow {
  const observed: ObservedWorkflow = {
    id: workflow.id ?? '',
    name: workflow.name ?? '',
    location: workflow.location ?? '',
    tags: { ...(workflow.tags ?? {}) },
    identity: fromArmIdentity(workflow.identity, expectedUserAssignedId),
    parameters: Object.fromEntries(
      Object.entries(workflow.parameters ?? {}).map(([name, p]) => [name, fromArmParameter(p)]),
    ),
  };
  if (workflow.state !== undefined) observed.state = workflow.state;
  if (workflow.provisioningState !== undefined) observed.provisioningState = workflow.provisioningState;
  if (workflow.accessEndpoint !== undefined) observed.accessEndpoint = workflow.accessEndpoint;
  if (isRecord(workflow.definition)) observed.definition = workflow.definition;
  if (workflow.version !== undefined) observed.version = workflow.version;
  if (workflow.changedTime !== undefined) observed.changedTime = workflow.changedTime;
  if (workflow.accessControl) observed.accessControl = workflow.accessControl;
  if (workflow.integrationAccount?.id) observed.integrationAccount = { id: workflow.integrationAccount.id };
  if (workflow.integrationServiceEnvironment?.id)
    observed.integrationServiceEnvironment = { id: workflow.integrationServiceEnvironment.id };
  if (workflow.endpointsConfiguration)
    observed.endpointsConfiguration = fromArmEndpoints(workflow.endpointsConfiguration);
  return observed;
}

function fromArmIdentity(
  identity: ManagedServiceIdentity | undefined,
  expectedUserAssignedId: string | undefined,
): ObservedWorkflowIdentity {
  if (!identity) return { type: 'None' };
  const result: ObservedWorkflowIdentity = { type: identity.type };
  if (identity.tenantId) result.tenantId = identity.tenantId;
  if (identity.type.toLowerCase() === 'userassigned') {
    const entries = Object.entries(identity.userAssignedIdentities ?? {});
    // ARM may echo the id in another case; a Consumption workflow has at most one anyway.
    const entry =
      entries.find(([id]) => expectedUserAssignedId && sameResourceId(id, expectedUserAssignedId)) ??
      entries[0];
    if (entry) {
      result.userAssignedIdentityId = entry[0];
      if (entry[1].principalId) result.principalId = entry[1].principalId;
      if (entry[1].clientId) result.clientId = entry[1].clientId;
    }
  } else if (identity.principalId) {
    result.principalId = identity.principalId;
  }
  return result;
}

function fromArmParameter(parameter: WorkflowParameter): WorkflowParameterValue {
  const result: WorkflowParameterValue = {};
  if (parameter.type !== undefined) result.type = parameter.type;
  if (parameter.value !== undefined) result.value = parameter.value;
  if (parameter.metadata !== undefined) result.metadata = parameter.metadata;
  if (parameter.description !== undefined) result.description = parameter.description;
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
