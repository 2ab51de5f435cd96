// The contract check on a live emulator: the tier's setup file (packages/azure-emulator/contract/setup.ts) observes
// every emulator a test starts, so a body the Azure REST spec does not allow is recorded with its
// operation, direction and JSON pointer, and fails the test unless the test expects it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContractViolations } from '../contract/expect-violations.ts';
import { processContractCheck } from '../contract/process-check.ts';
import type { Middleware } from '../src/index.ts';
import { DEFINITION, type Harness, rgPath, startHarness } from './support/harness.ts';

describe('contract check on the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emu.close();
  });

  const workflowPath = () =>
    `${rgPath(h.emu, 'logicops-demo')}/providers/Microsoft.Logic/workflows/contract-wf?api-version=2019-05-01`;

  it('records a request that carries a read-only property (logic.json: WorkflowProperties.version)', async () => {
    const put = await h.arm('PUT', workflowPath(), {
      location: 'westeurope',
      properties: { definition: DEFINITION, version: '08586677515911718341' },
    });
    // The emulator, like Azure, ignores it; the contract still says a client must not send it.
    expect(put.status).toBe(201);
    expect(processContractCheck().violations()).toContainEqual(
      expect.objectContaining({ operation: 'Workflows_CreateOrUpdate@2019-05-01', direction: 'request' }),
    );
    const [violation] = expectContractViolations(
      (v) => v.operation === 'Workflows_CreateOrUpdate@2019-05-01',
    );
    expect(violation).toMatchObject({
      direction: 'request',
      method: 'PUT',
      status: 201,
      pointer: '/properties/version',
      message: 'is read-only in the spec: only the service writes it, a request must not carry it',
    });
  });

  it('records an answer the spec does not allow (a workflow state outside WorkflowState)', async () => {
    const misreport: Middleware = async (ctx, next) => {
      const response = await next();
      if (ctx.method !== 'GET' || ctx.match.route.operation !== 'Microsoft.Logic/workflows/read')
        return response;
      const body = response.body as { properties?: { state?: string } };
      return { ...response, body: { ...body, properties: { ...body.properties, state: 'Sleeping' } } };
    };
    h.emu.use(misreport);
    const workflow = await h.logic.workflows.get('logicops-demo', 'contract-wf');
    // The SDK passes the extensible enum through; only the contract check notices.
    expect(workflow.state).toBe('Sleeping');
    const [violation, ...more] = expectContractViolations((v) => v.operation === 'Workflows_Get@2019-05-01');
    expect(more).toEqual([]);
    expect(violation).toMatchObject({ direction: 'response', status: 200, pointer: '/properties/state' });
    expect(violation?.message).toMatch(/^must be one of "NotSpecified", "Completed", "Enabled"/);
  });

  it('counts the bodies it validated per operation', () => {
    const { operations } = processContractCheck().tally();
    expect(operations['Workflows_CreateOrUpdate@2019-05-01']).toMatchObject({
      requests: 1,
      responses: 1,
      violations: 1,
    });
    expect(operations['Workflows_Get@2019-05-01']).toMatchObject({
      requests: 1,
      responses: 1,
      violations: 1,
    });
  });
});
