// Every spec value that becomes part of an ARM URL, checked against Azure's naming rules before
// a reconcile does anything. Admission enforces the same rules (src/crds/azure-formats.ts), but
// an object can slip past it: a CRD installed by an older release, or validation turned off.
// Such an object is Stalled with InvalidSpec naming the field and Azure's rule, and causes no
// Azure request at all (the gateways check again, for values that do not come from spec).
import {
  checkName,
  isInvalidAzureNameError,
  parseResourceId,
  USER_ASSIGNED_IDENTITY_TYPE,
  VAULT_TYPE,
} from '../../azure/index.ts';
import {
  LOCATION,
  type LogicAppWorkflow,
  RESOURCE_GROUP_NAME,
  SECRET_NAME,
  SUBSCRIPTION_ID,
  type VaultSecretBinding,
  WORKFLOW_NAME,
} from '../../crds/index.ts';

const NOTHING_SENT = 'logicops sends nothing to Azure for this object until the field is corrected.';

/** Runs `check`; an InvalidAzureNameError becomes a message that starts with the field. */
function problemOf(field: string, check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!isInvalidAzureNameError(error)) throw error;
    return `${field}: ${error.message}. ${NOTHING_SENT}`;
  }
}

function firstProblem(checks: Array<[field: string, check: () => void]>): string | undefined {
  for (const [field, check] of checks) {
    const problem = problemOf(field, check);
    if (problem) return problem;
  }
  return undefined;
}

/** The first URL-bound field of a LogicAppWorkflow that Azure would refuse, as a message. */
export function workflowSpecNameProblem(workflow: LogicAppWorkflow): string | undefined {
  const spec = workflow.spec;
  const nameField =
    spec.azureName === undefined
      ? 'metadata.name (the Azure workflow name while spec.azureName is unset)'
      : 'spec.azureName';
  const checks: Array<[string, () => void]> = [
    ['spec.subscriptionId', () => checkName(SUBSCRIPTION_ID, 'subscription id', spec.subscriptionId)],
    ['spec.resourceGroup', () => checkName(RESOURCE_GROUP_NAME, 'resource group name', spec.resourceGroup)],
    [nameField, () => checkName(WORKFLOW_NAME, 'workflow name', spec.azureName ?? workflow.metadata.name)],
    ['spec.location', () => checkName(LOCATION, 'location', spec.location)],
  ];
  if (spec.identity?.type === 'UserAssigned') {
    checks.push([
      'spec.identity.userAssignedIdentityId',
      () => parseResourceId(spec.identity.userAssignedIdentityId ?? '', USER_ASSIGNED_IDENTITY_TYPE),
    ]);
  }
  return firstProblem(checks);
}

/** The first URL-bound field of a VaultSecretBinding that Azure would refuse, as a message. */
export function bindingSpecNameProblem(binding: VaultSecretBinding): string | undefined {
  return firstProblem([
    ['spec.vaultId', () => parseResourceId(binding.spec.vaultId, VAULT_TYPE)],
    ['spec.secretName', () => checkName(SECRET_NAME, 'secret name', binding.spec.secretName)],
  ]);
}
