// Diff before write (docs/design.md guarantee 7): which parts of the desired workflow Azure does not
// hold. An empty list means in sync and no PUT. Only field names are returned — values (a
// parameter may be sensitive) never leave this function. What Azure does not hand back as sent
// is compared for its meaning (definition-round-trip.ts), and what it does not hand back at all
// — secure values — through the record of what logicops last wrote (secure-values.ts).
// Properties logicops does not manage are not compared at all (preserved-properties.ts).
import { type DesiredWorkflow, type ObservedWorkflow, sameResourceId } from '../../azure/index.ts';
import { sameAccessControl } from './access-control.ts';
import { comparableDefinitions } from './definition-round-trip.ts';
import { secureParameterNames } from './secure-values.ts';

/** `secureParameters`: values Azure withholds, which are not (known to be) the ones logicops wrote. */
export type WorkflowField =
  | 'location'
  | 'tags'
  | 'identity'
  | 'state'
  | 'definition'
  | 'parameters'
  | 'secureParameters'
  | 'accessControl';

export interface DiffOptions {
  /** The secure values are the ones logicops last wrote, and nobody wrote the workflow since. */
  secureValuesWritten?: boolean;
}

export function workflowDifferences(
  desired: DesiredWorkflow,
  observed: ObservedWorkflow,
  options: DiffOptions = {},
): WorkflowField[] {
  const differences: WorkflowField[] = [];
  if (normalizeLocation(desired.location) !== normalizeLocation(observed.location))
    differences.push('location');
  if (!sameJson(desired.tags, observed.tags)) differences.push('tags');
  if (!sameIdentity(desired.identity, observed.identity)) differences.push('identity');
  if ((observed.state ?? '').toLowerCase() !== desired.state.toLowerCase()) differences.push('state');
  const definitions = comparableDefinitions(desired.definition, observed.definition ?? {});
  if (!sameJson(definitions.desired, definitions.observed)) differences.push('definition');
  const secure = secureParameterNames(desired.definition);
  const parameters = compareParameters(desired.parameters, observed.parameters, secure);
  if (parameters.different) differences.push('parameters');
  const withheld = parameters.withheld || definitions.withheldDefaults;
  if (withheld && !options.secureValuesWritten) differences.push('secureParameters');
  // Compared only when managed; otherwise carried over as read (preserved-properties.ts).
  if (desired.accessControl && !sameAccessControl(desired.accessControl, observed.accessControl))
    differences.push('accessControl');
  return differences;
}

/** ARM echoes `West Europe` or `westeurope`; both are one region. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

function sameIdentity(desired: DesiredWorkflow['identity'], observed: ObservedWorkflow['identity']): boolean {
  if (desired.type.toLowerCase() !== (observed.type ?? 'None').toLowerCase()) return false;
  if (desired.type !== 'UserAssigned') return true;
  return (
    desired.userAssignedIdentityId !== undefined &&
    observed.userAssignedIdentityId !== undefined &&
    sameResourceId(desired.userAssignedIdentityId, observed.userAssignedIdentityId)
  );
}

/**
 * Values are compared; Azure may add `type`/`metadata` to a parameter, which is not drift. A
 * secure parameter's value is compared only when Azure shows one; otherwise it is withheld.
 */
function compareParameters(
  desired: DesiredWorkflow['parameters'],
  observed: ObservedWorkflow['parameters'],
  secure: ReadonlySet<string>,
): { different: boolean; withheld: boolean } {
  let withheld = false;
  let different = Object.keys(observed).some((name) => !(name in desired));
  for (const [name, parameter] of Object.entries(desired)) {
    const shown = observed[name];
    if (secure.has(name) && shown?.value === undefined) withheld = true;
    else if (!shown || !sameJson(parameter.value, shown.value)) different = true;
  }
  return { different, withheld };
}

/** Deep equality that ignores object key order (JSON objects are unordered). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameJson(item, b[index]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => sameJson(left[key], right[key]));
}
