// spec.callbackUrl (issue 25): the callback URL of the Request trigger kept in a Secret of the
// namespace, key rotation by annotation and by schedule (judged on the fake clock), refusal of a
// Secret this workflow does not own, and the Secret's deletion with the workflow. The frame and
// every step run against the in-memory API server and fake gateways (support/fakes.ts: the fake
// callback gateway signs its URL with a counter of regenerated primary keys).
import { ApiException, type V1Secret } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { callbackTriggerOf } from '../../../../src/controllers/logic-app-workflow/callback-url/request-trigger.ts';
import {
  handledRequestValue,
  rotationDue,
} from '../../../../src/controllers/logic-app-workflow/callback-url/rotation.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { StalledError, TerminalError } from '../../../../src/runtime/index.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import type { FakeAzure, FakeKube, RecordingEvents } from './support/fakes.ts';
import { NS, ReconcileHarness, workflowObject } from './support/reconcile-harness.ts';

const HOUR = 3_600_000;
const REQUEST_DEFINITION = {
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {},
};

function workflow(
  callbackUrl: LogicAppWorkflow['spec']['callbackUrl'],
  definition: object = REQUEST_DEFINITION,
): LogicAppWorkflow {
  return workflowObject(
    {
      identity: { type: 'None' },
      definition: definition as LogicAppWorkflow['spec']['definition'],
      ...(callbackUrl ? { callbackUrl } : {}),
    },
    { uid: 'wf-uid-1' },
  );
}

