// The annotations a LogicAppWorkflow understands (docs/design.md guarantee 7).
import type { LogicAppWorkflow } from '../../crds/index.ts';

/** "true": observe only — reads, no writes to Azure. */
export const PAUSED_ANNOTATION = 'logicops.io/paused';
/** Any new value: reconcile now; echoed as status.lastHandledReconcileRequest. */
export const RECONCILE_REQUEST_ANNOTATION = 'logicops.io/reconcile-request';

export function isPaused(workflow: Readonly<LogicAppWorkflow>): boolean {
  return workflow.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
}

export function reconcileRequestOf(workflow: Readonly<LogicAppWorkflow>): string | undefined {
  return workflow.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
}
