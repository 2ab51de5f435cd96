// Condition types and reasons: docs/design.md's shared vocabulary as constants. Controllers write
// them, docs list them and the Argo CD / kstatus health checks read them, so a reason that is
// not here does not exist. Add a reason by extending these lists, never by a string literal.

export const ConditionType = {
  /** Summary: True when Azure matches the spec; otherwise the reason of what blocks it. */
  Ready: 'Ready',
  /** kstatus "abnormal-true": work in flight or waiting on something that clears by itself. */
  Reconciling: 'Reconciling',
  /** kstatus "abnormal-true": a human must act; no retry until the spec or environment changes. */
  Stalled: 'Stalled',
  /** Usage against the Azure limits that apply to this object's scope. */
  QuotaAvailable: 'QuotaAvailable',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

export const Reason = {
  // Ready=True
  Succeeded: 'Succeeded',
  // In flight or waiting (Ready=False with Reconciling=True)
  Progressing: 'Progressing',
  Throttled: 'Throttled',
  WaitingForPrincipal: 'WaitingForPrincipal',
  WaitingForWorkflow: 'WaitingForWorkflow',
  WaitingForBindings: 'WaitingForBindings',
  WaitingForSecret: 'WaitingForSecret',
  WaitingForConfigMap: 'WaitingForConfigMap',
  WaitingForConnections: 'WaitingForConnections',
  Deleting: 'Deleting',
  // A human must act (Ready=False with Stalled=True)
  InvalidSpec: 'InvalidSpec',
  ResourceGroupNotFound: 'ResourceGroupNotFound',
  AuthorizationFailed: 'AuthorizationFailed',
  PolicyDenied: 'PolicyDenied',
  QuotaExceeded: 'QuotaExceeded',
  AlreadyOwned: 'AlreadyOwned',
  NamespacePolicyDenied: 'NamespacePolicyDenied',
  CredentialUnavailable: 'CredentialUnavailable',
  // QuotaAvailable=True
  WithinLimit: 'WithinLimit',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Reasons that go with Ready=False and Reconciling=True. */
export const IN_FLIGHT_REASONS = [
  Reason.Progressing,
  Reason.Throttled,
  Reason.WaitingForPrincipal,
  Reason.WaitingForWorkflow,
  Reason.WaitingForBindings,
  Reason.WaitingForSecret,
  Reason.WaitingForConfigMap,
  Reason.WaitingForConnections,
  Reason.Deleting,
] as const;
export type InFlightReason = (typeof IN_FLIGHT_REASONS)[number];

/** Reasons that go with Ready=False and Stalled=True. */
export const STALLED_REASONS = [
  Reason.InvalidSpec,
  Reason.ResourceGroupNotFound,
  Reason.AuthorizationFailed,
  Reason.PolicyDenied,
  Reason.QuotaExceeded,
  Reason.AlreadyOwned,
  Reason.NamespacePolicyDenied,
  Reason.CredentialUnavailable,
] as const;
export type StalledReason = (typeof STALLED_REASONS)[number];

export type ReadyReason = typeof Reason.Succeeded | InFlightReason | StalledReason;
export type ReconcilingReason = InFlightReason;
export type QuotaAvailableReason = typeof Reason.WithinLimit | typeof Reason.QuotaExceeded;

export const QUOTA_AVAILABLE_REASONS = [Reason.WithinLimit, Reason.QuotaExceeded] as const;

export function isInFlightReason(reason: string): reason is InFlightReason {
  return (IN_FLIGHT_REASONS as readonly string[]).includes(reason);
}

export function isStalledReason(reason: string): reason is StalledReason {
  return (STALLED_REASONS as readonly string[]).includes(reason);
}

/** Which kinds report a reason, and what it means: the source of the docs' reason table. */
export const REASON_MEANINGS: Readonly<Record<Reason, { kinds: readonly ReasonKind[]; meaning: string }>> = {
  Succeeded: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'Azure matches the spec.',
  },
  Progressing: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'A change is being applied to Azure.',
  },
  Throttled: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'Azure answered 429; retried after Retry-After.',
  },
  WaitingForPrincipal: {
    kinds: ['VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      'The workflow exists but has no managed-identity principal logicops vouches for yet (it is not Ready, or its identity is None), or the principal is younger than the propagation hold (Entra ID replication: the message says how long is left).',
  },
  WaitingForWorkflow: {
    kinds: ['VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      'The referenced LogicAppWorkflow does not exist (yet), or is being deleted (the grant was revoked).',
  },
  WaitingForBindings: {
    kinds: ['LogicAppWorkflow'],
    meaning:
      'Deletion waits until every binding and role assignment that granted this principal has revoked its grant; or a parameter the definition declares without a defaultValue has no value yet (Azure would refuse the workflow): nothing is written until a VaultSecretBinding with that spec.parameterName, or spec.parameters, gives it one.',
  },
  WaitingForSecret: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding'],
    meaning:
      'VaultSecretBinding: the secret does not exist in the vault yet. LogicAppWorkflow: a Secret or key that spec.parametersFrom names does not exist yet, or the Secret lacks the label logicops.io/parameter-source: "true"; looked at again every 30 s, the Azure workflow left as it is.',
  },
  WaitingForConfigMap: {
    kinds: ['LogicAppWorkflow'],
    meaning: 'spec.definitionFrom names a ConfigMap or key that does not exist (yet).',
  },
  WaitingForConnections: {
    kinds: ['LogicAppWorkflow'],
    meaning:
      'A LogicAppConnection that spec.connections names does not exist (yet), is being deleted, or is not Ready for its current spec: $connections is written, and the workflow with it, once every one is Ready.',
  },
  Deleting: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'The object is being deleted; Azure cleanup is in progress.',
  },
  InvalidSpec: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      'The spec passed admission but cannot work (e.g. the definition is not valid JSON, or is over the size or nesting limits, or spec.parametersFrom names a parameter the definition does not declare secure; a WorkflowRoleAssignment names a role that can change authorization, a custom role, or an unknown role). Not retried until the spec changes. Also the value of a Secret key spec.parametersFrom names that a secureobject parameter cannot take (not a JSON object): retried at resync, since a fix to the Secret does not change the spec.',
  },
  ResourceGroupNotFound: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'The resource group (of the workflow, identity or vault) does not exist.',
  },
  AuthorizationFailed: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      "The operator's own identity may not perform the Azure call; or the operator's Kubernetes RBAC has no Secret rights in the namespace of a workflow with spec.parametersFrom or spec.callbackUrl (list the namespace in the chart's workflowSecrets.namespaces).",
  },
  PolicyDenied: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'An Azure Policy assignment denied the request.',
  },
  QuotaExceeded: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'Creating the resource or grant would exceed an Azure limit; nothing was attempted.',
  },
  AlreadyOwned: {
    kinds: ['LogicAppWorkflow'],
    meaning:
      'The Azure resource exists without the logicops owner tag or with another owner. One tagged for another owner is never taken over; an untagged one is adopted when the object has logicops.io/adopt: "true" and a cluster admin annotated the namespace logicops.io/allow-adoption: "true". Also: spec.callbackUrl.secretName names a Secret this workflow does not own (it is never written).',
  },
  NamespacePolicyDenied: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      "The namespace's logicops.io/allowed-resource-groups, logicops.io/allowed-vaults or logicops.io/allowed-role-scopes annotation does not allow this Azure scope, or its logicops.io/allowed-roles annotation does not allow this role.",
  },
  CredentialUnavailable: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning:
      "The namespace's Azure credential cannot be used: its Secret is missing, unreadable or incomplete, or the namespace has none and namespaces without one may not act as the operator's identity. Nothing is sent to Azure, and deletion waits, until it is fixed.",
  },
  WithinLimit: {
    kinds: ['LogicAppWorkflow', 'VaultSecretBinding', 'WorkflowRoleAssignment'],
    meaning: 'QuotaAvailable=True: usage is below every limit that applies.',
  },
};
export type ReasonKind = 'LogicAppWorkflow' | 'VaultSecretBinding' | 'WorkflowRoleAssignment';
