// The size and nesting limits of a workflow's definition and parameters, and the informer
// transform that holds an oversized one back.
import { describe, expect, it } from 'vitest';
import {
  DEFINITION_LIMITS,
  HELD_BACK,
  heldBackOf,
  leanWorkflow,
  PARAMETERS_LIMITS,
} from '../../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { measureJson } from '../../../../src/controllers/shared/json-size.ts';
import { LAST_APPLIED_ANNOTATION } from '../../../../src/controllers/shared/lean-cache.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { MAX_PARAMETERS } from '../../../../src/crds/logic-app-workflow/schema.ts';

/**
 * Azure's own limits, which logicops' stay at or below: Microsoft, "Limits and configuration
 * reference for Azure Logic Apps", Workflow definition limits
 * (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config#definition-limits),
 * and "ARM template best practices", Template limits
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices).
 */
const AZURE = {
  actionsPerWorkflow: 500,
  actionsNestingDepth: 8,
  expressionCharacters: 8_192,
  parametersPerWorkflow: 50,
  /** ARM: each resource definition is limited to 1 MB. */
  resourceDefinitionBytes: 1_000_000,
};

/** `{"x":"aaa…"}` of exactly `bytes` bytes (2 values, depth 1). */
function ofBytes(bytes: number): Record<string, unknown> {
  return { x: 'a'.repeat(bytes - 8) };
}

/** `{"x":[0,0,…]}` holding exactly `values` values (depth 2). */
function ofValues(values: number): Record<string, unknown> {
  return { x: new Array(values - 2).fill(0) };
}

/** `{"a":{"a":…{}…}}`, `depth` objects deep. */
function ofDepth(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

function workflow(spec: Partial<LogicAppWorkflow['spec']>): LogicAppWorkflow {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'wf', namespace: 'team-a', generation: 1 },
    spec: {
      subscriptionId: 'sub',
      resourceGroup: 'rg',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      deletionPolicy: 'Delete',
      secureRunHistory: true,
      ...spec,
    },
  };
}

describe("logicops' limits against Azure's", () => {
  it('stay at or below Azure Resource Manager’s 1 MB per resource, definition and parameters together', () => {
    expect(DEFINITION_LIMITS.bytes + PARAMETERS_LIMITS.bytes).toBeLessThanOrEqual(
      AZURE.resourceDefinitionBytes,
    );
    expect(MAX_PARAMETERS).toBeLessThanOrEqual(AZURE.parametersPerWorkflow);
  });

  it('accept a definition with actions nested as deep as Azure allows (8), inputs 33 levels deeper', () => {
    // The deepest JSON per level of actions: a Switch case (cases → case → actions → action), so
    // the eighth-level action is an object 31 levels deep.
    let actions: Record<string, unknown> = { Leaf: { type: 'Compose', inputs: ofDepth(33) } };
    for (let level = 1; level < AZURE.actionsNestingDepth; level++) {
      actions = {
        [`Switch_${level}`]: {
          type: 'Switch',
          expression: "@parameters('p')",
          cases: { one: { case: 1, actions } },
        },
      };
    }
    const definition = { actions };
    expect(measureJson(definition).depth).toBe(DEFINITION_LIMITS.depth);
    expect(heldBackOf(leanWorkflow(workflow({ definition })))).toBeUndefined();
  });

  it('accept Azure’s 500 actions per workflow, each an HTTP call with an expression', () => {
    const actions: Record<string, unknown> = {};
    for (let i = 0; i < AZURE.actionsPerWorkflow; i++) {
      actions[`Call_partner_${i}`] = {
        type: 'Http',
        runAfter: i === 0 ? {} : { [`Call_partner_${i - 1}`]: ['Succeeded'] },
        inputs: {
          method: 'POST',
          uri: `https://partner.example.com/v1/orders/${i}`,
          headers: { 'Content-Type': 'application/json' },
          body: { order: `@{body('Call_partner_${i === 0 ? 0 : i - 1}')?['id']}`, note: 'n'.repeat(200) },
        },
      };
    }
    const definition = { actions };
    const size = measureJson(definition);
    expect(size.values).toBeLessThanOrEqual(DEFINITION_LIMITS.values);
    expect(size.bytes).toBeLessThanOrEqual(DEFINITION_LIMITS.bytes);
    expect(heldBackOf(leanWorkflow(workflow({ definition })))).toBeUndefined();
  });

  it('let a single expression be as long as Azure allows', () => {
    const definition = {
      actions: { Compose: { type: 'Compose', inputs: `@${'x'.repeat(AZURE.expressionCharacters - 1)}` } },
    };
    expect(heldBackOf(leanWorkflow(workflow({ definition })))).toBeUndefined();
  });
});

