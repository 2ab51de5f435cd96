// The LogicAppConnection kind in the reconcile frame (controllers/shared/frame/reconcile-frame.ts).
//
//   spec:    the Azure name, then the connector's managed-identity parameters → InvalidSpec
//            before anything else (no finalizer, no Azure call)
//   apply:   namespace policy (the resource group, as a workflow's) → actor → read and
//            ownership (another owner's or an untagged connection: AlreadyOwned, no write) →
//            PUT only when missing or different (0 writes at steady state) → Connected
//   cleanup: Orphan: Azure untouched; wait while a workflow names it in spec.connections;
//            outside the policy: left in place; Delete: only a
//            connection carrying this object's owner tag is deleted.
import type { LogicAppConnection, LogicAppConnectionStatus } from '../../crds/index.ts';
import type { ReconcileFn } from '../../runtime/index.ts';
import { LOGIC_APP_CONNECTION_RESOURCE } from '../resource-kinds.ts';
import { reconcileWithFrame } from '../shared/frame/reconcile-frame.ts';
import { actingAs } from '../shared/namespace-actors.ts';
import { ConnectionRun, type ConnectionShared, type Step } from './context.ts';
import { connectionSpecProblem } from './spec-problem.ts';
import { projectConnectionStatus } from './status.ts';
import { resolveAzureActor } from './steps/azure-actor.ts';
import {
  deleteConnection,
  leaveOutsidePolicy,
  orphanIfAsked,
  waitForWorkflowsUsingIt,
} from './steps/cleanup.ts';
import { checkNamespacePolicy } from './steps/namespace-policy.ts';
import { readConnection } from './steps/read-connection.ts';
import { requireConnected } from './steps/require-connected.ts';
import { writeConnection } from './steps/write-connection.ts';

const APPLY_STEPS: readonly Step[] = [
  checkNamespacePolicy,
  resolveAzureActor,
  readConnection,
  writeConnection,
  requireConnected,
];

const CLEANUP_STEPS: readonly Step[] = [
  orphanIfAsked,
  waitForWorkflowsUsingIt,
  leaveOutsidePolicy,
  deleteConnection,
];

/** A repaired drift is worth an Event: someone changed (or deleted) the connection in Azure. */
async function announceRepair(run: ConnectionRun): Promise<void> {
  if (run.repaired.length === 0) return;
  const [first] = run.repaired;
  if (first === 'created') {
    await run.event('Normal', 'Created', 'Create', `Created Azure API connection ${run.observed?.id ?? ''}.`);
    return;
  }
  await run.event(
    'Normal',
    'Updated',
    'Update',
    `Updated Azure API connection ${run.observed?.id ?? ''}: ${run.repaired.join(', ')} differed from the spec.`,
  );
}

export function createConnectionReconciler(shared: ConnectionShared): ReconcileFn<LogicAppConnection> {
  return reconcileWithFrame<LogicAppConnection, LogicAppConnectionStatus, ConnectionRun>({
    resource: LOGIC_APP_CONNECTION_RESOURCE,
    kube: shared.kube,
    patcher: shared.patcher,
    events: shared.events,
    clock: shared.clock,
    startPass: (object, context) => new ConnectionRun(shared, object, context),
    specProblem: (object, deleting) => (deleting ? undefined : connectionSpecProblem(object)),
    apply: APPLY_STEPS,
    cleanup: CLEANUP_STEPS,
    errorFacts: (run) => ({ actingAs: actingAs(run.actor) }),
    project: (status, run) => projectConnectionStatus(status, run),
    announce: announceRepair,
  });
}
