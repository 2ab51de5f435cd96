// Namespaces that hold logicops objects but lack the policy annotation those objects need: with
// the namespace policy on (default deny), every such object is Stalled with NamespacePolicyDenied
// and no Azure request is made for it (docs/operations.md, "Namespace policy").

import {
  ALLOWED_RESOURCE_GROUPS_ANNOTATION,
  ALLOWED_ROLE_SCOPES_ANNOTATION,
  ALLOWED_ROLES_ANNOTATION,
  ALLOWED_VAULTS_ANNOTATION,
} from '../vocabulary.ts';
import type { CheckRow } from './report.ts';
import type { NamespaceAnnotations } from './scopes.ts';

export interface ObjectCounts {
  /** Namespace name to its number of LogicAppWorkflows / VaultSecretBindings / WorkflowRoleAssignments / LogicAppConnections. */
  workflows: ReadonlyMap<string, number>;
  bindings: ReadonlyMap<string, number>;
  roleAssignments?: ReadonlyMap<string, number>;
  connections?: ReadonlyMap<string, number>;
}

function counted(count: number, kind: string): string {
  return `${count} ${kind}${count === 1 ? '' : 's'}`;
}

export function namespacePolicyRows(
  policyEnabled: boolean,
  namespaces: readonly NamespaceAnnotations[],
  counts: ObjectCounts,
): CheckRow[] {
  const check = 'namespace-policy';
  if (!policyEnabled) {
    return [
      {
        check,
        target: '',
        status: 'ok',
        detail: '--namespace-policy disabled: every namespace may use any scope',
      },
    ];
  }
  const annotationsOf = new Map(namespaces.map((namespace) => [namespace.name, namespace.annotations]));
  const roleAssignmentCounts = counts.roleAssignments ?? new Map<string, number>();
  const connectionCounts = counts.connections ?? new Map<string, number>();
  const used = [
    ...new Set([
      ...counts.workflows.keys(),
      ...counts.bindings.keys(),
      ...roleAssignmentCounts.keys(),
      ...connectionCounts.keys(),
    ]),
  ].sort();
  const rows: CheckRow[] = [];
  for (const name of used) {
    const annotations = annotationsOf.get(name) ?? {};
    const missing: string[] = [];
    const workflows = counts.workflows.get(name) ?? 0;
    const bindings = counts.bindings.get(name) ?? 0;
    const connections = connectionCounts.get(name) ?? 0;
    // Workflows and API connections are placed the same way: in a resource group the policy allows.
    const placed = [
      ...(workflows > 0 ? [counted(workflows, 'LogicAppWorkflow')] : []),
      ...(connections > 0 ? [counted(connections, 'LogicAppConnection')] : []),
    ];
    if (placed.length > 0 && !annotations[ALLOWED_RESOURCE_GROUPS_ANNOTATION]?.trim())
      missing.push(`${ALLOWED_RESOURCE_GROUPS_ANNOTATION} (${placed.join(', ')})`);
    if (bindings > 0 && !annotations[ALLOWED_VAULTS_ANNOTATION]?.trim())
      missing.push(
        `${ALLOWED_VAULTS_ANNOTATION} (${bindings} VaultSecretBinding${bindings === 1 ? '' : 's'})`,
      );
    const roleAssignments = roleAssignmentCounts.get(name) ?? 0;
    const plural = roleAssignments === 1 ? '' : 's';
    for (const annotation of [ALLOWED_ROLE_SCOPES_ANNOTATION, ALLOWED_ROLES_ANNOTATION]) {
      if (roleAssignments > 0 && !annotations[annotation]?.trim())
        missing.push(`${annotation} (${roleAssignments} WorkflowRoleAssignment${plural})`);
    }
    if (missing.length > 0) {
      rows.push({
        check,
        target: name,
        status: 'fail',
        detail: `objects but no ${missing.join(' and no ')}: they stay Stalled (NamespacePolicyDenied); a cluster admin annotates the namespace with ARM id globs (and, for role grants, the roles it may grant) (kubectl annotate namespace ${name} ...)`,
      });
    }
  }
  if (rows.length === 0) {
    rows.push({
      check,
      target: '',
      status: 'ok',
      detail: `${used.length} namespace${used.length === 1 ? '' : 's'} with objects, each annotated for what it holds`,
    });
  }
  return rows;
}
