// TypeScript view of a LogicAppWorkflow. schema.ts types its `properties` against these
// interfaces, so a field added here without a schema (or the reverse) fails the typecheck.
import type { KindNames } from '../api-group.ts';
import type { Condition, DeletionPolicy, ObjectMeta, QuotaUsage } from '../common-types.ts';

export const LOGIC_APP_WORKFLOW: KindNames = {
  kind: 'LogicAppWorkflow',
  listKind: 'LogicAppWorkflowList',
  plural: 'logicappworkflows',
  singular: 'logicappworkflow',
  shortNames: ['law'],
};
export const LOGIC_APP_WORKFLOW_KIND = 'LogicAppWorkflow';
export const LOGIC_APP_WORKFLOW_PLURAL = 'logicappworkflows';

export const IdentityType = {
  SystemAssigned: 'SystemAssigned',
  UserAssigned: 'UserAssigned',
  None: 'None',
} as const;
export type IdentityType = (typeof IdentityType)[keyof typeof IdentityType];

export const WorkflowState = { Enabled: 'Enabled', Disabled: 'Disabled' } as const;
export type WorkflowState = (typeof WorkflowState)[keyof typeof WorkflowState];

export interface WorkflowIdentity {
  /** Defaults to SystemAssigned. */
  type: IdentityType;
  /** ARM id of the one user-assigned identity; set exactly when type is UserAssigned. */
  userAssignedIdentityId?: string;
}

export interface ConfigMapKeyRef {
  name: string;
  key: string;
}

export interface DefinitionSource {
  configMapKeyRef: ConfigMapKeyRef;
}

/** A key of a Secret in the workflow's own namespace (there is no namespace field, by design). */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** Where a secure parameter's value comes from instead of spec.parameters. */
export interface ParameterSource {
  secretKeyRef: SecretKeyRef;
}

/** Workflow Definition Language JSON; logicops treats it as opaque apart from securing run history. */
export type WorkflowDefinition = Record<string, unknown>;

/**
 * Where logicops keeps the callback URL of the workflow's Request trigger: a Secret in the
 * workflow's namespace that logicops creates and owns (ownerReference to this object), so a
 * caller in the cluster mounts it instead of copying the URL from the portal.
 */
export interface CallbackUrlSpec {
  /** The Secret's name; a Secret of that name that this workflow does not own is never written. */
  secretName: string;
  /** The key in the Secret that holds the URL. Defaults to `url`. */
  secretKey: string;
  /** The Request trigger; default: the definition's only Request trigger. */
  trigger?: string;
  /** Regenerate the access key (and so the URL) this often, e.g. `720h`; never on a schedule when unset. */
  rotateEvery?: string;
}

/** One allowed caller: an IPv4 or IPv6 address, a CIDR range, or an IPv4 range `a.b.c.d-e.f.g.h`. */
export interface IpAddressRange {
  addressRange: string;
}

/** A claim the caller's Entra ID token must carry (`iss`, `aud`, `appid`, …) with this value. */
export interface OpenAuthenticationClaim {
  name: string;
  value: string;
}

/** An Entra ID authorization policy of Request triggers (Azure's OpenAuthenticationAccessPolicy). */
export interface OpenAuthenticationPolicy {
  /** The only provider Consumption logic apps support: `AAD` (Microsoft Entra ID). */
  type: 'AAD';
  claims: OpenAuthenticationClaim[];
}

/** Callers allowed for one part of the workflow (Azure's FlowAccessControlConfigurationPolicy). */
export interface AccessControlPolicy {
  /** An empty list admits only other logic apps; absent: any caller. */
  allowedCallerIpAddresses?: IpAddressRange[];
}

export interface TriggerAccessControlPolicy extends AccessControlPolicy {
  openAuthenticationPolicies?: { policies: Record<string, OpenAuthenticationPolicy> };
}

/**
 * Azure's FlowAccessControlConfiguration, as written in an ARM template. Set: logicops manages
 * the whole of it. Unset: whatever Azure holds is kept on every write.
 */
export interface WorkflowAccessControl {
  triggers?: TriggerAccessControlPolicy;
  contents?: AccessControlPolicy;
  actions?: AccessControlPolicy;
  workflowManagement?: AccessControlPolicy;
}

export interface LogicAppWorkflowSpec {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** Azure name of the workflow; metadata.name when unset. */
  azureName?: string;
  identity: WorkflowIdentity;
  state: WorkflowState;
  definition?: WorkflowDefinition;
  definitionFrom?: DefinitionSource;
  /** Workflow parameter values by name (each becomes `{ value }` in the Azure workflow). */
  parameters?: Record<string, unknown>;
  /**
   * Values of `securestring`/`secureobject` parameters read from Secret keys in the workflow's
   * namespace, by parameter name; never the same parameter as spec.parameters.
   */
  parametersFrom?: Record<string, ParameterSource>;
  tags?: Record<string, string>;
  deletionPolicy: DeletionPolicy;
  secureRunHistory: boolean;
  /** Who may call the workflow's triggers, read run contents, call actions, manage it. */
  accessControl?: WorkflowAccessControl;
  callbackUrl?: CallbackUrlSpec;
  /**
   * The API connections the definition uses, as `@parameters('$connections')['<name>']`: logicops
   * writes the `$connections` parameter, authenticated by this workflow's managed identity.
   */
  connections?: WorkflowConnection[];
}

