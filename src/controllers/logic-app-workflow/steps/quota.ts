// Step: count what the subscription has in the workflow's region (docs/design.md guarantee 6).
// Before a create, a create that would pass a limit is refused; for a workflow that exists the
// count is only reported, at every pass, so status.quota follows what Azure holds (updates are
// never blocked). Both read the controller's shared listings (workflow-counts.ts): at most one
// listing per subscription and Azure actor per TTL for each, whatever the number of workflows.
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { afterCreate, checkWorkflowQuota, describeQuota, type QuotaCheck } from '../quota.ts';
import { placementOf } from '../workflow-counts.ts';

export const checkQuota: Step = async (run) => {
  // Each page is cut down to placements as it arrives: the listing carries every workflow's definition.
  const list = () => run.gateways.workflows.listBySubscription({ signal: run.signal }, placementOf);
  const creating = !run.observed;
  const fresh = hasUnhandledReconcileRequest(run.object);
  const counts = run.workflowCounts;
  const existing = !counts
    ? await list()
    : creating
      ? await counts.workflows(run.actorKey, run.spec.subscriptionId, list, fresh)
      : await counts.report(run.actorKey, run.spec.subscriptionId, list, fresh);
  const check = checkWorkflowQuota({
    existing,
    subscriptionId: run.spec.subscriptionId,
    location: run.spec.location,
    // The identity the spec asks for: the one the workflow has, or will have after this pass.
    identityType: run.spec.identity?.type ?? 'SystemAssigned',
    limits: run.deps.settings.quota,
    creating,
  });
  run.status.quota = quotaStatus(check);
  run.quotaCheck = check;
  if (check.exceeded.length > 0 && creating) {
    throw new StalledError(Reason.QuotaExceeded, run.status.quota.message);
  }
  return undefined;
};

/** After a create: status reports the usage with the new workflow in it, as the next listing will. */
export function countCreate(run: WorkflowRun): void {
  if (run.quotaCheck?.creating) run.status.quota = quotaStatus(afterCreate(run.quotaCheck));
}

function quotaStatus(check: QuotaCheck) {
  return { usage: check.usage, exceeded: check.exceeded.length > 0, message: describeQuota(check) };
}
