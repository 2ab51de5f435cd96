// What is wrong with a LogicAppConnection's spec before any Azure call, as the frame's
// `specProblem`: a name Azure's rules refuse (it goes into the URL as it is), a location that is
// not a region name (it goes into the managed API's id), then parameters
// the connector's managed-identity set does not take, or lacks (src/azure/managed-connectors.ts).
// Either is InvalidSpec: no finalizer, no Azure call, a Warning Event naming the field.
import { checkConnectionRef, checkName, isInvalidAzureNameError } from '../../azure/index.ts';
import { managedIdentityParameterProblem } from '../../azure/managed-connectors.ts';
import { LOCATION, type LogicAppConnection, SUPPORTED_MANAGED_APIS } from '../../crds/index.ts';
import { connectionAzureName } from '../shared/connection-ids.ts';

const NOTHING_SENT = 'logicops sends nothing to Azure for this object until the field is corrected.';

export function connectionSpecProblem(object: LogicAppConnection): string | undefined {
  const { spec } = object;
  try {
    checkConnectionRef({
      subscriptionId: spec.subscriptionId,
      resourceGroup: spec.resourceGroup,
      name: connectionAzureName(object),
    });
    checkName(LOCATION, 'location', spec.location);
  } catch (error) {
    if (!isInvalidAzureNameError(error)) throw error;
    return `${fieldOf(error.what, spec.azureName === undefined)}: ${error.message}. ${NOTHING_SENT}`;
  }
  // Admission refuses these too; an object admitted by an older CRD must not reach Azure either.
  if (!(SUPPORTED_MANAGED_APIS as readonly string[]).includes(spec.api)) {
    return `spec.api: '${spec.api}' is not a supported managed connector; use one of ${SUPPORTED_MANAGED_APIS.join(', ')}. ${NOTHING_SENT}`;
  }
  const problem = managedIdentityParameterProblem(spec.api, spec.parameters);
  return problem ? `${problem}. ${NOTHING_SENT}` : undefined;
}

function fieldOf(what: string, nameFromMetadata: boolean): string {
  if (what === 'subscription id') return 'spec.subscriptionId';
  if (what === 'resource group name') return 'spec.resourceGroup';
  if (what === 'location') return 'spec.location';
  return nameFromMetadata ? 'metadata.name' : 'spec.azureName';
}
