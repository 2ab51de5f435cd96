// The LogicAppWorkflow kind in the reconcile frame (controllers/shared/frame/reconcile-frame.ts):
// its steps, its status projection and its per-pass state. A name Azure refuses stops it first
// (InvalidSpec, no Azure call); the frame owns the finalizer, the outcome and the status write.
//
//   apply:   size limits → namespace policy → read → ownership → quota (create only) →
//            definition → callback trigger (which Request trigger, if spec.callbackUrl) → secret
//            URIs → parameters from Secrets → $connections (spec.connections) → parameter values (wait, never send what Azure
//            refuses) → write (diff, PUT only when different) → run-history report → runs report
//            (when due: last run, triggers, failed-run Events) → callback URL (rotate if due,
//            list, Secret) → identity → ready
//   cleanup: orphan? → wait for bindings → hold while paused → outside the policy? → delete in
//            Azure (only what carries this object's owner tag); once released, delete the
//            callback-URL Secret, withdraw the vouched identity and forget the secure values written
import type { LogicAppWorkflow, LogicAppWorkflowStatus } from '../../crds/index.ts';
import { DEFAULT_RESYNC, type ReconcileFn, StatusPatcher, systemClock } from '../../runtime/index.ts';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../resource-kinds.ts';
import { reconcileWithFrame } from '../shared/frame/reconcile-frame.ts';
import { actingAs } from '../shared/namespace-actors.ts';
import { workflowSpecNameProblem } from '../shared/spec-names.ts';
import { reconcileRequestOf } from './annotations.ts';
import { ConfigMapDefinitions } from './config-map-definitions.ts';
import { type LogicAppWorkflowControllerDeps, type Step, WorkflowRun } from './context.ts';
import { desiredDigest } from './desired-digest.ts';
import { ipAddressesOf } from './ip-addresses.ts';
import { RunReports } from './run-reports.ts';
import { leanWorkflow } from './spec-limits.ts';
import { applyStatusDraft } from './status.ts';
import { resolveAzureActor } from './steps/azure-actor.ts';
import { checkCallbackTrigger, deleteCallbackSecrets, publishCallbackUrl } from './steps/callback-url.ts';
import {
  deleteWorkflow,
  holdWhilePaused,
  leaveOutsidePolicy,
  orphanIfAsked,
  waitForBindings,
} from './steps/cleanup.ts';
import { resolveConnections } from './steps/connections.ts';
import { resolveDefinition } from './steps/definition.ts';
import { recordIdentity } from './steps/identity.ts';
import { checkNamespacePolicy } from './steps/namespace-policy.ts';
import { checkOwnership } from './steps/ownership.ts';
import { resolveParameterSources } from './steps/parameter-sources.ts';
import { awaitParameterValues } from './steps/parameter-values.ts';
import { checkQuota } from './steps/quota.ts';
import { readWorkflow } from './steps/read-workflow.ts';
import { reportRunHistory } from './steps/report-run-history.ts';
import { reportRuns } from './steps/report-runs.ts';
import { resolveSecretUris } from './steps/secret-uris.ts';
import { checkSpecLimits } from './steps/spec-limits.ts';
import { forgetSecureValues, writeWorkflow } from './steps/write-workflow.ts';
import { VaultUris } from './vault-uris.ts';
import { withdrawIdentity } from './vouched-identity.ts';
import { DEFAULT_QUOTA_LIST_TTL_MS, WorkflowCounts } from './workflow-counts.ts';

/** The last step: Azure matches; remember what was written, to tell drift from spec changes next time. */
const concludeReady: Step = async (run) => {
  if (run.desired && !run.paused) run.writtenDigests.set(run.context.key, desiredDigest(run.desired));
  return { kind: 'ready', message: run.paused ? 'Paused; Azure matches the spec.' : '' };
};

