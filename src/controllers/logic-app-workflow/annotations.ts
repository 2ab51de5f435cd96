// The annotations a LogicAppWorkflow understands (docs/design.md guarantee 7).
import type { LogicAppWorkflow } from '../../crds/index.ts';
import { PAUSED_ANNOTATION, RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';

export function isPaused(workflow: Readonly<LogicAppWorkflow>): boolean {
  return workflow.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
}

export function reconcileRequestOf(workflow: Readonly<LogicAppWorkflow>): string | undefined {
  return workflow.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
}
