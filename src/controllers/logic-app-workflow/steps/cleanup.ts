// Deletion (docs/design.md guarantee 5). Orphan: Azure untouched. Delete: first wait until no
// binding or role assignment of this workflow holds a grant (each revokes its own when it sees this workflow
// going away), then delete the Azure workflow — and with it its system-assigned identity.
// The finalizer stays until a step reports done; a throw or a wait keeps it.
//
// Deletes are bounded like creates (issue 20): nothing is read or deleted in a resource group
// the namespace policy does not allow (the workflow is left in place, with a Warning Event),
// and only a workflow carrying this object's own owner tag is deleted — neither the adopt
// annotation nor a finalizer in a manifest makes a workflow this object's.
import { DeletionPolicy, Reason } from '../../../crds/index.ts';
import { PAUSED_ANNOTATION } from '../../../vocabulary.ts';
import { bindingsOfWorkflow } from '../../shared/binding-indexes.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import { ownershipOf } from '../../shared/owner-tag.ts';
import type { Step } from '../context.ts';
import { policyDenial } from './namespace-policy.ts';

/** Nothing more to do in Azure: the frame withdraws the identity, then the finalizer goes. */
const FINISHED: Outcome = { kind: 'released' };

export const orphanIfAsked: Step = async (run) => {
  if (run.spec.deletionPolicy !== DeletionPolicy.Orphan) return undefined;
  run.logger.info({ workflow: run.ref }, 'Left Azure workflow in place (deletionPolicy Orphan)');
  await run.deps.events.record(
    run.object,
    'Normal',
    'Orphaned',
    'Delete',
    `deletionPolicy is Orphan: Azure workflow ${run.spec.resourceGroup}/${run.ref.name} was left in place.`,
  );
  return FINISHED;
};

export const waitForBindings: Step = async (run) => {
  const holding = bindingsOfWorkflow(run.deps.bindings, run)
    .filter(
      (binding) => run.deps.records.read('grant', run.namespace, binding.metadata.name ?? '') !== undefined,
    )
    .map((binding) => `VaultSecretBinding ${binding.metadata.name ?? ''}`)
    .sort();
  // A WorkflowRoleAssignment's record names the workflow whose principal holds the role: it
  // revokes when it sees this workflow going away, and its record goes with the revoke.
  const assigned = run.deps.records
    .roleGrantsOfWorkflow(run.namespace, run.name)
    .map(({ object }) => `WorkflowRoleAssignment ${object.name}`)
    .sort();
  const waitingFor = [...holding, ...assigned];
  if (waitingFor.length === 0) return undefined;
  return {
    kind: 'waiting',
    reason: Reason.WaitingForBindings,
    message: `Waiting for ${waitingFor.join(', ')} to revoke their grants before the Azure workflow and its identity are deleted.`,
    afterMs: run.waitPollMs,
  };
};

export const holdWhilePaused: Step = async (run) => {
  if (!run.paused) return undefined;
  return {
    kind: 'waiting',
    reason: Reason.Deleting,
    message: `Paused: the Azure workflow is not deleted while ${PAUSED_ANNOTATION} is "true".`,
    afterMs: run.waitPollMs,
  };
};

export const leaveOutsidePolicy: Step = async (run) => {
  const denied = policyDenial(run, false);
  if (!denied) return undefined;
  await run.deps.events.record(
    run.object,
    'Warning',
    Reason.NamespacePolicyDenied,
    'Delete',
    `The Azure workflow (if any) was left in place: ${denied.message}`,
  );
  return FINISHED;
};

export const deleteWorkflow: Step = async (run) => {
  const observed = await run.gateways.workflows.get(run.ref, { signal: run.signal });
  if (!observed) return FINISHED;
  if (ownershipOf(observed.tags, run.owner) !== 'ours') {
    // Not tagged for this object (never written by it, or adopted but never written): deleting
    // the object must not delete someone else's workflow.
    await run.deps.events.record(
      run.object,
      'Normal',
      'Orphaned',
      'Delete',
      `Azure workflow ${observed.id} is not owned by this object and was left in place.`,
    );
    return FINISHED;
  }
  await run.gateways.workflows.delete(run.ref, { signal: run.signal });
  run.logger.info({ workflow: run.ref }, 'Deleted Azure workflow');
  await run.deps.events.record(
    run.object,
    'Normal',
    'Deleted',
    'Delete',
    `Deleted Azure workflow ${observed.id}.`,
  );
  return FINISHED;
};
