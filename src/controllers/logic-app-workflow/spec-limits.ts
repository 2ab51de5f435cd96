// How large and how deep a workflow's definition and parameters may be (issue 20, item 5).
// Every workflow is held in the informer cache, and copied for each reconcile in flight, under
// a 128 MiB heap shared by every team: one team's oversized definitions must not crash-loop the
// operator for all. A definition nested thousands of levels deep must not reach anything that
// recurses (deepFreeze, structuredClone, the run-history walk): Node's stack ends first.
//
// Azure's own limits for a Consumption workflow ("Limits and configuration reference for Azure
// Logic Apps", Workflow definition limits:
// https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config#definition-limits):
// 500 actions per workflow, actions nested 8 deep, 8,192 characters per expression, 50
// parameters; and Azure Resource Manager's ("ARM template best practices", Template limits:
// https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices): 1 MB per
// resource definition. logicops' limits are at or below those:
//
// - bytes: 256 KiB of JSON for the definition, 64 KiB for the parameters: together under a third
//   of ARM's 1 MB for the whole resource;
// - values (objects, arrays, strings, numbers, booleans, nulls): 10,000 and 2,500. Bytes alone do
//   not bound the heap: 256 KiB of `{}` parses to ~5 MiB, 256 KiB of ordinary actions to
//   ~360 KiB. 500 actions of 20 values each fit;
// - depth 64: each level of nested actions takes at most 4 JSON levels (a Switch: cases → case →
//   actions → action), so an action at Azure's deepest level, the eighth, is an object 31 levels
//   deep (definition → actions → action first), which leaves its inputs 33.
//
// The 50 parameters are the CRD's own bound (maxProperties), and an expression is a string
// within the byte limit. The bench's figure for 50 workflows at these limits: docs/benchmark.md,
// "Bounded memory (issue 20)".
import {
  DEFINITION_LIMITS,
  type JsonLimits,
  type LogicAppWorkflow,
  PARAMETERS_LIMITS,
} from '../../crds/index.ts';
import { type JsonSize, measureJson } from '../shared/json-size.ts';
import { leanObject } from '../shared/lean-cache.ts';

// The numbers are part of the API (src/crds/logic-app-workflow/limits.ts); the reasons are here.
export { DEFINITION_LIMITS, type JsonLimits, PARAMETERS_LIMITS };

/** What a size breaks, as phrases for a message; empty when within the limits. */
export function limitBreaches(size: JsonSize, limits: Readonly<JsonLimits>): string[] {
  const breaches: string[] = [];
  if (size.bytes > limits.bytes) {
    breaches.push(`is ${count(size.bytes)} bytes of JSON (the limit is ${count(limits.bytes)})`);
  }
  if (size.values > limits.values) {
    breaches.push(`holds ${count(size.values)} JSON values (the limit is ${count(limits.values)})`);
  }
  if (size.depth > limits.depth) {
    breaches.push(`is nested ${count(size.depth)} levels deep (the limit is ${count(limits.depth)})`);
  }
  return breaches;
}

/** `what` followed by every limit broken, or undefined when none is. */
export function overLimitMessage(
  what: string,
  size: JsonSize,
  limits: Readonly<JsonLimits>,
): string | undefined {
  const breaches = limitBreaches(size, limits);
  return breaches.length === 0 ? undefined : `${what} ${breaches.join(', ')}`;
}

/**
 * Set on a cached workflow whose definition or parameters were over a limit and were left out
 * of the cache. Only this transform sets it: the API server prunes unknown top-level fields of
 * a custom resource, so no manifest can carry it.
 */
export const HELD_BACK = 'heldBack';
export interface HeldBackSpec {
  /** Why, with the measured sizes and the limits; becomes the InvalidSpec message. */
  message: string;
}
export type CachedWorkflow = LogicAppWorkflow & { [HELD_BACK]?: HeldBackSpec };

export function heldBackOf(workflow: Readonly<LogicAppWorkflow>): HeldBackSpec | undefined {
  return (workflow as Readonly<CachedWorkflow>)[HELD_BACK];
}

/**
 * The workflow informer's transform: leanObject, then spec.definition and spec.parameters
 * measured (without recursion); either one over a limit is replaced by nothing and the object
 * marked, so the cache holds a small object whatever the team wrote. The input is not changed.
 */
export function leanWorkflow(workflow: LogicAppWorkflow): LogicAppWorkflow {
  const lean = leanObject(workflow);
  const spec = lean.spec as LogicAppWorkflow['spec'] | undefined;
  if (!spec) return lean;
  const problems: string[] = [];
  const kept = { ...spec };
  if (spec.definition !== undefined) {
    const problem = overLimitMessage('spec.definition', measureJson(spec.definition), DEFINITION_LIMITS);
    if (problem) {
      problems.push(problem);
      delete kept.definition;
    }
  }
  if (spec.parameters !== undefined) {
    const problem = overLimitMessage('spec.parameters', measureJson(spec.parameters), PARAMETERS_LIMITS);
    if (problem) {
      problems.push(problem);
      delete kept.parameters;
    }
  }
  if (problems.length === 0) return lean;
  const heldBack: HeldBackSpec = {
    message: `${problems.join('; ')}. Make it smaller (Azure's own advice past its limits: split the workflow into nested workflows) and apply it again.`,
  };
  return { ...lean, spec: kept, [HELD_BACK]: heldBack } as CachedWorkflow;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