describe('spec.callbackUrl', () => {
  let h: ReconcileHarness;
  let kube: FakeKube;
  let azure: FakeAzure;
  let events: RecordingEvents;
  let clock: FakeClock;

  beforeEach(() => {
    h = new ReconcileHarness({ clock: new FakeClock(Date.UTC(2026, 11, 7, 12)) });
    ({ kube, azure, events, clock } = h);
  });

  const run = (object?: LogicAppWorkflow) => h.run(object);
  const stored = () => h.stored()!;
  const secret = (name = 'wf-callback') => kube.find<V1Secret>('Secret', NS, name);
  const urlIn = (name = 'wf-callback', key = 'url') => {
    const data = secret(name)?.data?.[key];
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString();
  };
  const ready = () => stored().status?.conditions?.find((c) => c.type === 'Ready');
  const secretWrites = () =>
    kube.requests.filter((r) => r.kind === 'Secret' && r.verb !== 'get').map((r) => `${r.verb} ${r.name}`);
  const regenerations = () => azure.calls.filter((c) => c === 'workflows.regenerateAccessKey').length;
  /** Everything the operator put where people and tools read: status and Events. */
  const reported = () => JSON.stringify([stored().status, events.recorded]);
  function annotate(value: string) {
    const next = stored();
    next.metadata.annotations = { ...next.metadata.annotations, 'logicops.io/rotate-access-key': value };
    kube.put(next);
  }

  it('writes the URL into a Secret it owns, labelled for the workflow, and reports only its name', async () => {
    expect(await run(workflow({ secretName: 'wf-callback', secretKey: 'url' }))).toEqual({ type: 'done' });
    expect(urlIn()).toBe('https://callback.test/workflows/wf/triggers/manual/paths/invoke?sv=1.0&sig=key-0');
    expect(secret()?.metadata).toMatchObject({
      labels: { 'logicops.io/workflow': 'wf', 'app.kubernetes.io/managed-by': 'logicops' },
      ownerReferences: [
        {
          apiVersion: 'logicops.io/v1alpha1',
          kind: 'LogicAppWorkflow',
          name: 'wf',
          uid: 'wf-uid-1',
          controller: true,
        },
      ],
    });
    expect(stored().status?.callbackUrl).toEqual({
      secretName: 'wf-callback',
      trigger: 'manual',
      lastRotationTime: '2026-12-07T12:00:00.000Z',
    });
    expect(ready()).toMatchObject({ status: 'True' });
    expect(events.recorded.map((e) => e.reason)).toEqual(['Created', 'CallbackUrlWritten']);
    expect(reported()).not.toContain('sig=');
  });

  it('writes nothing more while the URL stays the same, and rewrites a Secret edited by hand', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url' }));
    await run();
    await run();
    expect(secretWrites()).toEqual(['create wf-callback']);
    expect(regenerations()).toBe(0);

    const edited = secret()!;
    edited.data = { url: Buffer.from('https://wrong.example/').toString('base64'), extra: 'eA==' };
    kube.put(edited);
    await run();
    expect(secretWrites()).toEqual(['create wf-callback', 'patch wf-callback']);
    expect(secret()?.data).toEqual({ url: expect.any(String) });
    expect(urlIn()).toContain('sig=key-0');
  });

  it('rotates once per new annotation value: regenerate, list, Secret rewritten in the same reconcile', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url' }));
    await clock.advance(HOUR);
    annotate('2026-12-07-a');
    expect(await run()).toEqual({ type: 'done' });
    expect(azure.calls.slice(-2)).toEqual([
      'workflows.regenerateAccessKey',
      'workflowTriggers.listCallbackUrl',
    ]);
    expect(urlIn()).toContain('sig=key-1');
    expect(stored().status?.callbackUrl).toMatchObject({
      lastHandledRotateRequest: '2026-12-07-a',
      lastRotationTime: '2026-12-07T13:00:00.000Z',
    });
    expect(events.recorded.at(-1)).toMatchObject({
      reason: 'AccessKeyRotated',
      note: expect.stringContaining('logicops.io/rotate-access-key was set'),
    });
    await run();
    expect(regenerations()).toBe(1);
    annotate('2026-12-07-b');
    await run();
    expect(regenerations()).toBe(2);
    expect(urlIn()).toContain('sig=key-2');
    expect(reported()).not.toContain('sig=');
  });

  it('rotates on schedule, judged on the injected clock from lastRotationTime', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url', rotateEvery: '24h' }));
    await clock.advance(23 * HOUR);
    await run();
    expect(regenerations()).toBe(0);
    await clock.advance(HOUR);
    await run();
    expect(regenerations()).toBe(1);
    expect(urlIn()).toContain('sig=key-1');
    expect(stored().status?.callbackUrl?.lastRotationTime).toBe('2026-12-08T12:00:00.000Z');
    expect(events.recorded.at(-1)?.note).toContain('rotateEvery is 24h');
    // The count starts again from the rotation.
    await clock.advance(23 * HOUR);
    await run();
    expect(regenerations()).toBe(1);
  });

  it('does not rotate while paused; the rotation happens once unpaused', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url', rotateEvery: '1h' }));
    const paused = stored();
    paused.metadata.annotations = { 'logicops.io/paused': 'true' };
    kube.put(paused);
    await clock.advance(2 * HOUR);
    await run();
    expect(regenerations()).toBe(0);
    const resumed = stored();
    resumed.metadata.annotations = {};
    kube.put(resumed);
    await run();
    expect(regenerations()).toBe(1);
  });

  it('refuses a Secret of that name it does not own: Stalled AlreadyOwned, the Secret untouched, no URL asked for', async () => {
    const teams: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-password', namespace: NS },
      data: { password: 'aHVudGVyMg==' },
    };
    kube.put(teams);
    await expect(run(workflow({ secretName: 'db-password', secretKey: 'url' }))).rejects.toThrow(
      StalledError,
    );
    expect(ready()).toMatchObject({ status: 'False', reason: 'AlreadyOwned' });
    expect(ready()?.message).toContain(
      'Secret team-a/db-password exists and is not owned by this LogicAppWorkflow',
    );
    expect(secret('db-password')?.data).toEqual({ password: 'aHVudGVyMg==' });
    expect(secretWrites()).toEqual([]);
    expect(azure.calls).not.toContain('workflowTriggers.listCallbackUrl');
    expect(events.recorded.at(-1)).toMatchObject({ type: 'Warning', reason: 'AlreadyOwned' });

    // Deleting the workflow leaves the team's Secret alone too.
    const deleting = stored();
    deleting.metadata.deletionTimestamp = new Date('2026-12-07T13:00:00Z');
    kube.put(deleting);
    await run();
    expect(secret('db-password')?.data).toEqual({ password: 'aHVudGVyMg==' });
  });

  it('says which namespace the chart must list when RBAC forbids Secrets there (Stalled AuthorizationFailed)', async () => {
    const logCalls = kube.beforeRequest;
    kube.beforeRequest = (request) => {
      if (request.kind === 'Secret') {
        throw new ApiException(403, 'Forbidden', { kind: 'Status', code: 403, reason: 'Forbidden' }, {});
      }
      logCalls?.(request);
    };
    await expect(run(workflow({ secretName: 'wf-callback', secretKey: 'url' }))).rejects.toThrow(
      StalledError,
    );
    expect(ready()).toMatchObject({ reason: 'AuthorizationFailed' });
    expect(ready()?.message).toContain('Secrets in namespace team-a');
    expect(ready()?.message).toContain("lists namespace team-a in the chart's workflowSecrets.namespaces");
    expect(azure.calls).not.toContain('workflowTriggers.listCallbackUrl');

    // Such a workflow can still be deleted: the finalizer does not wait on a Secret it may not touch.
    const deleting = stored();
    deleting.metadata.deletionTimestamp = new Date('2026-12-07T13:00:00Z');
    kube.put(deleting);
    await run();
    expect(kube.find('LogicAppWorkflow', NS, 'wf')).toBeUndefined();
  });

  it('does not rotate twice when listing the new URL fails after the key was regenerated', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url' }));
    annotate('once');
    azure.failNext.set('workflowTriggers.listCallbackUrl', {
      kind: 'retry',
      reason: 'serverError',
      message: 'connection reset',
    });
    await expect(run()).rejects.toThrow();
    expect(regenerations()).toBe(1);
    // The status written by that failed pass remembers the rotation: the retry only lists and writes.
    expect(stored().status?.callbackUrl?.lastHandledRotateRequest).toBe('once');
    expect(await run()).toEqual({ type: 'done' });
    expect(regenerations()).toBe(1);
    expect(urlIn()).toContain('sig=key-1');
  });

  it('refuses a definition without a Request trigger before writing anything to Azure', async () => {
    const recurrence = {
      triggers: { hourly: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } },
      actions: {},
    };
    await expect(run(workflow({ secretName: 'wf-callback', secretKey: 'url' }, recurrence))).rejects.toThrow(
      TerminalError,
    );
    expect(ready()).toMatchObject({ reason: 'InvalidSpec' });
    expect(ready()?.message).toContain('the definition has no Request trigger');
    expect(azure.calls).not.toContain('workflows.createOrUpdate');
  });

  it('moves to a new secretName (the old Secret goes) and deletes its Secret with the workflow', async () => {
    await run(workflow({ secretName: 'wf-callback', secretKey: 'url' }));
    const renamed = stored();
    renamed.metadata.generation = 2;
    renamed.spec.callbackUrl = { secretName: 'wf-callback-2', secretKey: 'endpoint' };
    await run(renamed);
    expect(secret()).toBeUndefined();
    expect(urlIn('wf-callback-2', 'endpoint')).toContain('sig=key-0');

    const deleting = stored();
    deleting.metadata.deletionTimestamp = new Date('2026-12-07T13:00:00Z');
    kube.put(deleting);
    await run();
    expect(secret('wf-callback-2')).toBeUndefined();
    expect(kube.find('LogicAppWorkflow', NS, 'wf')).toBeUndefined();
  });
});

