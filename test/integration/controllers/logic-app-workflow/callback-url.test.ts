// spec.callbackUrl through the LogicAppWorkflow controller (issue 25, "Must show"): a real API
// server, the emulator over HTTPS, the real @azure/arm-logic client. The Secret holds a URL the
// emulator accepts for a run; after a key rotation by annotation the old URL is refused and the
// Secret holds the new one when the reconcile that handled the annotation ends; deleting the
// workflow deletes the Secret (the envtest API server has no garbage collector: the operator
// deletes it itself).
//
// What operator and emulator both believe about Azure, and where it comes from:
// - WorkflowTriggers_ListCallbackUrl and Workflows_RegenerateAccessKey, api-version 2019-05-01
//   (Azure/azure-rest-api-specs specification/logic/resource-manager/Microsoft.Logic/stable/
//   2019-05-01/logic.json; the contract check holds every body to it);
// - a URL signed with a regenerated key stops working (Microsoft Learn, "Secure access and data
//   in Azure Logic Apps", regenerate access keys): 401 DirectApiInvalidAuthorizationSignature;
// - a Request trigger without a Response action answers 202 Accepted (Microsoft Learn, "Receive
//   and respond to inbound HTTPS calls to workflows in Azure Logic Apps").
// The URL points at the emulator (packages/azure-emulator/README.md, "Callback URLs"): this
// process trusts the emulator's CA, as a caller in a cluster would trust Azure's.
import { CoreV1Api, EventsV1Api, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import {
  annotate,
  condition,
  createWorkflow,
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  workflowManifest,
} from './support/workflow-operator.ts';

const REGENERATE = 'Microsoft.Logic/workflows/regenerateAccessKey/action';
const LIST_CALLBACK_URL = 'Microsoft.Logic/workflows/triggers/listCallbackUrl/action';

describe('LogicAppWorkflow controller: callback URL in a Secret', () => {
  let env: WorkflowOperatorEnv;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const events = adminKubeConfig().makeApiClient(EventsV1Api);

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-callback' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const readSecret = (name: string): Promise<V1Secret | undefined> =>
    core.readNamespacedSecret({ name, namespace: env.namespace }).catch((error: { code?: number }) => {
      if (error.code === 404) return undefined;
      throw error;
    });
  const urlIn = async (name: string, key = 'url') => {
    const data = (await readSecret(name))?.data?.[key];
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString();
  };
  /** A caller in the cluster: POST to the URL from the Secret, trusting the emulator's CA. */
  const call = async (url: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"order":1}',
    });
    const body = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
    return {
      status: response.status,
      code: body?.error?.code,
      runId: response.headers.get('x-ms-workflow-run-id'),
    };
  };
  const count = (operation: string) => env.emu.counters().byOperation[operation]?.count ?? 0;
  const runsOf = (name: string) =>
    Object.entries(env.emu.state.workflowRuns).find(([key]) => key.endsWith(`/workflows/${name}`))?.[1] ?? [];
  const sigOf = (url: string) => new URL(url).searchParams.get('sig') ?? 'no sig';
  /** Where people and tools read: the object's status and its Events. */
  async function reported(name: string): Promise<string> {
    const list = await events.listNamespacedEvent({ namespace: env.namespace });
    const notes = list.items.filter((e) => e.regarding?.name === name).map((e) => `${e.reason}: ${e.note}`);
    return JSON.stringify([(await readWorkflow(env, name))?.status, notes]);
  }

  it('keeps a URL that starts a run; a rotation makes the old one refused and the Secret holds the new one; deletion deletes the Secret', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'orders-intake', {
        subscriptionId: env.emu.subscriptionId,
        identity: { type: 'None' },
        callbackUrl: { secretName: 'orders-intake-callback', secretKey: 'url' },
      }),
    );
    const first = await eventually(async () => {
      const workflow = await readWorkflow(env, 'orders-intake');
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True' });
      const url = await urlIn('orders-intake-callback');
      expect(url).toBeDefined();
      return url!;
    }, 30_000);
    const secret = await readSecret('orders-intake-callback');
    expect(secret?.metadata?.labels?.['logicops.io/workflow']).toBe('orders-intake');
    const workflow = await readWorkflow(env, 'orders-intake');
    expect(secret?.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'LogicAppWorkflow',
        name: 'orders-intake',
        uid: workflow?.metadata.uid,
        controller: true,
      },
    ]);
    expect(workflow?.status?.callbackUrl).toMatchObject({
      secretName: 'orders-intake-callback',
      trigger: 'manual',
    });

    // The emulator accepts the URL for a run.
    const accepted = await call(first);
    expect(accepted.status).toBe(202);
    expect(runsOf('orders-intake')).toEqual([
      expect.objectContaining({ name: accepted.runId, triggerName: 'manual', startedBy: 'callback' }),
    ]);

    // Rotation by annotation: one reconcile regenerates the key, lists the new URL and writes the Secret.
    const regeneratedBefore = count(REGENERATE);
    await annotate(env, 'orders-intake', { 'logicops.io/rotate-access-key': 'rotate-1' });
    await eventually(async () => {
      expect((await readWorkflow(env, 'orders-intake'))?.status?.callbackUrl?.lastHandledRotateRequest).toBe(
        'rotate-1',
      );
    }, 30_000);
    // Status is written at the end of the pass that handled the annotation: the Secret was written before it.
    const second = await urlIn('orders-intake-callback');
    expect(count(REGENERATE)).toBe(regeneratedBefore + 1);
    expect(second).toBeDefined();
    expect(sigOf(second!)).not.toBe(sigOf(first));
    expect(await call(first)).toMatchObject({ status: 401, code: 'DirectApiInvalidAuthorizationSignature' });
    expect((await call(second!)).status).toBe(202);
    expect(runsOf('orders-intake')).toHaveLength(2);

    // Resyncs with the same annotation: no more rotations, no Secret rewrite.
    const listed = count(LIST_CALLBACK_URL);
    const version = (await readSecret('orders-intake-callback'))?.metadata?.resourceVersion;
    await eventually(() => expect(count(LIST_CALLBACK_URL)).toBeGreaterThanOrEqual(listed + 2), 20_000);
    expect(count(REGENERATE)).toBe(regeneratedBefore + 1);
    expect((await readSecret('orders-intake-callback'))?.metadata?.resourceVersion).toBe(version);

    // Neither URL is in status or Events.
    const shown = await reported('orders-intake');
    expect(shown).toContain('AccessKeyRotated');
    for (const url of [first, second!]) expect(shown).not.toContain(sigOf(url));

    await env.custom.deleteNamespacedCustomObject({
      group: 'logicops.io',
      version: 'v1alpha1',
      namespace: env.namespace,
      plural: 'logicappworkflows',
      name: 'orders-intake',
    });
    await eventually(async () => {
      expect(await readWorkflow(env, 'orders-intake')).toBeUndefined();
      expect(await readSecret('orders-intake-callback')).toBeUndefined();
    }, 30_000);
  });

  it('admission refuses a bad spec.callbackUrl with messages naming the field (CEL in the real API server)', async () => {
    const refusal = async (callbackUrl: Record<string, unknown>) => {
      const manifest = workflowManifest(env.namespace, 'refused', {
        subscriptionId: env.emu.subscriptionId,
        callbackUrl: callbackUrl as never,
      });
      const error = await createWorkflow(env, manifest).then(
        () => undefined,
        (e: { body?: unknown }) => String(typeof e.body === 'string' ? e.body : JSON.stringify(e.body)),
      );
      expect(error).toBeDefined();
      return error!;
    };
    expect(await refusal({ secretName: 's', rotateEvery: '30m' })).toContain(
      'callbackUrl.rotateEvery must be at least 1h',
    );
    expect(await refusal({ secretName: 's', rotateEvery: 'monthly' })).toContain(
      'callbackUrl.rotateEvery must be a duration in hours, minutes and seconds such as 720h or 36h30m',
    );
    expect(await refusal({ secretName: 's', trigger: '..' })).toContain(
      'callbackUrl.trigger must be a trigger name',
    );
    expect(await refusal({ secretName: 'Not_A_Name' })).toContain(
      'callbackUrl.secretName must be a Secret name',
    );
    expect(await refusal({ rotateEvery: '24h' })).toContain('secretName');
    expect(await readWorkflow(env, 'refused')).toBeUndefined();
  });

  it("never writes a Secret it does not own: Stalled AlreadyOwned, the team's Secret unchanged", async () => {
    await core.createNamespacedSecret({
      namespace: env.namespace,
      body: { metadata: { name: 'db-password' }, stringData: { password: 'hunter2' } },
    });
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'greedy', {
        subscriptionId: env.emu.subscriptionId,
        identity: { type: 'None' },
        callbackUrl: { secretName: 'db-password', secretKey: 'url' },
      }),
    );
    await eventually(async () => {
      const stalled = condition(await readWorkflow(env, 'greedy'), 'Stalled');
      expect(stalled).toMatchObject({ status: 'True', reason: 'AlreadyOwned' });
      expect(stalled?.message).toContain('is not owned by this LogicAppWorkflow');
    }, 30_000);
    const untouched = await readSecret('db-password');
    expect(Object.keys(untouched?.data ?? {})).toEqual(['password']);
    expect(untouched?.metadata?.ownerReferences).toBeUndefined();
  });
});
