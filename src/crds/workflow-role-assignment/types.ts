// TypeScript view of a WorkflowRoleAssignment (issue 24): "workflow W's identity holds role R on
// resource S". schema.ts types its `properties` against these interfaces.
import type { KindNames } from '../api-group.ts';
import type { Condition, DeletionPolicy, ObjectMeta, QuotaUsage } from '../common-types.ts';
import type { GrantPhase, WorkflowReference } from '../vault-secret-binding/types.ts';

export const WORKFLOW_ROLE_ASSIGNMENT: KindNames = {
  kind: 'WorkflowRoleAssignment',
  listKind: 'WorkflowRoleAssignmentList',
  plural: 'workflowroleassignments',
  singular: 'workflowroleassignment',
  shortNames: ['wra'],
};

export interface WorkflowRoleAssignmentSpec {
  workflowRef: WorkflowReference;
  /** ARM id of the resource the role is granted on. */
  scope: string;
  /** A built-in role's name, or a role definition id (GUID or full id). */
  role: string;
  deletionPolicy: DeletionPolicy;
}

/** What logicops assigned, so revocation deletes exactly that assignment and nothing else. */
export interface RoleGrantRecord {
  phase: GrantPhase;
  principalId: string;
  tenantId?: string;
  /** The workflow whose principal holds the role (its deletion waits for this record). */
  workflowName: string;
  scope: string;
  /** Full role definition id in the scope's subscription. */
  roleDefinitionId: string;
  /** The deterministic (UUIDv5) role-assignment name, or the name of the same grant found under another name. */
  roleAssignmentName: string;
}

export interface WorkflowRoleAssignmentStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  principalId?: string;
  /** The role spec.role resolved to: its published name and full id. */
  roleName?: string;
  roleDefinitionId?: string;
  grant?: RoleGrantRecord;
  quota?: QuotaUsage[];
  lastHandledReconcileRequest?: string;
}

export interface WorkflowRoleAssignment {
  apiVersion: 'logicops.io/v1alpha1';
  kind: 'WorkflowRoleAssignment';
  metadata: ObjectMeta;
  spec: WorkflowRoleAssignmentSpec;
  status?: WorkflowRoleAssignmentStatus;
}
