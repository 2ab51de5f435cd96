// Steps: the callback URL of the workflow's Request trigger, kept in a Secret of its namespace
// (spec.callbackUrl; callback-url/ holds the parts). Two steps, because the trigger is judged
// before anything is written to Azure and the URL can only be asked for once Azure holds the
// definition:
//
//   checkCallbackTrigger (after the definition is resolved): which Request trigger; none or
//     several → InvalidSpec, nothing written.
//   publishCallbackUrl (after the workflow is written): a Secret the spec no longer names is
//     deleted (if ours); a Secret of the name that is not ours → Stalled AlreadyOwned; a rotation
//     that is due (annotation or rotateEvery) → regenerateAccessKey(Primary); then
//     listCallbackUrl, and the Secret is created or rewritten when it differs. So after a
//     rotation the Secret holds the new URL within the same reconcile.
//
// The URL is never logged, put in status, an Event or a metric: only the Secret's name and key.
import { Reason } from '../../../crds/index.ts';
import { isApiError } from '../../../runtime/index.ts';
import { ROTATE_ACCESS_KEY_ANNOTATION } from '../../../vocabulary.ts';
import type { Outcome } from '../../shared/frame/outcome.ts';
import {
  deleteCallbackSecret,
  readCallbackSecret,
  writeCallbackSecret,
} from '../callback-url/callback-secret.ts';
import { callbackTriggerOf } from '../callback-url/request-trigger.ts';
import { handledRequestValue, type RotationCause, rotationDue } from '../callback-url/rotation.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { secretRightsRemedy } from '../secret-rights.ts';

export const CALLBACK_URL_WRITTEN_REASON = 'CallbackUrlWritten';
export const ACCESS_KEY_ROTATED_REASON = 'AccessKeyRotated';

export const checkCallbackTrigger: Step = async (run) => {
  const spec = run.spec.callbackUrl;
  if (!spec) return undefined;
  const found = callbackTriggerOf(run.definition ?? {}, spec);
  if ('problem' in found) return { kind: 'invalid', message: found.problem };
  run.callbackTrigger = found.trigger;
  return undefined;
};

export const publishCallbackUrl: Step = async (run) => {
  const spec = run.spec.callbackUrl;
  const reported = run.object.status?.callbackUrl;
  if (!spec) {
    // No longer asked for: the Secret logicops kept goes (if it is still ours).
    if (reported?.secretName) await removeSecret(run, reported.secretName);
    run.status.callbackUrl = null;
    return undefined;
  }
  if (reported?.secretName && reported.secretName !== spec.secretName) {
    await removeSecret(run, reported.secretName);
  }
  const kube = run.deps.kube;
  let state: Awaited<ReturnType<typeof readCallbackSecret>>;
  try {
    state = await readCallbackSecret(kube, run.object, spec.secretName);
  } catch (error) {
    if (isApiError(error, 403)) return secretsForbidden(run);
    throw error;
  }
  if (state.kind === 'foreign') {
    return {
      kind: 'stalled',
      reason: Reason.AlreadyOwned,
      message: `Secret ${run.namespace}/${spec.secretName} exists and is not owned by this LogicAppWorkflow: logicops never overwrites it. Name another Secret in spec.callbackUrl.secretName, or delete that Secret if it is not needed.`,
    };
  }

  const now = new Date(run.context.clock.now());
  const trigger = run.callbackTrigger ?? '';
  const annotation = run.object.metadata.annotations?.[ROTATE_ACCESS_KEY_ANNOTATION];
  const due = rotationDue({ spec, status: reported, annotation, now });
  // A new Secret starts the count; a rotation restarts it. Otherwise the count goes on.
  let lastRotationTime = reported?.lastRotationTime ?? now.toISOString();
  let lastHandledRotateRequest = reported?.lastHandledRotateRequest;
  // Paused: nothing changes in Azure, so a due rotation waits (the URL is still kept current).
  const rotate = due !== undefined && !run.paused;
  if (rotate) {
    await run.gateways.workflowCallbacks.regenerateAccessKey(run.ref, 'Primary', { signal: run.signal });
    lastRotationTime = now.toISOString();
    if (due.by === 'annotation') lastHandledRotateRequest = handledRequestValue(due.request);
    // In the draft at once: should listing or the Secret write fail now, the rotation is not repeated.
    run.status.callbackUrl = status(spec.secretName, trigger, lastRotationTime, lastHandledRotateRequest);
  }

  const url = await run.gateways.workflowCallbacks.triggerCallbackUrl(run.ref, trigger, {
    signal: run.signal,
  });
  let written: Awaited<ReturnType<typeof writeCallbackSecret>>;
  try {
    written = await writeCallbackSecret(kube, run.object, spec.secretName, state, spec.secretKey, url);
  } catch (error) {
    if (isApiError(error, 403)) return secretsForbidden(run);
    throw error;
  }
  run.status.callbackUrl = status(spec.secretName, trigger, lastRotationTime, lastHandledRotateRequest);
  if (rotate) await announceRotation(run, due, spec.secretName);
  else if (written !== 'unchanged') {
    run.logger.info(
      { secret: spec.secretName, key: spec.secretKey, written },
      'Wrote the callback URL Secret',
    );
    await run.deps.events.record(
      run.object,
      'Normal',
      CALLBACK_URL_WRITTEN_REASON,
      'CallbackUrl',
      `Secret ${run.namespace}/${spec.secretName} (key ${spec.secretKey}) ${written === 'created' ? 'was created with' : 'now holds'} the callback URL of trigger '${trigger}'.`,
    );
  }
  return undefined;
};

