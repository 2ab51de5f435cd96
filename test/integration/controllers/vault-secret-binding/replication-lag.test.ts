// Issue 9 must-show: "replication lag of 20 s configured → Ready after the lag, with
// WaitingForPrincipal observed through a watch".
//
// Azure gives no signal for replication lag on this path (accessPolicies/add does no directory
// lookup), so the grant itself succeeds at once while the workflow's identity cannot get a token
// yet. The operator runs with --principal-propagation-hold 20s and must keep the binding at
// WaitingForPrincipal until the principal is 20 s old, then turn Ready — and Ready must be true:
// the workflow identity's data-plane read works. Lag and times come from the emulator's state.

import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { managedIdentityCredential, secretClient } from '@logicops/azure-emulator/test-support/data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../../src/crds/index.ts';
import { eventually } from '../../../support/eventually.ts';
import {
  condition,
  createBinding,
  createWorkflow,
  lastSeq,
  type MustShowEnv,
  readBinding,
  readWorkflow,
  startMustShowEnv,
  watchBindingReadiness,
} from '../must-show-support.ts';

const LAG_S = 20;

describe('VaultSecretBinding must-show: replication lag', () => {
  let env: MustShowEnv;
  let ns: string;

  async function principalOf(name: string): Promise<string> {
    return eventually(async () => {
      const workflow = (await readWorkflow(env, ns, name)) as LogicAppWorkflow;
      const principalId = workflow.status?.identity?.principalId ?? '';
      expect(principalId).not.toBe('');
      return principalId;
    }, 60_000);
  }

  beforeAll(async () => {
    env = await startMustShowEnv({
      prefixes: ['vsb-lag'],
      flags: ['--principal-propagation-hold', `${LAG_S}s`],
    });
    [ns = ''] = env.namespaces;
    // Warm up before the fault: the operator's own app registration is a principal too, and its
    // token must already be held (as in a long-running operator) when lag is switched on.
    await createWorkflow(env, ns, 'warmup');
    await principalOf('warmup');
    env.emulator.setFaults({ replicationLag: { seconds: LAG_S } });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('reports WaitingForPrincipal during the lag, Ready only after it, and then the identity reads the secret', async () => {
    const vaultId = `${env.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
    const watch = await watchBindingReadiness(ns);
    try {
      const seq = lastSeq(env.emulator);
      await createWorkflow(env, ns, 'wf-lag');
      await createBinding(env, ns, 'lag', { workflowRef: { name: 'wf-lag' }, vaultId });
      const principalId = await principalOf('wf-lag');
      const createdAt = Date.parse(env.emulator.state.principals[principalId]?.createdAt ?? '');
      expect(Number.isFinite(createdAt)).toBe(true);
      const lagEnds = createdAt + LAG_S * 1000;

      // While the lag lasts the binding says WaitingForPrincipal — and rightly: the workflow's
      // identity cannot even get a token.
      await eventually(async () => {
        const binding = (await readBinding(env, ns, 'lag')) as VaultSecretBinding;
        // The first WaitingForPrincipal may still be "no principal yet" (before the workflow's
        // status carried it); wait for the hold's own message.
        expect(condition(binding, 'Ready')).toMatchObject({ status: 'False', reason: 'WaitingForPrincipal' });
        expect(condition(binding, 'Ready')?.message).toContain('replicating');
        expect(condition(binding, 'Reconciling')).toMatchObject({ status: 'True' });
      }, 30_000);
      expect(Date.now()).toBeLessThan(lagEnds);
      const credential = managedIdentityCredential(env.emulator, principalId);
      await expect(credential.getToken('https://vault.azure.net/.default')).rejects.toThrow(
        /refused \(400\)/,
      );
      expect(env.emulator.counters().faults.replicationLag.tokenRefused).toBeGreaterThan(0);

      const ready = await eventually(
        async () => {
          const binding = (await readBinding(env, ns, 'lag')) as VaultSecretBinding;
          expect(condition(binding, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
          return binding;
        },
        LAG_S * 1000 + 30_000,
        200,
      );
      const readyAt = Date.now();

      // Through the watch: WaitingForPrincipal first, and the first Ready=True not before the lag ended.
      const seen = watch.seen('lag');
      const firstReady = seen.findIndex((s) => s.status === 'True');
      const firstWaiting = seen.findIndex((s) => s.reason === 'WaitingForPrincipal');
      expect(firstWaiting).toBeGreaterThanOrEqual(0);
      expect(firstReady).toBeGreaterThan(firstWaiting);
      const readySeenAt = seen[firstReady]?.at ?? 0;
      expect(readySeenAt).toBeGreaterThanOrEqual(lagEnds);

      // The grant went out during the lag (Ready came as soon as it ended, not a write later).
      const grantWrites = env.emulator
        .requests(seq)
        .filter((e) => e.operation === 'Microsoft.KeyVault/vaults/accessPolicies/write' && e.status === 200);
      expect(grantWrites.length).toBeGreaterThan(0);
      expect(Date.parse(grantWrites[0]?.at ?? '')).toBeLessThan(lagEnds);

      // Ready is true: the workflow's identity now gets a token and reads the secret.
      const secretUri = ready.status?.secretUri ?? '';
      expect(secretUri).toContain(`/secrets/${DEMO_SECRET_NAME}`);
      const vaultUri = new URL(secretUri).origin;
      const secret = await secretClient(env.emulator, vaultUri, credential).getSecret(DEMO_SECRET_NAME);
      expect(secret.value?.length ?? 0).toBeGreaterThan(0);
      console.info(
        `[must-show] lag ${LAG_S} s: principal created ${new Date(createdAt).toISOString()}, grant written ` +
          `${Date.parse(grantWrites[0]?.at ?? '') - createdAt} ms after, WaitingForPrincipal seen, Ready seen ` +
          `${readySeenAt - createdAt} ms after creation (lag ends at ${LAG_S * 1000} ms; polled at ${readyAt - createdAt} ms)`,
      );
    } finally {
      watch.stop();
    }
  }, 120_000);
});
