// Azure refuses a workflow whose definition declares a parameter without a `defaultValue` when no
// value is given for it (400 InvalidTemplate, "The value for the workflow parameter '…' is not
// provided": Azure/LogicAppsUX #4404), and that 400 is a terminal InvalidSpec. A parameter a
// VaultSecretBinding fills is exactly that until the binding exists: a workflow applied before
// its binding would stall for good. So the values are checked before any write. Pure.
import type { WorkflowDefinition } from '../../crds/index.ts';

/** Parameters the definition declares without a default and `values` leaves without a value, in declaration order. */
export function parametersWithoutValue(
  definition: Readonly<WorkflowDefinition>,
  values: Readonly<Record<string, unknown>>,
): string[] {
  const declared = definition.parameters;
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return [];
  return Object.entries(declared)
    .filter(([, declaration]) => typeof declaration === 'object' && declaration !== null)
    .filter(([, declaration]) => !('defaultValue' in (declaration as object)))
    .filter(([name]) => values[name] === undefined)
    .map(([name]) => name);
}
