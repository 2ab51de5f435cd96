// The logicops API: what controllers, the CLI, docs and tests import.
export * from './api-group.ts';
export * from './azure-formats.ts';
export * from './common-types.ts';
export * from './conditions.ts';
export {
  logicAppConnectionCrd,
  MAX_CONNECTION_DISPLAY_NAME,
  MAX_CONNECTION_PARAMETER_NAME,
  MAX_CONNECTION_PARAMETER_VALUE,
  MAX_CONNECTION_PARAMETERS,
} from './logic-app-connection/schema.ts';
export * from './logic-app-connection/types.ts';
export * from './logic-app-workflow/limits.ts';
export { MAX_TRIGGERS, RUN_STATUS_LIMITS } from './logic-app-workflow/run-status-schema.ts';
export {
  logicAppWorkflowCrd,
  MAX_PARAMETERS,
  MAX_RUN_HISTORY_EXPOSURES,
  MAX_STATUS_IP_ADDRESSES,
  MAX_TAGS,
  RUN_HISTORY_EXPOSURE_LIMITS,
} from './logic-app-workflow/schema.ts';
export * from './logic-app-workflow/types.ts';
export { vaultSecretBindingCrd } from './vault-secret-binding/schema.ts';
export * from './vault-secret-binding/types.ts';
export { workflowRoleAssignmentCrd } from './workflow-role-assignment/schema.ts';
export * from './workflow-role-assignment/types.ts';

import { logicAppConnectionCrd } from './logic-app-connection/schema.ts';
import { logicAppWorkflowCrd } from './logic-app-workflow/schema.ts';
import type { CustomResourceDefinitionManifest } from './schema/json-schema.ts';
import { vaultSecretBindingCrd } from './vault-secret-binding/schema.ts';
import { workflowRoleAssignmentCrd } from './workflow-role-assignment/schema.ts';

export type { CustomResourceDefinitionManifest } from './schema/json-schema.ts';

/** Every CRD logicops serves, in install order. */
export function allCrds(): CustomResourceDefinitionManifest[] {
  return [
    logicAppWorkflowCrd(),
    vaultSecretBindingCrd(),
    workflowRoleAssignmentCrd(),
    logicAppConnectionCrd(),
  ];
}
