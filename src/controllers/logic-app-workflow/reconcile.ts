// The reconcile frame of a LogicAppWorkflow (style-anchors §5 pattern 4): names Azure refuses
// stop it first (InvalidSpec, no Azure call), then the finalizer, then the ordered steps; one
// status write at the end, whatever happened.
//
//   apply:   size limits → namespace policy → read → ownership → quota (create only) →
//            definition → secret URIs → parameter values (wait, never send what Azure refuses) →
//            write (diff, PUT only when different) → run-history report → identity
//   cleanup: orphan? → wait for bindings → hold while paused → outside the policy? → delete in
//            Azure (only what carries this object's owner tag) → withdraw the vouched identity
//            and forget the secure values written
import { type LogicAppWorkflow, type LogicAppWorkflowStatus, Reason } from '../../crds/index.ts';
import {
  done,
  hasFinalizer,
  LOGICOPS_FINALIZER,
  type ReconcileContext,
  type ReconcileFn,
  type ReconcileResult,
  requeueAfter,
  StatusPatcher,
  systemClock,
  TerminalError,
  withFinalizer,
} from '../../runtime/index.ts';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../resource-kinds.ts';
import { workflowSpecNameProblem } from '../shared/spec-names.ts';
import { reconcileRequestOf } from './annotations.ts';
import { ConfigMapDefinitions } from './config-map-definitions.ts';
import { type LogicAppWorkflowControllerDeps, runSteps, type Step, WorkflowRun } from './context.ts';
import { desiredDigest } from './desired-digest.ts';
import { decideOnError } from './reconcile-errors.ts';
import { leanWorkflow } from './spec-limits.ts';
import { applyStatusDraft } from './status.ts';
import {
  deleteWorkflow,
  holdWhilePaused,
  leaveOutsidePolicy,
  orphanIfAsked,
  waitForBindings,
} from './steps/cleanup.ts';
import { resolveDefinition } from './steps/definition.ts';
import { recordIdentity } from './steps/identity.ts';
import { checkNamespacePolicy } from './steps/namespace-policy.ts';
import { checkOwnership } from './steps/ownership.ts';
import { awaitParameterValues } from './steps/parameter-values.ts';
import { checkQuota } from './steps/quota.ts';
import { readWorkflow } from './steps/read-workflow.ts';
import { reportRunHistory } from './steps/report-run-history.ts';
import { resolveSecretUris } from './steps/secret-uris.ts';
import { checkSpecLimits } from './steps/spec-limits.ts';
import { forgetSecureValues, writeWorkflow } from './steps/write-workflow.ts';
import { VaultUris } from './vault-uris.ts';
import { withdrawIdentity } from './vouched-identity.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS, WorkflowCounts } from './workflow-counts.ts';

export const APPLY_STEPS: readonly Step[] = [
  checkSpecLimits,
  checkNamespacePolicy,
  readWorkflow,
  checkOwnership,
  checkQuota,
  resolveDefinition,
  resolveSecretUris,
  awaitParameterValues,
  writeWorkflow,
  reportRunHistory,
  recordIdentity,
];

export const CLEANUP_STEPS: readonly Step[] = [
  orphanIfAsked,
  waitForBindings,
  holdWhilePaused,
  leaveOutsidePolicy,
  deleteWorkflow,
];

