// Step: build the desired workflow (pure), compare it with Azure, and PUT only when they
// differ (diff before write). A difference in a workflow this controller had already brought
// in line is drift, restored with an Event. Paused objects are compared but never written.
// Secure values, which Azure never returns, are compared with the record of the last write
// (secure-values.ts), and that record is renewed after every write that carried them. Writable
// properties the spec does not manage are carried over into the PUT (preserved-properties.ts).
import { Reason } from '../../../crds/index.ts';
import { PAUSED_ANNOTATION } from '../../../vocabulary.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { desiredDigest } from '../desired-digest.ts';
import { planWorkflow } from '../desired-workflow.ts';
import { preservedProperties } from '../preserved-properties.ts';
import {
  recordHolds,
  type SecureValues,
  type SecureValuesVerdict,
  sealSecureValues,
  secureValuesOf,
  secureValuesVerdict,
} from '../secure-values.ts';
import { type WorkflowField, workflowDifferences } from '../workflow-diff.ts';
import { countCreate } from './quota.ts';

const SECURE_RECORD = 'secure-parameters';

export const writeWorkflow: Step = async (run) => {
  const { desired, exposedInRunHistory } = planWorkflow({
    spec: run.spec,
    definition: run.definition ?? {},
    owner: run.owner,
    secretUris: run.secretUris,
    secretParameters: run.secretParameters,
    ...(run.connectionsParameter ? { connectionsParameter: run.connectionsParameter } : {}),
  });
  run.desired = desired;
  run.exposedInRunHistory = exposedInRunHistory;
  const secureValues = secureValuesOf(desired);
  const record = run.deps.records.read(SECURE_RECORD, run.namespace, run.name);
  const verdict = secureValues
    ? secureValuesVerdict(secureValues, record, run.observed?.version)
    : 'unchanged';
  const differences = run.observed
    ? workflowDifferences(desired, run.observed, { secureValuesWritten: verdict === 'unchanged' })
    : undefined;
  if (differences?.length === 0) return undefined;

  if (run.paused) {
    const what = differences ? `differs in ${describe(differences, verdict)}` : 'does not exist';
    // No delay: removing the annotation is an update, and updates enqueue the workflow.
    return {
      kind: 'waiting',
      reason: Reason.Progressing,
      message: `Paused: the Azure workflow ${what}; nothing is written while ${PAUSED_ANNOTATION} is "true".`,
    };
  }

  const drift = differences !== undefined && isDrift(run, differences, verdict);
  // What logicops does not manage rides along as read, so the PUT does not wipe it; kept out of
  // run.desired, whose digest tells drift from spec changes.
  const preserved = preservedProperties(run.observed, {
    managesAccessControl: desired.accessControl !== undefined,
  });
  const body = preserved ? { ...desired, preserved } : desired;
  run.observed = await run.gateways.workflows.createOrUpdate(run.ref, body, { signal: run.signal });
  if (differences === undefined) {
    run.created = true;
    countCreate(run);
    run.workflowCounts?.noteCreated(run.spec.subscriptionId, {
      location: run.spec.location,
      identity: { type: run.spec.identity?.type ?? 'SystemAssigned' },
    });
  }
  await rememberSecureValues(run, secureValues, run.observed.version);
  await announce(run, differences, drift, verdict);
  return undefined;
};

/**
 * After a write: the record describes what Azure now holds. Written after the PUT, never ahead
 * of it: a record ahead of a failed PUT would claim values Azure does not have, and the diff
 * would never send them. A lost record costs one more PUT, no more.
 */
async function rememberSecureValues(
  run: WorkflowRun,
  values: SecureValues | undefined,
  workflowVersion: string | undefined,
): Promise<void> {
  const records = run.deps.records;
  const record = records.read(SECURE_RECORD, run.namespace, run.name);
  if (!values) {
    if (record) await records.remove(SECURE_RECORD, run.namespace, run.name);
    return;
  }
  if (recordHolds(record, values, workflowVersion)) return;
  const { uid } = run.object.metadata;
  await records.write(
    SECURE_RECORD,
    { namespace: run.namespace, name: run.name, ...(uid ? { uid } : {}) },
    sealSecureValues(values, workflowVersion),
  );
}

/** The object is going: nothing is left to compare against. */
export async function forgetSecureValues(run: WorkflowRun): Promise<void> {
  if (run.deps.records.read(SECURE_RECORD, run.namespace, run.name) === undefined) return;
  await run.deps.records.remove(SECURE_RECORD, run.namespace, run.name);
}

/**
 * Drift, not a spec change: this generation was already Ready and what we would write is what
 * we last wrote (when this process remembers it) — so Azure changed, not the spec or its inputs.
 * Secure values count only when Azure shows someone else wrote the workflow: values that merely
 * differ from the record changed in the spec, and values without a record were never compared.
 */
function isDrift(run: WorkflowRun, differences: WorkflowField[], verdict: SecureValuesVerdict): boolean {
  const seen = differences.filter((field) => field !== 'secureParameters' || verdict === 'writtenElsewhere');
  if (seen.length === 0) return false;
  const ready = run.object.status?.conditions?.find((c) => c.type === 'Ready');
  const readyNow = ready?.status === 'True' && run.object.status?.observedGeneration === run.generation;
  if (!readyNow) return false;
  return run.lastWrittenDigest === undefined || run.lastWrittenDigest === desiredDigest(run.desired);
}

/** Field names for people; never a value. */
function describe(differences: WorkflowField[], verdict: SecureValuesVerdict): string {
  return differences
    .map((field) => (field === 'secureParameters' ? `secure parameters (${SECURE_REASONS[verdict]})` : field))
    .join(', ');
}

const SECURE_REASONS: Readonly<Record<SecureValuesVerdict, string>> = {
  unchanged: 'unchanged',
  changed: 'changed in the spec or in a Secret they come from',
  unrecorded: 'Azure does not return them and logicops has no record of writing them',
  writtenElsewhere: 'the workflow was written outside logicops since, and Azure does not return them',
};

async function announce(
  run: WorkflowRun,
  differences: WorkflowField[] | undefined,
  drift: boolean,
  verdict: SecureValuesVerdict,
) {
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
      `Restored ${describe(differences, verdict)} of ${target}, changed outside logicops.`,
    );
  } else {
    run.logger.info({ workflow: run.ref, fields: differences }, 'Updated Azure workflow');
    await run.deps.events.record(
      run.object,
      'Normal',
      'Updated',
      'Update',
      `Updated ${describe(differences, verdict)} of ${target}.`,
    );
  }
}