describe('callbackTriggerOf', () => {
  const spec = { secretName: 's', secretKey: 'url' };
  const definition = (triggers: Record<string, { type: string }>) => ({ triggers });

  it('takes the only Request trigger, or the one named', () => {
    expect(
      callbackTriggerOf(definition({ manual: { type: 'Request' }, tick: { type: 'Recurrence' } }), spec),
    ).toEqual({
      trigger: 'manual',
    });
    expect(
      callbackTriggerOf(definition({ a: { type: 'request' }, b: { type: 'Request' } }), {
        ...spec,
        trigger: 'b',
      }),
    ).toEqual({ trigger: 'b' });
  });

  it('names the problem: several Request triggers, a named trigger of another type or missing', () => {
    expect(callbackTriggerOf(definition({ a: { type: 'Request' }, b: { type: 'Request' } }), spec)).toEqual({
      problem: expect.stringContaining(
        "several Request triggers ('a', 'b'): name one in spec.callbackUrl.trigger",
      ),
    });
    expect(
      callbackTriggerOf(definition({ tick: { type: 'Recurrence' } }), { ...spec, trigger: 'tick' }),
    ).toEqual({
      problem: expect.stringContaining(
        "'tick' of type 'Recurrence': only Request triggers have a callback URL",
      ),
    });
    expect(
      callbackTriggerOf(definition({ manual: { type: 'Request' } }), { ...spec, trigger: 'other' }),
    ).toEqual({
      problem: expect.stringContaining(
        "names 'other', which the definition does not declare (its triggers: 'manual')",
      ),
    });
  });
});

describe('rotationDue (on the injected clock)', () => {
  const spec = { secretName: 's', secretKey: 'url' };
  const now = new Date('2026-12-08T12:00:00Z');

  it('is due on an annotation value status has not echoed, and not on one it has', () => {
    expect(rotationDue({ spec, status: undefined, annotation: 'a', now })).toEqual({
      by: 'annotation',
      request: 'a',
    });
    expect(
      rotationDue({ spec, status: { lastHandledRotateRequest: 'a' }, annotation: 'a', now }),
    ).toBeUndefined();
  });

  it('remembers a long annotation value by a digest that fits status (256 characters)', () => {
    const long = 'x'.repeat(300);
    const kept = handledRequestValue(long);
    expect(kept).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      rotationDue({ spec, status: { lastHandledRotateRequest: kept }, annotation: long, now }),
    ).toBeUndefined();
    expect(handledRequestValue('short')).toBe('short');
  });

  it('is due once rotateEvery has passed since lastRotationTime, never without a known last rotation', () => {
    const every = { ...spec, rotateEvery: '36h30m' };
    const at = (iso: string) => ({ lastRotationTime: iso });
    expect(
      rotationDue({ spec: every, status: at('2026-12-07T00:00:00Z'), annotation: undefined, now }),
    ).toBeUndefined();
    expect(
      rotationDue({ spec: every, status: at('2026-12-06T23:30:00Z'), annotation: undefined, now }),
    ).toEqual({
      by: 'schedule',
      every: '36h30m',
    });
    expect(rotationDue({ spec: every, status: undefined, annotation: undefined, now })).toBeUndefined();
    expect(
      rotationDue({ spec, status: at('2020-01-01T00:00:00Z'), annotation: undefined, now }),
    ).toBeUndefined();
  });
});