export function createLogicAppWorkflowReconciler(
  deps: LogicAppWorkflowControllerDeps,
): ReconcileFn<LogicAppWorkflow> {
  const patcher = new StatusPatcher(deps.kube);
  /** The digest of the desired workflow last written or confirmed per key: tells drift (Azure changed) from a spec or input change. */
  const lastWritten = new Map<string, string>();
  const vaultUris = new VaultUris(deps.clock ?? systemClock, deps.settings.vaultUriTtlMs ?? 0);
  const configMapDefinitions = new ConfigMapDefinitions(deps);
  const workflowCounts = new WorkflowCounts(
    deps.clock ?? systemClock,
    deps.settings.quotaListTtlMs ?? DEFAULT_QUOTA_LIST_TTL_MS,
  );

  return async (workflow: LogicAppWorkflow, context: ReconcileContext): Promise<ReconcileResult> => {
    const run = new WorkflowRun(deps, workflow, context, lastWritten.get(context.key));
    run.workflowCounts = workflowCounts;
    run.vaultUris = vaultUris;
    run.configMapDefinitions = configMapDefinitions;
    const deleting = Boolean(workflow.metadata.deletionTimestamp);
    let objectGone = false;
    try {
      refuseNamesAzureRefuses(workflow, deleting);
      return await withFinalizer(deps.kube, LOGIC_APP_WORKFLOW_RESOURCE, workflow, LOGICOPS_FINALIZER, {
        apply: async (stored) => {
          // Adding the finalizer returns the object as the API server holds it, whole: lean it
          // as the cache does, so an oversized definition stays out of this reconcile too.
          run.object = stored === workflow ? stored : leanWorkflow(stored);
          const stop = await runSteps(run, APPLY_STEPS);
          if (stop) {
            run.status.outcome = stop.outcome;
            return stop.result;
          }
          if (run.desired && !run.paused) lastWritten.set(context.key, desiredDigest(run.desired));
          run.status.outcome = {
            kind: 'ready',
            message: run.paused ? 'Paused; Azure matches the spec.' : '',
          };
          return done();
        },
        cleanup: async () => {
          const stop = await runSteps(run, CLEANUP_STEPS);
          if (!stop) throw new Error('cleanup steps ended without an outcome');
          run.status.outcome = stop.outcome;
          // Done means the finalizer goes and the object with it: there is no status to write,
          // and no principal left to vouch for (before the finalizer goes: a failed withdrawal keeps it).
          if (stop.result.type === 'done') {
            await withdrawIdentity(run);
            await forgetSecureValues(run);
            objectGone = true;
            lastWritten.delete(context.key);
          }
          return stop.result;
        },
      });
    } catch (error) {
      const decision = decideOnError(error, deleting);
      run.status.outcome = decision.outcome;
      if (decision.outcome.kind === 'stalled') {
        await deps.events.record(
          run.object,
          'Warning',
          decision.outcome.reason,
          'Reconcile',
          decision.outcome.message,
        );
      }
      if (decision.type === 'requeue') return requeueAfter(decision.delayMs);
      throw decision.error;
    } finally {
      if (!objectGone) await writeStatus(patcher, run);
    }
  };
}

/**
 * Before the finalizer and before any step: a name Azure refuses never becomes a URL. The
 * object gets no finalizer; one that already has it (an older release added it) keeps it
 * through deletion, since logicops cannot tell from here what Azure holds for it.
 */
function refuseNamesAzureRefuses(workflow: LogicAppWorkflow, deleting: boolean): void {
  if (deleting && !hasFinalizer(workflow, LOGICOPS_FINALIZER)) return;
  const problem = workflowSpecNameProblem(workflow);
  if (!problem) return;
  throw new TerminalError(
    Reason.InvalidSpec,
    deleting
      ? `${problem} The finalizer stays: if Azure holds nothing for this object, remove it by hand (docs/operations.md, "Clearing a stuck finalizer").`
      : problem,
  );
}

async function writeStatus(patcher: StatusPatcher, run: WorkflowRun) {
  const { observed } = run;
  if (observed) {
    run.status.observed = {
      resourceId: observed.id,
      provisioningState: observed.provisioningState,
      accessEndpoint: observed.accessEndpoint,
    };
  }
  run.status.reconcileRequest = reconcileRequestOf(run.object);
  await patcher.patch<LogicAppWorkflowStatus, LogicAppWorkflow>(
    LOGIC_APP_WORKFLOW_RESOURCE,
    run.object,
    (status) => applyStatusDraft(status, run.status, run.generation, run.context.clock),
  );
}
