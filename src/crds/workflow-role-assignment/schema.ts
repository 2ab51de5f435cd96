// OpenAPI v3 + CEL schema of WorkflowRoleAssignment: what the API server checks at admission.
// Messages name the field and the rule; the API server prefixes them with the field path.
// Whether a role may be granted at all (never one that can change authorization) and whether
// the namespace may grant it on that scope are the operator's decisions, not admission's: they
// need the role table and the Namespace's annotations.
import { celMatches, KUBERNETES_NAME, ROLE, ROLE_SCOPE } from '../azure-formats.ts';
import { enumOf, immutable, object, string } from '../schema/builders.ts';
import {
  ageColumn,
  conditionsSchema,
  customResourceDefinition,
  deletionPolicySchema,
  type KindDefinition,
  lastHandledReconcileRequestSchema,
  observedGenerationSchema,
  quotaSchema,
  readyColumns,
  workflowRefSchema,
} from '../schema/common.ts';
import type { CustomResourceDefinitionManifest, JsonSchema } from '../schema/json-schema.ts';
import { GrantPhase } from '../vault-secret-binding/types.ts';
import {
  type RoleGrantRecord,
  WORKFLOW_ROLE_ASSIGNMENT,
  type WorkflowRoleAssignmentSpec,
  type WorkflowRoleAssignmentStatus,
} from './types.ts';

const spec = object(
  "Grants one workflow's managed identity one Azure role on one resource.",
  {
    workflowRef: workflowRefSchema('the role', 'WorkflowRoleAssignment'),
    scope: string(
      'ARM resource id the role is granted on, e.g. /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<ns>/queues/<queue>. Must be allowed by the namespace annotation logicops.io/allowed-role-scopes. Immutable.',
      {
        minLength: ROLE_SCOPE.minLength,
        maxLength: ROLE_SCOPE.maxLength,
        'x-kubernetes-validations': [
          {
            rule: celMatches(ROLE_SCOPE),
            message: `scope must be the ARM id of a resource: ${ROLE_SCOPE.allows}`,
          },
          immutable('scope is immutable: create a new WorkflowRoleAssignment for another resource'),
        ],
      },
    ),
    role: string(
      'The role to grant: a built-in role name (e.g. Azure Service Bus Data Receiver) or a role definition id. Must be allowed by the namespace annotation logicops.io/allowed-roles. Roles that can change authorization (Owner, Contributor, User Access Administrator, Role Based Access Control Administrator) and custom roles are refused. Immutable.',
      {
        minLength: ROLE.minLength,
        maxLength: ROLE.maxLength,
        'x-kubernetes-validations': [
          { rule: celMatches(ROLE), message: `role must be ${ROLE.allows}` },
          immutable('role is immutable: create a new WorkflowRoleAssignment for another role'),
        ],
      },
    ),
    deletionPolicy: deletionPolicySchema,
  } satisfies Record<keyof WorkflowRoleAssignmentSpec, JsonSchema>,
  { required: ['workflowRef', 'scope', 'role'] },
);

const grant = object(
  'Report of the role assignment logicops made. The ledger itself is an operator record in the operator namespace (written before the Azure write); this copy is never read back.',
  {
    phase: enumOf('Intended (recorded before the write), Granted, or Revoking.', Object.values(GrantPhase)),
    principalId: string('Principal the role was assigned to.', { maxLength: 36 }),
    tenantId: string('Tenant of the principal.', { maxLength: 36 }),
    workflowName: string('Workflow whose principal holds the role.', {
      maxLength: KUBERNETES_NAME.maxLength,
    }),
    scope: string('Scope of the role assignment.', { maxLength: ROLE_SCOPE.maxLength }),
    roleDefinitionId: string('Role definition assigned.', { maxLength: 256 }),
    roleAssignmentName: string('Role-assignment name.', { maxLength: 36 }),
  } satisfies Record<keyof RoleGrantRecord, JsonSchema>,
  { required: ['phase', 'principalId', 'workflowName', 'scope', 'roleDefinitionId', 'roleAssignmentName'] },
);

const status = object('What logicops granted and observed.', {
  observedGeneration: observedGenerationSchema(),
  conditions: conditionsSchema,
  principalId: string('Principal granted.', { maxLength: 36 }),
  roleName: string('The built-in role spec.role resolved to.', { maxLength: 256 }),
  roleDefinitionId: string('Full id of that role definition.', { maxLength: 256 }),
  grant,
  quota: quotaSchema,
  lastHandledReconcileRequest: lastHandledReconcileRequestSchema(),
} satisfies Record<keyof WorkflowRoleAssignmentStatus, JsonSchema>);

export const workflowRoleAssignmentKind: KindDefinition = {
  names: WORKFLOW_ROLE_ASSIGNMENT,
  description:
    'WorkflowRoleAssignment says "workflow W\'s identity holds role R on resource S"; logicops assigns exactly that and revokes it on delete.',
  spec,
  status,
  printerColumns: [
    ...readyColumns,
    { name: 'Role', type: 'string', jsonPath: '.status.roleName', description: 'Built-in role granted' },
    { name: 'Workflow', type: 'string', jsonPath: '.spec.workflowRef.name', priority: 1 },
    { name: 'Scope', type: 'string', jsonPath: '.spec.scope', priority: 1 },
    ageColumn,
  ],
};

export function workflowRoleAssignmentCrd(): CustomResourceDefinitionManifest {
  return customResourceDefinition(workflowRoleAssignmentKind);
}
