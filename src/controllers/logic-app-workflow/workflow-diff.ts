// Diff before write (docs/design.md guarantee 7): which parts of the desired workflow Azure does not
// hold. An empty list means in sync and no PUT. Only field names are returned — values (a
// parameter may be sensitive) never leave this function.
import { type DesiredWorkflow, type ObservedWorkflow, sameResourceId } from '../../azure/index.ts';

export type WorkflowField = 'location' | 'tags' | 'identity' | 'state' | 'definition' | 'parameters';

export function workflowDifferences(desired: DesiredWorkflow, observed: ObservedWorkflow): WorkflowField[] {
  const differences: WorkflowField[] = [];
  if (normalizeLocation(desired.location) !== normalizeLocation(observed.location))
    differences.push('location');
  if (!sameJson(desired.tags, observed.tags)) differences.push('tags');
  if (!sameIdentity(desired.identity, observed.identity)) differences.push('identity');
  if ((observed.state ?? '').toLowerCase() !== desired.state.toLowerCase()) differences.push('state');
  if (!sameJson(desired.definition, observed.definition ?? {})) differences.push('definition');
  if (!sameParameters(desired.parameters, observed.parameters)) differences.push('parameters');
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

/** Values are compared; Azure may add `type`/`metadata` to a parameter, which is not drift. */
function sameParameters(
  desired: DesiredWorkflow['parameters'],
  observed: ObservedWorkflow['parameters'],
): boolean {
  const names = Object.keys(desired);
  if (names.length !== Object.keys(observed).length) return false;
  return names.every((name) => name in observed && sameJson(desired[name]?.value, observed[name]?.value));
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