/** One entry of the workflow's `$connections` parameter. */
export interface WorkflowConnection {
  /** The key in `$connections`, as the definition's ApiConnection actions name it. */
  name: string;
  /** A LogicAppConnection in the workflow's own namespace. */
  connectionRef: { name: string };
}

export interface WorkflowIdentityStatus {
  type?: IdentityType;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentityId?: string;
  /**
   * When logicops first saw this principalId (RFC 3339). Entra ID replicates a new principal for
   * seconds to minutes; bindings hold Ready until it is old enough (--principal-propagation-hold).
   * Kept in status, not process memory, so an operator restart does not restart the clock.
   */
  principalObservedAt?: string;
}

/** Which part of an action run history shows. */
export type RunHistoryPart = 'inputs' | 'outputs';

/**
 * An action that handles secret data (from a Key Vault read, directly or through other actions
 * and variables) where Azure cannot hide it in run history: its type has no secureData setting
 * for that part. logicops deploys the definition as written and reports it here, names only.
 */
export interface RunHistoryExposure {
  /** The action's name in the definition. */
  action: string;
  /** Its WDL type, as written. */
  type: string;
  /** What run history can show of the secret data. */
  shows: RunHistoryPart[];
  /** What to change in the definition so that it stops. */
  change: string;
}

/** What logicops did with the callback URL (never the URL itself). */
export interface CallbackUrlStatus {
  /** The Secret logicops keeps the URL in (the one to delete when the spec names another). */
  secretName?: string;
  /** The Request trigger whose URL it holds. */
  trigger?: string;
  /**
   * When logicops last regenerated the access key (RFC 3339); when it never did, when it first
   * wrote the Secret. `spec.callbackUrl.rotateEvery` counts from here.
   */
  lastRotationTime?: string;
  /** The last `logicops.io/rotate-access-key` annotation value handled. */
  lastHandledRotateRequest?: string;
}

/** The addresses Azure reports for the workflow's region (`properties.endpointsConfiguration`). */
export interface WorkflowIpAddresses {
  /** Where the workflow's own calls (HTTP actions, built-in connectors) come from. */
  workflowOutbound?: string[];
  /** Where managed connectors' calls come from. */
  connectorOutbound?: string[];
  /** The addresses callers reach the workflow's access endpoint (triggers) on. */
  accessEndpoint?: string[];
}

/** The newest run of the workflow as Azure reports it (issue 25): names and times, no content. */
export interface WorkflowLastRun {
  /** The run id, e.g. 08584737551867954143243946780CU57. */
  name: string;
  /** Azure's run status: Running, Succeeded, Failed, Cancelled, … */
  status: string;
  startTime?: string;
  endTime?: string;
  /** The trigger that started it. */
  trigger?: string;
  /** The run's error code when it failed, e.g. ActionFailed; never the message. */
  errorCode?: string;
}

/** One trigger of the workflow as Azure reports it. */
export interface WorkflowTriggerStatus {
  name: string;
  /** Enabled or Disabled. */
  state?: string;
  /** When the trigger last fired. */
  lastExecutionTime?: string;
  /** When a scheduled trigger fires next. */
  nextExecutionTime?: string;
}

export interface LogicAppWorkflowStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** ARM id of the Azure workflow. */
  resourceId?: string;
  identity?: WorkflowIdentityStatus;
  provisioningState?: string;
  accessEndpoint?: string;
  /** Outbound and access-endpoint addresses, for partners' allow-lists. */
  ipAddresses?: WorkflowIpAddresses;
  quota?: QuotaUsage[];
  /** Actions whose secret data run history can show (secureRunHistory on); absent when there are none. */
  exposedInRunHistory?: RunHistoryExposure[];
  /** The newest run, read at most once per resync period; absent until a read found one. */
  lastRun?: WorkflowLastRun;
  /** The triggers and their last and next execution, read with the runs. */
  triggers?: WorkflowTriggerStatus[];
  /** The last `logicops.io/reconcile-request` annotation value handled. */
  lastHandledReconcileRequest?: string;
  /** The callback URL's Secret and key rotation; absent without spec.callbackUrl. */
  callbackUrl?: CallbackUrlStatus;
}

export interface LogicAppWorkflow {
  apiVersion: 'logicops.io/v1alpha1';
  kind: 'LogicAppWorkflow';
  metadata: ObjectMeta;
  spec: LogicAppWorkflowSpec;
  status?: LogicAppWorkflowStatus;
}