/**
 * The operator's RBAC has no Secret rights in this namespace: the chart grants them only where
 * workflowSecrets.namespaces (default: the watched namespaces) says, never cluster-wide.
 */
function secretsForbidden(run: WorkflowRun): Outcome {
  return {
    kind: 'stalled',
    reason: Reason.AuthorizationFailed,
    message: `logicops may not read or write Secrets in namespace ${run.namespace}, where spec.callbackUrl keeps the callback URL: ${secretRightsRemedy(run.namespace)}`,
  };
}

function status(
  secretName: string,
  trigger: string,
  lastRotationTime: string,
  lastHandledRotateRequest?: string,
) {
  return {
    secretName,
    trigger,
    lastRotationTime,
    ...(lastHandledRotateRequest === undefined ? {} : { lastHandledRotateRequest }),
  };
}

async function announceRotation(run: WorkflowRun, due: RotationCause, secretName: string): Promise<void> {
  const why =
    due.by === 'annotation' ? `${ROTATE_ACCESS_KEY_ANNOTATION} was set` : `rotateEvery is ${due.every}`;
  run.logger.info(
    { workflow: run.ref, secret: secretName, by: due.by },
    'Regenerated the workflow access key',
  );
  await run.deps.events.record(
    run.object,
    'Normal',
    ACCESS_KEY_ROTATED_REASON,
    'CallbackUrl',
    `Regenerated the primary access key of Azure workflow ${run.spec.resourceGroup}/${run.ref.name} (${why}): the old callback URL no longer works; Secret ${run.namespace}/${secretName} holds the new one.`,
  );
}

async function removeSecret(run: WorkflowRun, name: string): Promise<void> {
  try {
    if (await deleteCallbackSecret(run.deps.kube, run.object, name)) {
      run.logger.info({ secret: name }, 'Deleted the callback URL Secret');
    }
  } catch (error) {
    // No Secret rights here (any more): logicops cannot have written one since, and one written
    // before carries its ownerReference, so a cluster's garbage collector removes it with the
    // workflow. Holding the finalizer for it would make the workflow undeletable.
    if (!isApiError(error, 403)) throw error;
    run.logger.warn(
      { secret: name },
      'Not allowed to read or delete the callback URL Secret; left to the garbage collector (its ownerReference)',
    );
  }
}

/** The object is going: its callback-URL Secret goes with it (the envtest API server has no garbage collector). */
export async function deleteCallbackSecrets(run: WorkflowRun): Promise<void> {
  const names = new Set(
    [run.spec.callbackUrl?.secretName, run.object.status?.callbackUrl?.secretName].filter(
      (name): name is string => name !== undefined,
    ),
  );
  for (const name of names) await removeSecret(run, name);
}
