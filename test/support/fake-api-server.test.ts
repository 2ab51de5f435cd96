// The fake API server refuses what the real one refuses: a stale resourceVersion (409), a failed
// JSON Patch `test` (422), and it keeps /status and the object apart. The runtime's own helpers
// (finalizers.ts, status-patcher.ts) are driven through it to show they see those refusals.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { addFinalizer, removeFinalizer } from '../../src/runtime/finalizers.ts';
import { PatchStrategy, type ResourceKind } from '../../src/runtime/kube-client.ts';
import { httpStatusOf } from '../../src/runtime/kube-errors.ts';
import { StatusPatcher } from '../../src/runtime/status-patcher.ts';
import { FakeApiServer } from './fake-api-server.ts';

const WIDGETS: ResourceKind = {
  group: 'test',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};

interface Widget extends KubernetesObject {
  spec?: { size: number };
  status?: { phase?: string; seen?: number };
}

const widget = (finalizers?: string[]): Widget => ({
  apiVersion: 'test/v1',
  kind: 'Widget',
  metadata: { namespace: 'ns', name: 'w', ...(finalizers ? { finalizers } : {}) },
  spec: { size: 1 },
});

async function refusal(work: Promise<unknown>): Promise<number | undefined> {
  try {
    await work;
  } catch (error) {
    return httpStatusOf(error);
  }
  throw new Error('the request was not refused');
}

describe('FakeApiServer', () => {
  it('gives every stored change a new resourceVersion, and none to a patch that changes nothing', async () => {
    const server = new FakeApiServer();
    const first = server.put(widget());
    const client = server.asClient();
    const patched = await client.patch<Widget>(
      WIDGETS,
      { namespace: 'ns', name: 'w' },
      PatchStrategy.MergePatch,
      {
        spec: { size: 2 },
      },
    );
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(
      Number(first.metadata?.resourceVersion),
    );
    const again = await client.patch<Widget>(
      WIDGETS,
      { namespace: 'ns', name: 'w' },
      PatchStrategy.MergePatch,
      {
        spec: { size: 2 },
      },
    );
    expect(again.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);
  });

  it('answers 409 to a merge patch computed from a stale resourceVersion, and applies nothing', async () => {
    const server = new FakeApiServer();
    const stale = server.put(widget());
    server.put({ ...stale, spec: { size: 5 } });
    const status = await refusal(
      server
        .asClient()
        .patch(WIDGETS, { namespace: 'ns', name: 'w', subresource: 'status' }, PatchStrategy.MergePatch, {
          metadata: { resourceVersion: stale.metadata?.resourceVersion },
          status: { phase: 'Ready' },
        }),
    );
    expect(status).toBe(409);
    expect(server.read<Widget>('Widget', 'ns', 'w').status).toBeUndefined();
  });

  it('answers 422 to a JSON Patch whose test fails, and applies none of its operations', async () => {
    const server = new FakeApiServer();
    server.put(widget(['theirs']));
    const status = await refusal(
      server.asClient().patch(WIDGETS, { namespace: 'ns', name: 'w' }, PatchStrategy.JsonPatch, [
        { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
        { op: 'test', path: '/metadata/finalizers', value: [] },
        { op: 'add', path: '/metadata/finalizers/-', value: 'ours' },
      ]),
    );
    expect(status).toBe(422);
    expect(server.read<Widget>('Widget', 'ns', 'w').metadata).toMatchObject({ finalizers: ['theirs'] });
    expect(server.read<Widget>('Widget', 'ns', 'w').metadata?.labels).toBeUndefined();
  });

  it('answers 422 to a remove of a path that is not there; a test for null passes on an absent member', async () => {
    const server = new FakeApiServer();
    server.put(widget());
    const client = server.asClient();
    expect(
      await refusal(
        client.patch(WIDGETS, { namespace: 'ns', name: 'w' }, PatchStrategy.JsonPatch, [
          { op: 'remove', path: '/metadata/finalizers/0' },
        ]),
      ),
    ).toBe(422);
    const added = await client.patch<Widget>(
      WIDGETS,
      { namespace: 'ns', name: 'w' },
      PatchStrategy.JsonPatch,
      [
        { op: 'test', path: '/metadata/finalizers', value: null },
        { op: 'add', path: '/metadata/finalizers', value: ['ours'] },
      ],
    );
    expect(added.metadata?.finalizers).toEqual(['ours']);
  });

  it('keeps /status and the object apart', async () => {
    const server = new FakeApiServer();
    server.put(widget());
    const client = server.asClient();
    await client.patch(
      WIDGETS,
      { namespace: 'ns', name: 'w', subresource: 'status' },
      PatchStrategy.MergePatch,
      {
        spec: { size: 9 },
        status: { phase: 'Ready' },
      },
    );
    await client.patch(WIDGETS, { namespace: 'ns', name: 'w' }, PatchStrategy.MergePatch, {
      status: { phase: 'Lost' },
    });
    expect(server.read<Widget>('Widget', 'ns', 'w')).toMatchObject({
      spec: { size: 1 },
      status: { phase: 'Ready' },
    });
  });

  it('deletes an object being deleted once its last finalizer is removed', async () => {
    const server = new FakeApiServer();
    const stored = server.put({
      ...widget(['ours']),
      metadata: { ...widget(['ours']).metadata, deletionTimestamp: new Date() },
    });
    expect(await removeFinalizer(server.asClient(), WIDGETS, stored, 'ours')).toBeDefined();
    expect(server.find('Widget', 'ns', 'w')).toBeUndefined();
  });

  it("drives the runtime's helpers through their conflict paths", async () => {
    const server = new FakeApiServer();
    const stale = server.put(widget());
    // Someone else adds a finalizer after our copy was read: our add's test fails, we re-read and add.
    server.put({ ...stale, metadata: { ...stale.metadata, finalizers: ['theirs'] } });
    const guarded = await addFinalizer(server.asClient(), WIDGETS, stale, 'ours');
    expect(guarded.metadata?.finalizers).toEqual(['theirs', 'ours']);
    // A status computed from an older copy conflicts once, then is written on the fresh one.
    const result = await new StatusPatcher(server.asClient()).patch<NonNullable<Widget['status']>, Widget>(
      WIDGETS,
      stale,
      (status) => {
        status.seen = 1;
      },
    );
    expect(result).toMatchObject({ outcome: 'patched', conflicts: 1 });
    expect(server.requests.map((r) => `${r.verb}${r.subresource ? ` ${r.subresource}` : ''}`)).toEqual([
      'patch',
      'get',
      'patch',
      'patch status',
      'get',
      'patch status',
    ]);
  });
});

describe('the fake API server: create and delete', () => {
  it('creates an object once (409 AlreadyExists after), and deletes it once (404 after)', async () => {
    const server = new FakeApiServer();
    const client = server.asClient();
    const created = await client.create<Widget>(WIDGETS, { namespace: 'ns' }, widget());
    expect(created.metadata?.resourceVersion).toBeDefined();
    expect(created.metadata?.uid).toBeDefined();
    expect(server.find('Widget', 'ns', 'w')).toMatchObject({ spec: { size: 1 } });
    expect(await refusal(client.create(WIDGETS, { namespace: 'ns' }, widget()))).toBe(409);
    await client.delete(WIDGETS, { namespace: 'ns', name: 'w' });
    expect(server.find('Widget', 'ns', 'w')).toBeUndefined();
    expect(await refusal(client.delete(WIDGETS, { namespace: 'ns', name: 'w' }))).toBe(404);
  });
});
