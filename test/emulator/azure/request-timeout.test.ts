// logicops' ARM clients give up on an answer that does not come (request-timeout-policy.ts): the
// SDK by itself waits forever. Shown with the emulator's after-commit faults, which apply a write
// and then keep its answer back: with the operator's per-attempt timeout the call fails as a
// retryable abort while Azure already holds the change; with a timeout longer than the hold, the
// same call simply waits for the answer.

import { DEMO_RESOURCE_GROUP, type Emulator, startEmulator } from '@logicops/azure-emulator';
import { trustCa } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyAzureError, createAzureClients, createCredential } from '../../../src/azure/index.ts';
import { DEFINITION } from './support.ts';

const RG = DEMO_RESOURCE_GROUP;
const WORKFLOW_WRITE = 'Microsoft.Logic/workflows/write';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ seed: 'demo' });
  trustCa(emu.caCertPem);
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.setFaults({});
});

function logic(requestTimeoutMs: number) {
  const credential = createCredential(
    {
      kind: 'clientSecret',
      tenantId: emu.tenantId,
      clientId: emu.operatorClientId,
      clientSecret: emu.operatorClientSecret,
    },
    { authorityHost: emu.authorityHost },
  );
  return createAzureClients({
    armEndpoint: emu.armEndpoint,
    subscriptionId: emu.subscriptionId,
    credential,
    requestTimeoutMs,
  }).logic;
}

const put = (client: ReturnType<typeof logic>, name: string) =>
  client.workflows.createOrUpdate(RG, name, { location: 'westeurope', definition: DEFINITION });
const exists = (name: string) =>
  Object.values(emu.state.workflows).some((w) => w.name === name && w.resourceGroup === RG);

describe('the per-attempt request timeout', () => {
  it('fails a write whose answer never comes as a retryable abort; Azure has applied it', async () => {
    emu.setFaults({ afterCommit: [{ operation: WORKFLOW_WRITE, next: 1, fault: 'timeout' }] });
    const failure = await put(logic(1000), 'wf-timed-out').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(classifyAzureError(failure)).toMatchObject({ kind: 'retry', reason: 'aborted' });
    expect(exists('wf-timed-out')).toBe(true);
    // The emulator saw the caller hang up; the write it repeats is answered as usual.
    await expect
      .poll(() => emu.requests().findLast((r) => r.operation === WORKFLOW_WRITE)?.afterCommit)
      .toBe('timeout');
    await expect(put(logic(1000), 'wf-timed-out')).resolves.toMatchObject({ name: 'wf-timed-out' });
  });

  it('lets a call wait for an answer that comes within it', async () => {
    emu.setFaults({ afterCommit: [{ operation: WORKFLOW_WRITE, next: 1, fault: 'hold' }] });
    let settled = false;
    const pending = put(logic(60_000), 'wf-late').finally(() => {
      settled = true;
    });
    const [held] = await emu.waitForHeldResponses(1, 10_000);
    // Held past the 1 s the first test's client gave up after: this one is still waiting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(settled).toBe(false);
    expect(emu.releaseHeldResponse(held!.id)).toBe(true);
    await expect(pending).resolves.toMatchObject({ name: 'wf-late' });
  });
});
