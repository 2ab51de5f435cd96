// What is wrong with a WorkflowRoleAssignment's spec before any Azure call, as the frame's
// `specProblem`: a scope Azure's naming rules refuse (it goes into the URL as it is), then a role
// logicops never grants or does not know (plan/role-choice.ts). Either is InvalidSpec: no
// finalizer, no Azure call, a Warning Event with the reason.
import { checkRoleAssignmentScope, isInvalidAzureNameError } from '../../azure/index.ts';
import type { WorkflowRoleAssignment } from '../../crds/index.ts';
import { chooseRole } from './plan/role-choice.ts';

export function roleAssignmentSpecProblem(object: WorkflowRoleAssignment): string | undefined {
  try {
    checkRoleAssignmentScope(object.spec.scope);
  } catch (error) {
    if (!isInvalidAzureNameError(error)) throw error;
    return `spec.scope: ${error.message}. logicops sends nothing to Azure for this object until the field is corrected.`;
  }
  const choice = chooseRole(object.spec.role);
  return choice.ok ? undefined : choice.message;
}
