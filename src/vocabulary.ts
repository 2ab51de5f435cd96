// Every name logicops writes or reads on objects it does not own the schema of: annotations,
// labels, the finalizer and the Azure tag. One file, so a reader (or an admission policy) sees
// the whole vocabulary at once. The meanings are in docs/api-reference.md and docs/security.md.

// --- On LogicAppWorkflow and VaultSecretBinding objects (set by the team) ---
/** "true": observe only — reads, no writes to Azure. */
export const PAUSED_ANNOTATION = 'logicops.io/paused';
/** Any new value: reconcile now, without cached or shared reads; echoed as status.lastHandledReconcileRequest. */
export const RECONCILE_REQUEST_ANNOTATION = 'logicops.io/reconcile-request';
/** "true": this object may adopt an existing Azure resource that carries no owner tag (if its namespace allows). */
export const ADOPT_ANNOTATION = 'logicops.io/adopt';
/**
 * LogicAppWorkflow with spec.callbackUrl, any new value: regenerate the workflow's primary access
 * key (its callback URL changes, the old one stops working); echoed as
 * status.callbackUrl.lastHandledRotateRequest.
 */
export const ROTATE_ACCESS_KEY_ANNOTATION = 'logicops.io/rotate-access-key';
/** logicops' finalizer on both kinds (docs/design.md's fixed name). */
export const LOGICOPS_FINALIZER = 'logicops.io/finalizer';

// --- On Secrets a workflow takes parameter values from (set by whoever writes the Secret) ---
/**
 * "true": this Secret's keys may become workflow parameter values (spec.parametersFrom). Without
 * it the operator, which may read every Secret in a watched namespace, would hand any of them to
 * a definition the team writes: the Secret's writer must consent (docs/security.md).
 */
export const PARAMETER_SOURCE_LABEL = 'logicops.io/parameter-source';

// --- On Namespaces (set by a cluster admin: the namespace policy) ---
export const ALLOWED_RESOURCE_GROUPS_ANNOTATION = 'logicops.io/allowed-resource-groups';
export const ALLOWED_VAULTS_ANNOTATION = 'logicops.io/allowed-vaults';
/** ARM id globs of the resources a namespace's WorkflowRoleAssignments may grant roles on (each covers the ids below it). */
export const ALLOWED_ROLE_SCOPES_ANNOTATION = 'logicops.io/allowed-role-scopes';
/** Built-in role names or role definition GUIDs a namespace's WorkflowRoleAssignments may grant. */
export const ALLOWED_ROLES_ANNOTATION = 'logicops.io/allowed-roles';
/** "true": objects in the namespace may adopt (with their own ADOPT_ANNOTATION); the team must not decide this itself. */
export const ALLOW_ADOPTION_ANNOTATION = 'logicops.io/allow-adoption';

/** Every annotation logicops reads starts so (the lean caches keep only these). */
export const OWN_ANNOTATION_PREFIX = 'logicops.io/';

// --- On the operator's own records (ConfigMaps in the records namespace) ---
export const RECORD_LABEL = 'logicops.io/record';
export const RECORD_NAMESPACE_LABEL = 'logicops.io/namespace';
export const RECORD_OBJECT_ANNOTATION = 'logicops.io/object';
export const RECORD_UID_ANNOTATION = 'logicops.io/object-uid';
export const MANAGED_BY_LABELS = { 'app.kubernetes.io/managed-by': 'logicops' } as const;

// --- On objects logicops creates in a team's namespace (the callback-URL Secret) ---
/** The LogicAppWorkflow the object belongs to (its name, or a digest when the name is no label value). */
export const WORKFLOW_LABEL = 'logicops.io/workflow';

// --- On Azure resources ---
/** Azure refuses '/' in tag names; the value (`<cluster-id>/<namespace>/<name>`) may hold it (owner-tag.ts). */
export const OWNER_TAG = 'logicops-owner';