describe('leanWorkflow: the workflow cache holds back a definition or parameters over a limit', () => {
  const D = DEFINITION_LIMITS;
  const P = PARAMETERS_LIMITS;
  it.each([
    ['definition at the byte limit', { definition: ofBytes(D.bytes) }, undefined],
    [
      'definition one byte over',
      { definition: ofBytes(D.bytes + 1) },
      'spec.definition is 262,145 bytes of JSON (the limit is 262,144)',
    ],
    ['definition at the value limit', { definition: ofValues(D.values) }, undefined],
    [
      'definition one value over',
      { definition: ofValues(D.values + 1) },
      'spec.definition holds 10,001 JSON values (the limit is 10,000)',
    ],
    ['definition at the depth limit', { definition: ofDepth(D.depth) }, undefined],
    [
      'definition one level too deep',
      { definition: ofDepth(D.depth + 1) },
      'spec.definition is nested 65 levels deep (the limit is 64)',
    ],
    [
      'definition 3,000 levels deep',
      { definition: ofDepth(3_000) },
      'spec.definition is nested 3,000 levels deep (the limit is 64)',
    ],
    ['parameters at the byte limit', { parameters: ofBytes(P.bytes) }, undefined],
    [
      'parameters one byte over',
      { parameters: ofBytes(P.bytes + 1) },
      'spec.parameters is 65,537 bytes of JSON (the limit is 65,536)',
    ],
    [
      'parameters one value over',
      { parameters: ofValues(P.values + 1) },
      'spec.parameters holds 2,501 JSON values (the limit is 2,500)',
    ],
    [
      'parameters too deep',
      { parameters: { p: ofDepth(P.depth) } },
      'spec.parameters is nested 65 levels deep (the limit is 64)',
    ],
  ] as const)('%s', (_name, spec, message) => {
    const cached = leanWorkflow(workflow(spec));
    const heldBack = heldBackOf(cached);
    if (message === undefined) {
      expect(heldBack).toBeUndefined();
      expect(cached.spec).toEqual(workflow(spec).spec);
    } else {
      expect(heldBack?.message).toContain(message);
      expect(heldBack?.message).toMatch(/apply it again\.$/);
      // What was over the limit is not in the cached copy.
      const field = Object.keys(spec)[0] as 'definition' | 'parameters';
      expect(cached.spec[field]).toBeUndefined();
    }
  });

  it('names every limit broken, drops both fields, and keeps the rest of the spec', () => {
    const original = workflow({
      definition: { x: new Array(D.values).fill('a'.repeat(30)) },
      parameters: { p: ofDepth(P.depth + 5) },
      tags: { team: 'a' },
    });
    const cached = leanWorkflow(original);
    expect(heldBackOf(cached)?.message).toMatch(
      /^spec\.definition is [\d,]+ bytes of JSON \(the limit is 262,144\), holds 10,002 JSON values \(the limit is 10,000\); spec\.parameters is nested 70 levels deep \(the limit is 64\)\./,
    );
    expect(cached.spec.definition).toBeUndefined();
    expect(cached.spec.parameters).toBeUndefined();
    expect(cached.spec.tags).toEqual({ team: 'a' });
    expect(cached.metadata).toEqual(original.metadata);
    // The object the watch delivered is left as it was.
    expect(original.spec.definition).toBeDefined();
    expect(original.spec.parameters).toBeDefined();
  });

  it('is leanObject for a workflow within the limits (no marker, the spec shared, not copied)', () => {
    const original = workflow({ definition: { actions: {} } });
    original.metadata.annotations = {
      [LAST_APPLIED_ANNOTATION]: '{"a":"copy"}',
      'logicops.io/paused': 'true',
    };
    const cached = leanWorkflow(original);
    expect(cached.spec).toBe(original.spec);
    expect(HELD_BACK in cached).toBe(false);
    expect(cached.metadata.annotations).toEqual({ 'logicops.io/paused': 'true' });
  });

  it('keeps the mark when a held-back object is leaned again (the reconcile re-leans what it is handed)', () => {
    const once = leanWorkflow(workflow({ definition: ofDepth(100) }));
    const twice = leanWorkflow(once);
    expect(heldBackOf(twice)).toEqual(heldBackOf(once));
  });

  it('leaves a cached object small and safe to clone whatever the definition', () => {
    const cached = leanWorkflow(workflow({ definition: ofDepth(100_000) }));
    expect(() => structuredClone(cached)).not.toThrow();
    expect(JSON.stringify(cached).length).toBeLessThan(1_000);
  });
});