export const APPLY_STEPS: readonly Step[] = [
  checkSpecLimits,
  checkNamespacePolicy,
  resolveAzureActor,
  readWorkflow,
  checkOwnership,
  checkQuota,
  resolveDefinition,
  checkCallbackTrigger,
  resolveSecretUris,
  resolveParameterSources,
  resolveConnections,
  awaitParameterValues,
  writeWorkflow,
  reportRunHistory,
  reportRuns,
  publishCallbackUrl,
  recordIdentity,
  concludeReady,
];

export const CLEANUP_STEPS: readonly Step[] = [
  orphanIfAsked,
  waitForBindings,
  holdWhilePaused,
  leaveOutsidePolicy,
  resolveAzureActor,
  deleteWorkflow,
];

export function createLogicAppWorkflowReconciler(
  deps: LogicAppWorkflowControllerDeps,
): ReconcileFn<LogicAppWorkflow> {
  const clock = deps.clock ?? systemClock;
  /** The digest of the desired workflow last written or confirmed per key: tells drift (Azure changed) from a spec or input change. */
  const writtenDigests = new Map<string, string>();
  const vaultUris = new VaultUris(clock, deps.settings.vaultUriTtlMs ?? 0);
  const configMapDefinitions = new ConfigMapDefinitions(deps);
  const workflowCounts = new WorkflowCounts(clock, deps.settings.quotaListTtlMs ?? DEFAULT_QUOTA_LIST_TTL_MS);
  const runReportIntervalMs =
    deps.settings.runReportIntervalMs ?? deps.settings.resync?.periodMs ?? DEFAULT_RESYNC.periodMs;
  const runReports = runReportIntervalMs > 0 ? new RunReports(clock, runReportIntervalMs) : undefined;

  return reconcileWithFrame<LogicAppWorkflow, LogicAppWorkflowStatus, WorkflowRun>({
    resource: LOGIC_APP_WORKFLOW_RESOURCE,
    kube: deps.kube,
    patcher: new StatusPatcher(deps.kube),
    events: deps.events,
    clock,
    startPass: (workflow, context) => {
      const run = new WorkflowRun(deps, workflow, context, writtenDigests);
      run.workflowCounts = workflowCounts;
      run.vaultUris = vaultUris;
      run.configMapDefinitions = configMapDefinitions;
      run.runReports = runReports;
      return run;
    },
    specProblem: (workflow, deleting) => {
      const problem = workflowSpecNameProblem(workflow);
      // An older release may have added the finalizer to such an object: it stays through
      // deletion, since logicops cannot tell from here what Azure holds for it.
      return problem && deleting
        ? `${problem} The finalizer stays: if Azure holds nothing for this object, remove it by hand (docs/operations.md, "Clearing a stuck finalizer").`
        : problem;
    },
    // Adding the finalizer returns the object as the API server holds it, whole: lean it as the
    // cache does, so an oversized definition stays out of this reconcile too.
    stored: leanWorkflow,
    apply: APPLY_STEPS,
    cleanup: CLEANUP_STEPS,
    errorFacts: (run) => ({ actingAs: actingAs(run.actor) }),
    // No principal is left to vouch for once the object goes (before the finalizer goes: a failed
    // withdrawal keeps it), no secure values to compare, and no callback URL to keep.
    onReleased: async (run) => {
      await deleteCallbackSecrets(run);
      await withdrawIdentity(run);
      await forgetSecureValues(run);
      writtenDigests.delete(run.context.key);
      runReports?.forget(run.context.key);
    },
    project: (status, run) => {
      const { observed } = run;
      if (observed) {
        run.status.observed = {
          resourceId: observed.id,
          provisioningState: observed.provisioningState,
          accessEndpoint: observed.accessEndpoint,
          ipAddresses: ipAddressesOf(observed),
        };
      }
      run.status.reconcileRequest = reconcileRequestOf(run.object);
      applyStatusDraft(status, run.status, run.generation, clock);
    },
  });
}
