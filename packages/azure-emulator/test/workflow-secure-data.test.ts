// Secure run history per trigger and action type, through @azure/arm-logic 8.2.0.
//
// What Logic Apps supports: Microsoft Learn, "Secure access and data in Azure Logic Apps",
// section "Secure data in run history by using obfuscation"
// (learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#obfuscate; source
// MicrosoftDocs/azure-docs articles/logic-apps/logic-apps-securing-a-logic-app.md, commit
// 8523e128b84f664f46aa5d932699fb0277e8b298): the variable operations, For each, If, Recurrence,
// Scope, Switch, Terminate and Until support neither secure inputs nor secure outputs; Compose,
// Parse JSON, Response and Wait have no secure outputs ("The Compose, Parse JSON, and Response
// actions has only the Secure Inputs setting. When turned on, the setting also hides these
// actions' outputs.").
//
// What ARM answers to a definition that asks anyway is INFERRED (no source found; see
// packages/azure-emulator/src/arm/secure-data.ts): 400 InvalidTemplate naming the action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { armError, DEFINITION, type Harness, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const BOTH = { secureData: { properties: ['inputs', 'outputs'] } };
const INPUTS = { secureData: { properties: ['inputs'] } };
const OUTPUTS = { secureData: { properties: ['outputs'] } };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

let sequence = 0;
function put(actions: Record<string, unknown>, triggers?: Record<string, unknown>) {
  return h.logic.workflows.createOrUpdate(RG, `wf-secure-${++sequence}`, {
    location: 'westeurope',
    definition: { ...DEFINITION, actions, ...(triggers ? { triggers } : {}) },
  });
}

/** One action of each type the docs list, in the shape the designer writes. */
const ACTIONS: Record<string, Record<string, unknown>> = {
  InitializeVariable: { inputs: { variables: [{ name: 'key', type: 'string', value: 'x' }] } },
  SetVariable: { inputs: { name: 'key', value: 'x' } },
  IncrementVariable: { inputs: { name: 'count', value: 1 } },
  DecrementVariable: { inputs: { name: 'count', value: 1 } },
  AppendToArrayVariable: { inputs: { name: 'list', value: 'x' } },
  AppendToStringVariable: { inputs: { name: 'key', value: 'x' } },
  Foreach: { foreach: '@triggerBody()', actions: {} },
  If: { expression: { equals: ['@triggerBody()', 'x'] }, actions: {}, else: { actions: {} } },
  Scope: { actions: {} },
  Switch: { expression: '@triggerBody()', cases: {}, default: { actions: {} } },
  Until: { expression: '@equals(1, 1)', limit: { count: 1, timeout: 'PT1H' }, actions: {} },
  Terminate: { inputs: { runStatus: 'Failed', runError: { code: 'x', message: 'y' } } },
  Compose: { inputs: 'x' },
  ParseJson: { inputs: { content: 'x', schema: {} } },
  Response: { kind: 'Http', inputs: { statusCode: 200, body: 'x' } },
  Wait: { inputs: { interval: { count: 1, unit: 'Second' } } },
  Http: { inputs: { method: 'GET', uri: 'https://partner.example.com/' } },
};
const action = (type: string, runtimeConfiguration?: unknown) => ({
  type,
  ...ACTIONS[type],
  ...(runtimeConfiguration ? { runtimeConfiguration } : {}),
});

describe('secureData per action type', () => {
  const NEITHER = [
    'InitializeVariable',
    'SetVariable',
    'IncrementVariable',
    'DecrementVariable',
    'AppendToArrayVariable',
    'AppendToStringVariable',
    'Foreach',
    'If',
    'Scope',
    'Switch',
    'Until',
    'Terminate',
  ];
  it.each(NEITHER)(
    '%s supports neither secure inputs nor secure outputs: 400 InvalidTemplate',
    async (type) => {
      for (const settings of [INPUTS, OUTPUTS]) {
        await expect(put({ Act: action(type, settings) })).rejects.toMatchObject({
          ...armError(400, 'InvalidTemplate'),
          message: expect.stringContaining(`template action 'Act'`),
        });
      }
      // Without secureData the same action is accepted: the refusal is about secureData only.
      await expect(put({ Act: action(type) })).resolves.toMatchObject({ provisioningState: 'Succeeded' });
    },
  );

  it.each(['Compose', 'ParseJson', 'Response', 'Wait'])(
    '%s has secure inputs only: ["inputs"] is accepted, "outputs" is 400 InvalidTemplate',
    async (type) => {
      const accepted = await put({ Act: action(type, INPUTS) });
      expect((accepted.definition as { actions: Record<string, unknown> }).actions.Act).toMatchObject({
        runtimeConfiguration: INPUTS,
      });
      for (const settings of [OUTPUTS, BOTH]) {
        await expect(put({ Act: action(type, settings) })).rejects.toMatchObject({
          ...armError(400, 'InvalidTemplate'),
          message: expect.stringMatching(/template action 'Act'.*'outputs'/),
        });
      }
    },
  );

  it('Http (and any type the docs do not list) supports both', async () => {
    const created = await put({ Act: action('Http', BOTH) });
    expect((created.definition as { actions: Record<string, unknown> }).actions.Act).toMatchObject({
      runtimeConfiguration: BOTH,
    });
  });

  it('types compare case-insensitively, and nested actions are checked too, named in the answer', async () => {
    const nested = {
      Outer: {
        type: 'Scope',
        actions: {
          Inner_if: {
            type: 'If',
            expression: { equals: [1, 1] },
            actions: {},
            else: { actions: { Keep_key: action('setVariable', INPUTS) } },
          },
        },
      },
    };
    await expect(put(nested)).rejects.toMatchObject({
      ...armError(400, 'InvalidTemplate'),
      message: expect.stringMatching(/template action 'Keep_key'.*type 'setVariable'.*'inputs'/),
    });
  });
});

describe('secureData per trigger type', () => {
  it('Recurrence supports neither; Request supports both', async () => {
    const recurrence = { type: 'Recurrence', recurrence: { frequency: 'Minute', interval: 15 } };
    await expect(
      put({}, { Every_15_minutes: { ...recurrence, runtimeConfiguration: OUTPUTS } }),
    ).rejects.toMatchObject({
      ...armError(400, 'InvalidTemplate'),
      message: expect.stringContaining(`template trigger 'Every_15_minutes'`),
    });
    const manual = { type: 'Request', kind: 'Http', inputs: { schema: {} }, runtimeConfiguration: BOTH };
    await expect(put({}, { manual })).resolves.toMatchObject({ provisioningState: 'Succeeded' });
  });
});
