// Issue 21, items 1, 3 and 7: what Logic Apps answers is not what was PUT, and what it refuses.
// The emulator's beliefs, each with its source, through the real @azure/arm-logic client:
// * secure parameter values (and secure defaultValues) are not returned on any read path —
//   "Parameters that have this type aren't returned with the resource definition and aren't
//   accessible when viewing the resource after deployment" (MicrosoftDocs/azure-docs,
//   articles/logic-apps/logic-apps-securing-a-logic-app.md, "Secure parameters in workflow
//   definitions"); terraform-provider-azurerm PR #12314 (logic_app_workflow_resource.go) reads
//   the value of SecureString/SecureObject parameters back from its own state because "This is
//   not returned from API";
// * a declared parameter with neither a defaultValue nor a value is 400 InvalidTemplate, "The
//   value for the workflow parameter '…' at line '1' and column '…' is not provided."
//   (Azure/LogicAppsUX #4404);
// * `evaluatedRecurrence` in an exported definition is accepted but not returned
//   (terraform-provider-azurerm #28344), and definition parameter types come back in the REST
//   spec's casing (Azure/arm-template-whatif #55, "property value casing").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { armError, captureRaw, DEFINITION, type Harness, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
const SECRET = 'not-a-real-secret-9f1c';
const SECRET_DEFAULT = 'default-secret-77ab';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ pageSize: 2 });
});
afterAll(async () => {
  await h?.emu.close();
});

const SECURE_DEFINITION = {
  ...DEFINITION,
  parameters: {
    apiKey: { type: 'securestring' },
    settings: { type: 'SecureObject' },
    fallbackKey: { type: 'SecureString', defaultValue: SECRET_DEFAULT },
    endpoint: { type: 'string' },
  },
  actions: {
    Call: {
      type: 'Http',
      inputs: {
        method: 'GET',
        uri: "@parameters('endpoint')",
        headers: { 'Api-key': "@parameters('apiKey')", 'X-Fallback': "@parameters('fallbackKey')" },
        body: "@parameters('settings')",
      },
    },
  },
};
const SECURE_PARAMETERS = {
  apiKey: { value: SECRET },
  settings: { value: { token: SECRET } },
  endpoint: { value: 'https://partner.example/' },
};

/** Everything a read answered, as text: no secure value may appear anywhere in it. */
const text = (value: unknown) => JSON.stringify(value);

describe('secure parameters are withheld on every read path (item 1)', () => {
  const name = 'wf-secure';
  let putAnswer: unknown;

  beforeAll(async () => {
    const raw = captureRaw();
    await h.logic.workflows.createOrUpdate(
      RG,
      name,
      { location: 'westeurope', definition: SECURE_DEFINITION, parameters: SECURE_PARAMETERS },
      raw.options,
    );
    putAnswer = raw.last().body;
    // Neighbours, so that listings with pages of 2 take several pages.
    for (const other of ['wf-plain-1', 'wf-plain-2', 'wf-plain-3']) {
      await h.logic.workflows.createOrUpdate(RG, other, { location: 'westeurope', definition: DEFINITION });
    }
  });

  it('keeps what was sent: Azure runs the workflow with the values', () => {
    const stored = Object.values(h.emu.state.workflows).find((w) => w.name === name);
    const parameters = stored?.properties.parameters as Record<string, { value: unknown }>;
    expect(parameters.apiKey?.value).toBe(SECRET);
    expect(parameters.settings?.value).toEqual({ token: SECRET });
    const declared = (stored?.properties.definition as typeof SECURE_DEFINITION | undefined)?.parameters;
    expect(declared?.fallbackKey.defaultValue).toBe(SECRET_DEFAULT);
  });

  it('GET returns the secure entries with their type and without a value; plain values as sent', async () => {
    const raw = captureRaw();
    const got = await h.logic.workflows.get(RG, name, raw.options);
    expect(got.parameters).toEqual({
      apiKey: { type: 'SecureString' },
      settings: { type: 'SecureObject' },
      endpoint: { value: 'https://partner.example/' },
    });
    const declared = (got.definition as typeof SECURE_DEFINITION).parameters;
    expect(declared.fallbackKey).toEqual({ type: 'SecureString' });
    expect(text(raw.last().body)).not.toContain(SECRET);
    expect(text(raw.last().body)).not.toContain(SECRET_DEFAULT);
  });

  it("the PUT's own answer withholds them too", () => {
    expect(text(putAnswer)).toContain('SecureString');
    expect(text(putAnswer)).not.toContain(SECRET);
    expect(text(putAnswer)).not.toContain(SECRET_DEFAULT);
  });

  it('both listings (resource group and subscription, every page) withhold them', async () => {
    const raw = captureRaw();
    const inGroup = [];
    for await (const workflow of h.logic.workflows.listByResourceGroup(RG, raw.options))
      inGroup.push(workflow);
    const inSubscription = [];
    for await (const workflow of h.logic.workflows.listBySubscription(raw.options)) {
      inSubscription.push(workflow);
    }
    for (const listing of [inGroup, inSubscription]) {
      const mine = listing.find((w) => w.name === name);
      expect(mine?.parameters?.apiKey).toEqual({ type: 'SecureString' });
    }
    // Pages of 2: both listings followed nextLink; no answer carried a secure value.
    expect(inGroup.length).toBeGreaterThan(2);
    expect(inSubscription.length).toBeGreaterThan(2);
    expect(raw.responses.length).toBeGreaterThanOrEqual(4);
    for (const response of raw.responses) expect(text(response.body)).not.toContain(SECRET);
  });

  it('a round trip of what GET returned is refused: the secure value is not provided (LogicAppsUX #4404)', async () => {
    const got = await h.logic.workflows.get(RG, name);
    await expect(h.logic.workflows.createOrUpdate(RG, name, got)).rejects.toMatchObject({
      ...armError(400, 'InvalidTemplate'),
      message: expect.stringContaining("The value for the workflow parameter 'apiKey'"),
    });
  });
});

