// A WorkflowRoleAssignment's fields of status, written by the frame's one status write: the
// record as a report (nothing reads it back), the role spec.role resolved to, the principal
// granted, and QuotaAvailable whenever usage was counted.
import type { WorkflowRoleAssignmentStatus } from '../../crds/index.ts';
import type { Clock } from '../../runtime/index.ts';
import { RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';
import { reportQuota } from '../shared/grants/quota-condition.ts';
import type { RoleGrantRun } from './context.ts';
import { roleDefinitionIdIn } from './plan/role-choice.ts';
import { subscriptionOf } from './plan/role-target.ts';

export function projectRoleGrantStatus(
  status: WorkflowRoleAssignmentStatus,
  run: RoleGrantRun,
  clock: Clock,
): void {
  const record = run.record;
  if (record) status.grant = structuredClone(record);
  else delete status.grant;
  if (record?.phase === 'Granted') status.principalId = record.principalId;
  else delete status.principalId;
  if (run.role) {
    status.roleName = run.role.name;
    status.roleDefinitionId = roleDefinitionIdIn(subscriptionOf(run.spec.scope), run.role);
  }
  const request = run.object.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  if (request !== undefined) status.lastHandledReconcileRequest = request;
  const { quota, quotaExceeded } = run.observed;
  if (quota) reportQuota(status, quota, Boolean(quotaExceeded), run.object.metadata.generation ?? 0, clock);
}
