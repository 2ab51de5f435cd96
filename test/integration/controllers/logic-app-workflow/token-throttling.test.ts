// Issue 21, item 5: Entra ID throttles the operator's token requests the way it throttles client
// credentials — "429 Too Many Requests, with a Retry-After: 60 header"
// (https://learn.microsoft.com/entra/msal/dotnet/advanced/client-and-server-throttling), the body
// sometimes plain text "Too Many Requests" (AzureAD/microsoft-authentication-library-for-dotnet#2855);
// the emulator's `entraThrottling` rule answers so for the first 60 s of the run. The whole
// operator (as `logicops run` wires it) runs with ONE worker per kind and one credential.
//
// What must hold: the reconcile that hits the throttled token request ends at once as Throttled
// (not asleep in the SDK for Entra ID's 60 s, as @azure/identity's own retry policy would do),
// so the one worker goes on with other objects; Entra ID is asked once per Retry-After, not
// once per reconcile; and the workflow is Ready after the wait.

import { DEMO_RESOURCE_GROUP, entraThrottling } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import {
  condition,
  createWorkflow,
  type MustShowEnv,
  readWorkflow,
  startMustShowEnv,
} from '../must-show-support.ts';

const THROTTLED_FOR_S = 60;

describe('LogicAppWorkflow under Entra ID token throttling (Retry-After 60, text body)', () => {
  let env: MustShowEnv;
  let ns: string;

  beforeAll(async () => {
    env = await startMustShowEnv({
      prefixes: ['law-token-429'],
      flags: ['--workers', '1'],
      // Only the demo resource group is allowed: a workflow elsewhere is refused before any Azure call.
      policy: (root) => ({
        resourceGroups: `${root}/resourceGroups/${DEMO_RESOURCE_GROUP}`,
        vaults: `${root}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/*`,
      }),
    });
    [ns = ''] = env.namespaces;
    // Every token request of the next 60 s is throttled, as a throttling Entra ID answers it.
    env.emulator.setFaults({
      errors: [entraThrottling({ outage: { downSeconds: THROTTLED_FOR_S, upSeconds: 3600 } })],
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const tokenAnswers = () =>
    env.emulator
      .requests()
      .filter((r) => r.operation === 'Entra/token')
      .map((r) => r.status);

  it('ends the throttled reconcile as Throttled, keeps the one worker free, asks Entra ID once, and is Ready after the wait', async () => {
    await createWorkflow(env, ns, 'needs-azure');
    // The worker hits the throttled token request and reports it at once.
    const throttled = await eventually(async () => {
      const ready = condition(await readWorkflow(env, ns, 'needs-azure'), 'Ready');
      expect(ready).toMatchObject({ status: 'False', reason: 'Throttled' });
      return ready;
    });
    expect(throttled?.message).toContain('Entra ID 429: Too Many Requests');
    expect(throttled?.message).toMatch(/5\d s|60 s/);

    // The one worker is free: a workflow created after it gets its verdict while Entra ID still
    // throttles (it needs no Azure call: the namespace may not use that resource group).
    await createWorkflow(env, ns, 'elsewhere', { resourceGroup: 'not-allowed-rg' });
    await eventually(async () => {
      expect(condition(await readWorkflow(env, ns, 'elsewhere'), 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'NamespacePolicyDenied',
      });
    });
    // Still inside Entra ID's wait: it was asked exactly once.
    expect(condition(await readWorkflow(env, ns, 'needs-azure'), 'Ready')?.reason).toBe('Throttled');
    expect(tokenAnswers()).toEqual([429]);

    // After the wait, the next token request is answered and the workflow converges.
    await eventually(async () => {
      expect(condition(await readWorkflow(env, ns, 'needs-azure'), 'Ready')).toMatchObject({
        status: 'True',
      });
    }, 120_000);
    const answers = tokenAnswers();
    expect(answers.filter((status) => status === 429)).toEqual([429]);
    expect(answers.at(-1)).toBe(200);
  }, 180_000);
});
