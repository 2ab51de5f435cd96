// Deletion (docs/design.md guarantee 5), bounded like the workflow's. Orphan: Azure untouched.
// Delete: nothing is read or deleted in a resource group the namespace policy does not allow
// (left in place, with a Warning Event), and only a connection carrying this object's own
// owner tag is deleted. While a workflow of the namespace still names this connection in
// spec.connections, deletion waits (Reconciling, Deleting), naming the workflows: deleting the
// connection under them would break their next runs.
import { connectionId } from '../../../azure/index.ts';
import { DeletionPolicy, Reason } from '../../../crds/index.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import { pausedWrite } from '../../shared/grants/write-refusals.ts';
import { ownershipOf } from '../../shared/owner-tag.ts';
import type { Step } from '../context.ts';
import { workflowsUsing } from '../workflows-using.ts';
import { resolveAzureActor } from './azure-actor.ts';
import { policyDenial } from './namespace-policy.ts';

const FINISHED: Outcome = { kind: 'released' };

export const orphanIfAsked: Step = async (run) => {
  if (run.spec.deletionPolicy !== DeletionPolicy.Orphan) return undefined;
  await run.event(
    'Normal',
    'Orphaned',
    'Delete',
    `deletionPolicy is Orphan: Azure API connection ${connectionId(run.ref)} was left in place.`,
  );
  return FINISHED;
};

export const waitForWorkflowsUsingIt: Step = async (run) => {
  const users = workflowsUsing(run.shared.workflows, run.object);
  if (users.length === 0) return undefined;
  return {
    kind: 'waiting',
    reason: Reason.Deleting,
    message:
      `Waiting for LogicAppWorkflow ${users.map((name) => `'${name}'`).join(', ')} to stop using this connection ` +
      '(remove it from spec.connections, or delete the workflow): deleting it now would break their runs.',
    // The workflow watch wakes this object; the poll covers a workflow that drops the reference
    // in a change the watch maps elsewhere.
    afterMs: run.shared.settings.notConnectedRecheckMs,
  };
};

export const leaveOutsidePolicy: Step = async (run) => {
  const denied = policyDenial(run);
  if (!denied) return undefined;
  await run.event(
    'Warning',
    Reason.NamespacePolicyDenied,
    'Delete',
    `The Azure API connection (if any) was left in place: ${denied.message}`,
  );
  return FINISHED;
};

export const deleteConnection: Step = async (run) => {
  await resolveAzureActor(run);
  const observed = await run.connections.get(run.ref, { signal: run.signal });
  if (!observed) return FINISHED;
  if (ownershipOf(observed.tags, run.owner) !== 'ours') {
    // Never this object's (someone else's, or made by hand): deleting the object leaves it.
    await run.event(
      'Normal',
      'Orphaned',
      'Delete',
      `Azure API connection ${observed.id} is not owned by this object and was left in place.`,
    );
    return FINISHED;
  }
  if (run.paused) return pausedWrite(run, 'would delete the API connection');
  await run.connections.delete(run.ref, { signal: run.signal });
  await run.event('Normal', 'Deleted', 'Delete', `Deleted Azure API connection ${observed.id}.`);
  return FINISHED;
};
