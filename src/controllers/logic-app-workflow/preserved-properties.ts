// A PUT replaces the whole workflow: a writable property the PUT leaves out is gone. So for every
// writable property of Microsoft.Logic/workflows (azure-rest-api-specs, Microsoft.Logic/stable/
// 2019-05-01/logic.json, Workflow and WorkflowProperties) logicops decides whether it manages it
// (the spec says what Azure holds, and a change made elsewhere is restored) or preserves it
// (carried over from the last read into every PUT, never compared, so it costs no write). The
// table is docs/controllers/logic-app-workflow.md's "What a write keeps"; a test holds the two
// together. Read-only properties (provisioningState, createdTime, changedTime, version,
// accessEndpoint, sku) are never sent.
import type { ObservedWorkflow, PreservedWorkflowProperties } from '../../azure/index.ts';

export type PropertyDecision = 'managed' | 'preserved' | 'managed when set in the spec, else preserved';

export const WRITABLE_PROPERTY_DECISIONS: Readonly<Record<string, PropertyDecision>> = {
  location: 'managed',
  tags: 'managed',
  identity: 'managed',
  'properties.state': 'managed',
  'properties.definition': 'managed',
  'properties.parameters': 'managed',
  'properties.accessControl': 'managed when set in the spec, else preserved',
  'properties.integrationAccount': 'preserved',
  'properties.integrationServiceEnvironment': 'preserved',
  'properties.endpointsConfiguration': 'preserved',
};

/**
 * What the next PUT carries over from Azure's last answer. Undefined when there is nothing to
 * keep (a create, or nothing set outside logicops).
 */
export function preservedProperties(
  observed: ObservedWorkflow | undefined,
  options: { managesAccessControl: boolean },
): PreservedWorkflowProperties | undefined {
  if (!observed) return undefined;
  const preserved: PreservedWorkflowProperties = {};
  if (!options.managesAccessControl && observed.accessControl)
    preserved.accessControl = structuredClone(observed.accessControl);
  if (observed.integrationAccount) preserved.integrationAccount = { id: observed.integrationAccount.id };
  if (observed.integrationServiceEnvironment)
    preserved.integrationServiceEnvironment = { id: observed.integrationServiceEnvironment.id };
  if (observed.endpointsConfiguration)
    preserved.endpointsConfiguration = structuredClone(observed.endpointsConfiguration);
  return Object.keys(preserved).length > 0 ? preserved : undefined;
}