describe('a declared parameter without a default needs a value (item 3)', () => {
  const definition = {
    ...DEFINITION,
    parameters: { secretUri: { type: 'String' } },
    actions: { Read: { type: 'Http', inputs: { method: 'GET', uri: "@parameters('secretUri')" } } },
  };

  it('is 400 InvalidTemplate naming the parameter when no value is given, and nothing is stored', async () => {
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-no-value', { location: 'westeurope', definition }),
    ).rejects.toMatchObject({
      ...armError(400, 'InvalidTemplate'),
      message:
        "The template validation failed: 'The value for the workflow parameter 'secretUri' at line '1' and column '1' is not provided.'.",
    });
    expect(Object.values(h.emu.state.workflows).some((w) => w.name === 'wf-no-value')).toBe(false);
  });

  it('is accepted with a value, or with a defaultValue in the definition', async () => {
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-with-value', {
        location: 'westeurope',
        definition,
        parameters: { secretUri: { value: 'https://kv.vault.azure.net/secrets/s' } },
      }),
    ).resolves.toMatchObject({ name: 'wf-with-value' });
    await expect(
      h.logic.workflows.createOrUpdate(RG, 'wf-with-default', {
        location: 'westeurope',
        definition: { ...definition, parameters: { secretUri: { type: 'String', defaultValue: '' } } },
      }),
    ).resolves.toMatchObject({ name: 'wf-with-default' });
  });
});

describe('definitions do not round-trip byte for byte (item 7)', () => {
  // As the portal exports a schedule: the evaluated recurrence next to the recurrence.
  const exported = {
    ...DEFINITION,
    parameters: { greeting: { type: 'string', defaultValue: 'hello' } },
    triggers: {
      Every_15_minutes: {
        type: 'Recurrence',
        recurrence: { frequency: 'Minute', interval: 15 },
        evaluatedRecurrence: { frequency: 'Minute', interval: 15 },
      },
    },
  };

  it('accepts evaluatedRecurrence and never returns it; parameter types come back in the spec casing', async () => {
    const created = await h.logic.workflows.createOrUpdate(RG, 'wf-exported', {
      location: 'westeurope',
      definition: exported,
    });
    const got = await h.logic.workflows.get(RG, 'wf-exported');
    const listed = [];
    for await (const workflow of h.logic.workflows.listBySubscription()) listed.push(workflow);
    for (const definition of [
      created.definition,
      got.definition,
      listed.find((w) => w.name === 'wf-exported')?.definition,
    ]) {
      expect(definition).toMatchObject({
        triggers: {
          Every_15_minutes: { type: 'Recurrence', recurrence: { frequency: 'Minute', interval: 15 } },
        },
        parameters: { greeting: { type: 'String', defaultValue: 'hello' } },
      });
      const trigger = (definition as typeof exported).triggers.Every_15_minutes;
      expect(trigger).not.toHaveProperty('evaluatedRecurrence');
    }
    // Stored as sent: only the answer differs.
    const stored = Object.values(h.emu.state.workflows).find((w) => w.name === 'wf-exported');
    expect(
      (stored?.properties.definition as typeof exported | undefined)?.triggers.Every_15_minutes
        .evaluatedRecurrence,
    ).toEqual({
      frequency: 'Minute',
      interval: 15,
    });
  });
});
