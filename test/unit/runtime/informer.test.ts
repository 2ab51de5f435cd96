import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { Informer } from '../../../src/runtime/informer.ts';
import type { ResourceKind } from '../../../src/runtime/kube-client.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { FakeListWatch, httpError } from './support/fake-list-watch.ts';

const CONFIG_MAP: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

const informers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const informer of informers.splice(0)) await informer.stop();
});

async function started(server: FakeListWatch, namespaces = ['ns']) {
  const clock = new FakeClock();
  const informer = new Informer({
    client: server,
    kind: CONFIG_MAP,
    namespaces,
    logger: silentLogger(),
    clock,
    random: () => 0.5, // no jitter: backoff is exactly 800 ms, 1.6 s, …
  });
  informers.push(informer);
  const events: string[] = [];
  informer.subscribe((event) => events.push(`${event.type} ${event.object.metadata?.name}`));
  informer.start();
  await clock.advance(0);
  return { clock, informer, events };
}

describe('Informer (scripted server)', () => {
  it('lists, syncs, then applies watch events from the list resourceVersion', async () => {
    const server = new FakeListWatch();
    server.put('a');
    const { informer, events, clock } = await started(server);
    expect(informer.hasSynced).toBe(true);
    expect(server.openWatch?.resourceVersion).toBe(String(server.resourceVersion));
    server.openWatch?.emit('ADDED', server.put('b'));
    server.openWatch?.emit('DELETED', server.drop('a')!);
    await clock.advance(0);
    expect(informer.keys()).toEqual(['ns/b']);
    expect(events).toEqual(['added a', 'added b', 'deleted a']);
  });

  it('relists on an in-stream 410 and reports deletes it missed', async () => {
    const server = new FakeListWatch();
    server.put('a');
    server.put('b');
    const { informer, events, clock } = await started(server);
    server.drop('a'); // never delivered on the watch
    server.openWatch?.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' } as never);
    await clock.advance(0);
    expect(server.lists).toHaveLength(2);
    expect(informer.keys()).toEqual(['ns/b']);
    expect(events).toContain('deleted a');
    expect(server.openWatch).toBeDefined();
  });

  it('relists when the watch request itself fails with HTTP 410', async () => {
    const server = new FakeListWatch();
    const { clock } = await started(server);
    server.openWatch?.end(httpError(410));
    await clock.advance(0);
    expect(server.lists).toHaveLength(2);
  });

  it('resumes from the last resourceVersion, without a relist, when a quiet watch times out', async () => {
    const server = new FakeListWatch();
    const { clock } = await started(server);
    await clock.advance(5_000);
    server.openWatch?.emit('BOOKMARK', { metadata: { resourceVersion: '555' } });
    server.openWatch?.end(Object.assign(new Error('aborted'), { name: 'TimeoutError' }));
    await clock.advance(0);
    expect(server.lists).toHaveLength(1);
    expect(server.openWatch?.resourceVersion).toBe('555');
  });

  it('backs off and retries after any other error, and never gives up', async () => {
    const server = new FakeListWatch();
    server.listErrors.push(httpError(500), new Error('ECONNREFUSED'), httpError(503));
    const { informer, clock } = await started(server);
    expect(informer.hasSynced).toBe(false);
    await clock.advance(799);
    expect(server.lists).toHaveLength(1);
    await clock.advance(1);
    expect(server.lists).toHaveLength(2);
    await clock.advance(1_600);
    expect(server.lists).toHaveLength(3);
    await clock.advance(3_200);
    expect(server.lists).toHaveLength(4);
    expect(informer.hasSynced).toBe(true);
    // A broken watch (not 410) resumes from where it was, after the backoff (reset by the success).
    const before = server.openWatch!;
    before.end(httpError(500));
    await clock.advance(800);
    expect(server.openWatch?.resourceVersion).toBe(before.resourceVersion);
    expect(server.lists).toHaveLength(4);
  });

  it('keeps watching when an event handler throws', async () => {
    const server = new FakeListWatch();
    const { informer, clock } = await started(server);
    informer.subscribe(() => {
      throw new Error('handler bug');
    });
    server.openWatch?.emit('ADDED', server.put('a'));
    server.openWatch?.emit('ADDED', server.put('b'));
    await clock.advance(0);
    expect(informer.keys()).toEqual(['ns/a', 'ns/b']);
  });

  it('is synced only once every namespace has been listed, and keeps each namespace apart', async () => {
    const server = new FakeListWatch();
    server.put('a', 'one');
    server.put('b', 'two');
    server.put('c', 'three');
    server.listErrors.push(undefined, httpError(500));
    const { informer, clock } = await started(server, ['one', 'two']);
    expect(informer.hasSynced).toBe(false);
    await clock.advance(800);
    expect(informer.hasSynced).toBe(true);
    expect(informer.keys().sort()).toEqual(['one/a', 'two/b']);
  });

  it('stops: ends its watches and exits its loops', async () => {
    const server = new FakeListWatch();
    const { informer } = await started(server);
    const watch = server.openWatch!;
    await informer.stop();
    expect(watch.aborted).toBe(true);
    expect(server.openWatch).toBeUndefined();
  });
});
