// Issue 21, item 8: "$schema is optional in a definition". The Workflow Definition Language
// reference lists `$schema` as required "only when externally referencing a workflow definition"
// (learn.microsoft.com/azure/logic-apps/logic-apps-workflow-definition-language); an inline
// definition without it is valid, and the emulator now accepts it as Logic Apps does. The
// operator neither needs one nor adds one: the workflow deploys as written and is Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import {
  condition,
  createWorkflow,
  type MustShowEnv,
  readWorkflow,
  startMustShowEnv,
} from '../must-show-support.ts';

describe('LogicAppWorkflow with a definition that has no $schema', () => {
  let env: MustShowEnv;
  let ns: string;

  beforeAll(async () => {
    env = await startMustShowEnv({ prefixes: ['law-no-schema'] });
    [ns = ''] = env.namespaces;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('deploys as written and is Ready', async () => {
    const definition = {
      contentVersion: '1.0.0.0',
      triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
      actions: {},
    };
    await createWorkflow(env, ns, 'no-schema', { definition });
    const workflow = await eventually(async () => {
      const current = await readWorkflow(env, ns, 'no-schema');
      expect(condition(current, 'Ready')).toMatchObject({ status: 'True' });
      return current;
    }, 60_000);
    expect(condition(workflow, 'Stalled')).toBeUndefined();
    const azureName = workflow?.spec.azureName ?? 'no-schema';
    const inAzure = Object.values(env.emulator.state.workflows).find((w) => w.name === azureName);
    expect(inAzure).toBeDefined();
    const written = inAzure?.properties.definition as Record<string, unknown> | undefined;
    expect(written).toBeDefined();
    expect(written?.$schema).toBeUndefined();
    expect(written?.triggers).toEqual(definition.triggers);
  });
});
