// The LogicAppWorkflow controller's public surface, for the wiring.

export { PAUSED_ANNOTATION, RECONCILE_REQUEST_ANNOTATION } from '../../vocabulary.ts';
export {
  DEFAULT_WAIT_POLL_MS,
  type LogicAppWorkflowControllerDeps,
  type LogicAppWorkflowControllerSettings,
} from './context.ts';
export { createLogicAppWorkflowController, LOGIC_APP_WORKFLOW_CONTROLLER } from './controller.ts';
export { DEFAULT_WORKFLOW_QUOTA, type WorkflowQuotaLimits } from './quota.ts';
