// Step: before creating a workflow, count what the subscription already has in the region
// (DESIGN.md guarantee 6). Only when the GET found nothing, so updates are never blocked.
import { Reason } from '../../../crds/index.ts';
import { StalledError } from '../../../runtime/index.ts';
import { hasUnhandledReconcileRequest } from '../../shared/reconcile-request.ts';
import type { Step } from '../context.ts';
import { checkWorkflowQuota, describeQuota } from '../quota.ts';
import { placementOf } from '../workflow-counts.ts';

export const checkQuota: Step = async (run) => {
  if (run.observed) return undefined;
  // One listing per subscription serves a burst of creates (workflow-counts.ts). Each page is
  // cut down to placements as it arrives: the listing carries every workflow's definition.
  const list = () => run.gateways.workflows.listBySubscription({ signal: run.signal }, placementOf);
  const existing = run.workflowCounts
    ? await run.workflowCounts.workflows(
        run.spec.subscriptionId,
        list,
        hasUnhandledReconcileRequest(run.object),
      )
    : await list();
  const check = checkWorkflowQuota({
    existing,
    subscriptionId: run.spec.subscriptionId,
    location: run.spec.location,
    identityType: run.spec.identity?.type ?? 'SystemAssigned',
    limits: run.deps.settings.quota,
  });
  const message = describeQuota(check);
  const exceeded = check.exceeded.length > 0;
  run.status.quota = { usage: check.usage, exceeded, message };
  if (exceeded) throw new StalledError(Reason.QuotaExceeded, message);
  return undefined;
};
