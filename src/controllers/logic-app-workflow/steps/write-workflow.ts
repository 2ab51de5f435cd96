// Step: build the desired workflow (pure), compare it with Azure, and PUT only when they
// differ (diff before write). A difference in a workflow this controller had already brought
// in line is drift, restored with an Event. Paused objects are compared but never written.
import { Reason } from '../../../crds/index.ts';
import { done } from '../../../runtime/index.ts';
import { PAUSED_ANNOTATION } from '../annotations.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { desiredDigest } from '../desired-digest.ts';
import { planWorkflow } from '../desired-workflow.ts';
import { type WorkflowField, workflowDifferences } from '../workflow-diff.ts';
import { countCreate } from './quota.ts';

export const writeWorkflow: Step = async (run) => {
  const { desired, exposedInRunHistory } = planWorkflow({
    spec: run.spec,
    definition: run.definition ?? {},
    owner: run.owner,
    secretUris: run.secretUris,
  });
  run.desired = desired;
  run.exposedInRunHistory = exposedInRunHistory;
  const differences = run.observed ? workflowDifferences(desired, run.observed) : undefined;
  if (differences?.length === 0) return undefined;

  if (run.paused) {
    const what = differences ? `differs in ${differences.join(', ')}` : 'does not exist';
    return {
      result: done(),
      outcome: {
        kind: 'reconciling',
        reason: Reason.Progressing,
        message: `Paused: the Azure workflow ${what}; nothing is written while ${PAUSED_ANNOTATION} is "true".`,
      },
    };
  }

  const drift = differences !== undefined && isDrift(run);
  run.observed = await run.gateways.workflows.createOrUpdate(run.ref, desired, { signal: run.signal });
  if (differences === undefined) {
    countCreate(run);
    run.workflowCounts?.noteCreated(run.spec.subscriptionId, {
      location: run.spec.location,
      identity: { type: run.spec.identity?.type ?? 'SystemAssigned' },
    });
  }
  await announce(run, differences, drift);
  return undefined;
};

/**
 * Drift, not a spec change: this generation was already Ready and what we would write is what
 * we last wrote (when this process remembers it) — so Azure changed, not the spec or its inputs.
 */
function isDrift(run: WorkflowRun): boolean {
  const ready = run.object.status?.conditions?.find((c) => c.type === 'Ready');
  const readyNow = ready?.status === 'True' && run.object.status?.observedGeneration === run.generation;
  if (!readyNow) return false;
  return run.lastWrittenDigest === undefined || run.lastWrittenDigest === desiredDigest(run.desired);
}

async function announce(run: WorkflowRun, differences: WorkflowField[] | undefined, drift: boolean) {
  const target = `Azure workflow ${run.spec.resourceGroup}/${run.ref.name}`;
  if (differences === undefined) {
    run.logger.info({ workflow: run.ref }, 'Created Azure workflow');
    await run.deps.events.record(run.object, 'Normal', 'Created', 'Create', `Created ${target}.`);
  } else if (drift) {
    run.logger.info({ workflow: run.ref, fields: differences }, 'Corrected drift of Azure workflow');
    await run.deps.events.record(
      run.object,
      'Normal',
      'DriftCorrected',
      'Update',
      `Restored ${differences.join(', ')} of ${target}, changed outside logicops.`,
    );
  } else {
    run.logger.info({ workflow: run.ref, fields: differences }, 'Updated Azure workflow');
    await run.deps.events.record(
      run.object,
      'Normal',
      'Updated',
      'Update',
      `Updated ${differences.join(', ')} of ${target}.`,
    );
  }
}
