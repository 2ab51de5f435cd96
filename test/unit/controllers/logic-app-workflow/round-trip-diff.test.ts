// The diff against what Azure answers, not what was sent (issue 21, items 1 and 7): the observed
// side of each case is built with the emulator's own read-back (packages/azure-emulator/src/arm/
// workflow-read-back.ts, which cites its sources), so operator and emulator share one belief.
import { describe, expect, it } from 'vitest';
import type { ObservedWorkflow } from '../../../../src/azure/index.ts';
import { comparableDefinitions } from '../../../../src/controllers/logic-app-workflow/definition-round-trip.ts';
import { desiredWorkflow } from '../../../../src/controllers/logic-app-workflow/desired-workflow.ts';
import { workflowDifferences } from '../../../../src/controllers/logic-app-workflow/workflow-diff.ts';
import type { LogicAppWorkflowSpec, WorkflowDefinition } from '../../../../src/crds/index.ts';
import { asReturned } from './support/fakes.ts';

const OWNER = 'cluster-a/team/wf';

function desiredOf(definition: WorkflowDefinition, parameters: Record<string, unknown> = {}) {
  const spec: LogicAppWorkflowSpec = {
    subscriptionId: 'sub',
    resourceGroup: 'rg',
    location: 'westeurope',
    identity: { type: 'None' },
    state: 'Enabled',
    definition,
    parameters,
    deletionPolicy: 'Delete',
    secureRunHistory: true,
  };
  return desiredWorkflow({ spec, definition, owner: OWNER });
}

/** What Azure holds after a PUT of `sent`, as a GET answers it. */
function azureAfterPut(sent: ReturnType<typeof desiredOf>): ObservedWorkflow {
  return asReturned({
    id: '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf',
    name: 'wf',
    location: 'westeurope',
    tags: { ...sent.tags },
    identity: { type: 'None' },
    state: 'Enabled',
    definition: structuredClone(sent.definition),
    parameters: structuredClone(sent.parameters),
    version: '08586677515911718341',
  });
}

const EXPORTED = {
  parameters: { greeting: { type: 'string', defaultValue: 'hello' } },
  triggers: {
    Every_15_minutes: {
      type: 'Recurrence',
      recurrence: { frequency: 'Minute', interval: 15 },
      evaluatedRecurrence: { frequency: 'Minute', interval: 15 },
    },
  },
  actions: { Say: { type: 'Compose', inputs: "@parameters('greeting')" } },
};

const SECURE = {
  parameters: {
    apiKey: { type: 'SecureString' },
    fallback: { type: 'securestring', defaultValue: 'fallback-key' },
    endpoint: { type: 'String' },
  },
  actions: {
    Call: {
      type: 'Http',
      inputs: {
        uri: "@parameters('endpoint')",
        headers: { a: "@parameters('apiKey')", b: "@parameters('fallback')" },
      },
    },
  },
};

describe('definitions as Azure answers them (item 7)', () => {
  it('an exported definition (evaluatedRecurrence, lower-case types) is in sync after its own PUT', () => {
    const desired = desiredOf(EXPORTED);
    const observed = azureAfterPut(desired);
    expect(observed.definition).not.toEqual(desired.definition);
    expect(workflowDifferences(desired, observed)).toEqual([]);
  });

  it('still sees a real change of the recurrence, and a real change of a parameter type', () => {
    const observed = azureAfterPut(desiredOf(EXPORTED));
    const faster = structuredClone(EXPORTED);
    faster.triggers.Every_15_minutes.recurrence.interval = 5;
    expect(workflowDifferences(desiredOf(faster), observed)).toEqual(['definition']);
    const retyped = structuredClone(EXPORTED);
    retyped.parameters.greeting.type = 'object';
    expect(workflowDifferences(desiredOf(retyped), observed)).toEqual(['definition']);
  });

  it('ignores evaluatedRecurrence on both sides, and only there', () => {
    const compared = comparableDefinitions(EXPORTED, {
      ...EXPORTED,
      parameters: { greeting: { type: 'String' } },
    });
    expect(compared.desired.triggers).toEqual({
      Every_15_minutes: { type: 'Recurrence', recurrence: { frequency: 'Minute', interval: 15 } },
    });
    expect(compared.desired.parameters).toEqual({ greeting: { type: 'string', defaultValue: 'hello' } });
    expect(compared.observed.parameters).toEqual({ greeting: { type: 'string' } });
    expect(compared.withheldDefaults).toBe(false);
  });
});

describe('secure values Azure does not return (item 1)', () => {
  const desired = desiredOf(SECURE, { apiKey: 'key-1', endpoint: 'https://partner.example/' });

  it('are withheld by Azure, so they are compared through the record of the last write', () => {
    const observed = azureAfterPut(desired);
    expect(observed.parameters.apiKey).toEqual({ type: 'SecureString' });
    expect(workflowDifferences(desired, observed)).toEqual(['secureParameters']);
    expect(workflowDifferences(desired, observed, { secureValuesWritten: true })).toEqual([]);
  });

  it('a plain parameter is still compared by value, and an extra one in Azure is a difference', () => {
    const observed = azureAfterPut(desired);
    const moved = desiredOf(SECURE, { apiKey: 'key-1', endpoint: 'https://moved.example/' });
    expect(workflowDifferences(moved, observed, { secureValuesWritten: true })).toEqual(['parameters']);
    observed.parameters.stale = { value: 'x' };
    expect(workflowDifferences(desired, observed, { secureValuesWritten: true })).toEqual(['parameters']);
  });

  it('when Azure does show a secure value or default, it is compared as is', () => {
    const echoed: ObservedWorkflow = {
      ...azureAfterPut(desired),
      definition: structuredClone(desired.definition),
      parameters: structuredClone(desired.parameters),
    };
    expect(workflowDifferences(desired, echoed)).toEqual([]);
    const rotated = desiredOf(SECURE, { apiKey: 'key-2', endpoint: 'https://partner.example/' });
    expect(workflowDifferences(rotated, echoed)).toEqual(['parameters']);
    const newDefault = structuredClone(SECURE);
    newDefault.parameters.fallback.defaultValue = 'other';
    expect(
      workflowDifferences(
        desiredOf(newDefault, { apiKey: 'key-1', endpoint: 'https://partner.example/' }),
        echoed,
      ),
    ).toEqual(['definition']);
  });

  it('a withheld secure default is left out of the definition comparison', () => {
    const observed = azureAfterPut(desired);
    const compared = comparableDefinitions(desired.definition, observed.definition ?? {});
    expect(compared.withheldDefaults).toBe(true);
    expect(compared.desired.parameters).toMatchObject({ fallback: { type: 'securestring' } });
    expect((compared.desired.parameters as Record<string, object>).fallback).not.toHaveProperty(
      'defaultValue',
    );
  });
});
