import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { Controller, type ControllerOptions, type ReconcileFn } from '../../../src/runtime/controller.ts';
import { ObjectStore } from '../../../src/runtime/object-store.ts';
import {
  done,
  type ReconcileResult,
  requeueAfter,
  StalledError,
  TerminalError,
} from '../../../src/runtime/reconcile-result.ts';
import { FakeClock } from '../../support/fake-clock.ts';

interface Widget extends KubernetesObject {
  spec?: { size?: number };
}

function widget(name: string, generation = 1, resourceVersion = '1'): Widget {
  return {
    apiVersion: 'test/v1',
    kind: 'Widget',
    metadata: { namespace: 'ns', name, generation, resourceVersion },
  };
}

const started: Array<Controller<Widget>> = [];
afterEach(async () => {
  for (const controller of started.splice(0)) await controller.stop();
});

/** A controller over an in-memory store (the informer's cache without an API server). */
async function harness(
  reconcile: ReconcileFn<Widget>,
  options: Partial<ControllerOptions<Widget>> = {},
  objects: Widget[] = [],
) {
  const clock = new FakeClock();
  const store = new ObjectStore<Widget>(silentLogger());
  for (const object of objects) store.upsert(object);
  store.markSynced();
  const controller = new Controller<Widget>({
    name: 'widget',
    source: store,
    reconcile,
    logger: silentLogger(),
    clock,
    random: () => 0.5, // no jitter: resync is exactly 10 min
    ...options,
  });
  started.push(controller);
  await controller.start();
  await clock.advance(0);
  return { clock, store, controller };
}

/** A reconcile that records calls and answers from a script (default: done). */
function scripted(answers: Array<() => ReconcileResult> = []) {
  const calls: string[] = [];
  const reconcile: ReconcileFn<Widget> = async (object) => {
    calls.push(`${object.metadata?.name}@${object.metadata?.generation}`);
    const answer = answers.shift();
    return answer ? answer() : done();
  };
  return { calls, reconcile };
}

describe('Controller', () => {
  it('reconciles every cached object once at start, then again at the resync period', async () => {
    const { calls, reconcile } = scripted();
    const { clock } = await harness(reconcile, {}, [widget('a'), widget('b')]);
    expect(calls).toEqual(['a@1', 'b@1']);
    await clock.advance(10 * 60_000 - 1);
    expect(calls).toHaveLength(2);
    await clock.advance(1);
    expect(calls).toEqual(['a@1', 'b@1', 'a@1', 'b@1']);
  });

  it('jitters the resync within ± 10 %', async () => {
    // The lowest draw brings the resync to exactly 9 min, the highest to 11 min: not a moment
    // sooner or later (a wider jitter would fail one of the two).
    const low = scripted();
    const { clock: lowClock } = await harness(low.reconcile, { random: () => 0 }, [widget('a')]);
    await lowClock.advance(9 * 60_000 - 1);
    expect(low.calls).toHaveLength(1);
    await lowClock.advance(1);
    expect(low.calls).toHaveLength(2);

    const high = scripted();
    const { clock: highClock } = await harness(high.reconcile, { random: () => 1 - 2 ** -53 }, [widget('a')]);
    await highClock.advance(11 * 60_000 - 1);
    expect(high.calls).toHaveLength(1);
    await highClock.advance(1);
    expect(high.calls).toHaveLength(2);
  });

  it('retries a failing reconcile with growing backoff and resets it on success', async () => {
    const fail = () => {
      throw new Error('ARM 500');
    };
    const { calls, reconcile } = scripted([fail, fail, fail, () => done()]);
    const { clock, controller } = await harness(reconcile, {}, [widget('a')]);
    expect(calls).toHaveLength(1);
    await clock.advance(1_000);
    expect(calls).toHaveLength(2);
    await clock.advance(1_999);
    expect(calls).toHaveLength(2);
    await clock.advance(1);
    expect(calls).toHaveLength(3);
    await clock.advance(4_000);
    expect(calls).toHaveLength(4);
    expect(controller.queue.failures('ns/a')).toBe(0);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const { calls, reconcile } = scripted([() => requeueAfter(30_000)]);
    const { clock } = await harness(reconcile, {}, [widget('a')]);
    await clock.advance(30_000);
    expect(calls).toHaveLength(2);
  });

  it('does not retry a terminal error until the generation changes', async () => {
    const { calls, reconcile } = scripted([
      () => {
        throw new TerminalError('InvalidSpec', 'size must be positive');
      },
    ]);
    const { clock, store } = await harness(reconcile, {}, [widget('a')]);
    await clock.advance(60 * 60_000);
    expect(calls).toEqual(['a@1']);
    // A metadata-only change (same generation) is still held back.
    store.upsert(widget('a', 1, '2'));
    await clock.advance(0);
    expect(calls).toEqual(['a@1']);
    store.upsert(widget('a', 2, '3'));
    await clock.advance(0);
    expect(calls).toEqual(['a@1', 'a@2']);
  });

  it('retries a stalled reconcile at resync cadence and when a related object changes', async () => {
    const stall = () => {
      throw new StalledError('AuthorizationFailed', 'no role assignment');
    };
    const { calls, reconcile } = scripted([stall, stall, stall]);
    const related = new ObjectStore<KubernetesObject>(silentLogger());
    related.markSynced();
    const clock = new FakeClock();
    const store = new ObjectStore<Widget>(silentLogger());
    store.upsert(widget('a'));
    store.markSynced();
    const controller = new Controller<Widget>({
      name: 'widget',
      source: store,
      reconcile,
      logger: silentLogger(),
      clock,
      random: () => 0.5,
    }).watches(related, () => ['ns/a']);
    started.push(controller);
    await controller.start();
    await clock.advance(0);
    expect(calls).toHaveLength(1);
    // No backoff retries.
    await clock.advance(5 * 60_000);
    expect(calls).toHaveLength(1);
    related.upsert({ metadata: { namespace: 'ns', name: 'cm', resourceVersion: '1' } });
    await clock.advance(0);
    expect(calls).toHaveLength(2);
    await clock.advance(10 * 60_000);
    expect(calls).toHaveLength(3);
  });

  it('maps both the old and the new state of a related object to keys', async () => {
    const { calls, reconcile } = scripted();
    const clock = new FakeClock();
    const store = new ObjectStore<Widget>(silentLogger());
    store.upsert(widget('a'));
    store.upsert(widget('b'));
    store.markSynced();
    const bindings = new ObjectStore<KubernetesObject & { spec: { widget: string } }>(silentLogger());
    bindings.markSynced();
    const controller = new Controller<Widget>({
      name: 'widget',
      source: store,
      reconcile,
      logger: silentLogger(),
      clock,
      random: () => 0.5,
    }).watches(bindings, (binding) => [`ns/${binding.spec.widget}`]);
    started.push(controller);
    await controller.start();
    await clock.advance(0);
    calls.length = 0;
    const binding = {
      metadata: { namespace: 'ns', name: 'bind', resourceVersion: '1' },
      spec: { widget: 'a' },
    };
    bindings.upsert(binding);
    await clock.advance(0);
    expect(calls).toEqual(['a@1']);
    bindings.upsert({
      ...binding,
      metadata: { ...binding.metadata, resourceVersion: '2' },
      spec: { widget: 'b' },
    });
    await clock.advance(0);
    expect(calls.sort()).toEqual(['a@1', 'a@1', 'b@1']);
  });

  it('ignores updates of a related object that its filter says do not matter', async () => {
    const { calls, reconcile } = scripted();
    const clock = new FakeClock();
    const store = new ObjectStore<Widget>(silentLogger());
    store.upsert(widget('a'));
    store.markSynced();
    type Binding = KubernetesObject & { spec: { widget: string }; status?: { note?: string } };
    const bindings = new ObjectStore<Binding>(silentLogger());
    bindings.markSynced();
    const controller = new Controller<Widget>({
      name: 'widget',
      source: store,
      reconcile,
      logger: silentLogger(),
      clock,
      random: () => 0.5,
    }).watches(bindings, (binding) => [`ns/${binding.spec.widget}`], {
      shouldEnqueueUpdate: (previous, current) => previous.spec.widget !== current.spec.widget,
    });
    started.push(controller);
    await controller.start();
    await clock.advance(0);
    calls.length = 0;
    const binding: Binding = {
      metadata: { namespace: 'ns', name: 'b', resourceVersion: '1' },
      spec: { widget: 'a' },
    };
    bindings.upsert(binding);
    await clock.advance(0);
    expect(calls).toEqual(['a@1']); // adds always map
    bindings.upsert({
      ...binding,
      metadata: { ...binding.metadata, resourceVersion: '2' },
      status: { note: 'x' },
    });
    await clock.advance(0);
    expect(calls).toEqual(['a@1']); // a status-only update is filtered out
    bindings.remove(binding);
    await clock.advance(0);
    expect(calls).toEqual(['a@1', 'a@1']); // deletes always map
  });

  it('asks the resync hook when a key comes back, and falls back to the jittered period on a bad answer', async () => {
    const { calls, reconcile } = scripted();
    const asked: Array<[string, number]> = [];
    const { clock } = await harness(
      reconcile,
      {
        resyncDelay: (key, object, jittered) => {
          asked.push([key, jittered]);
          return object.metadata?.name === 'a' ? 42_000 : Number.NaN;
        },
      },
      [widget('a'), widget('b')],
    );
    expect(asked).toEqual([
      ['ns/a', 600_000],
      ['ns/b', 600_000],
    ]);
    await clock.advance(42_000);
    expect(calls).toEqual(['a@1', 'b@1', 'a@1']);
    await clock.advance(600_000 - 42_000 - 1);
    expect(calls.filter((call) => call === 'b@1')).toHaveLength(1);
    await clock.advance(1);
    expect(calls.filter((call) => call === 'b@1')).toHaveLength(2);
  });

  it('does not reconcile an object that is gone from the cache', async () => {
    const { calls, reconcile } = scripted();
    const { clock, store } = await harness(reconcile, {}, [widget('a')]);
    store.remove(widget('a'));
    await clock.advance(60 * 60_000);
    expect(calls).toEqual(['a@1']);
  });

  it('hands the reconcile a mutable copy and keeps the cached object frozen', async () => {
    let mutated: Widget | undefined;
    const { store } = await harness(
      async (object) => {
        object.spec = { size: 3 };
        mutated = object;
        return done();
      },
      {},
      [widget('a')],
    );
    expect(mutated?.spec?.size).toBe(3);
    expect(store.get('ns/a')?.spec).toBeUndefined();
    expect(() => {
      (store.get('ns/a') as Widget).spec = { size: 1 };
    }).toThrow(TypeError);
  });

  it('runs at most `workers` reconciles at once and never one key twice at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const runningKeys = new Set<string>();
    const releases: Array<() => void> = [];
    let overlapped = false;
    const reconcile: ReconcileFn<Widget> = async (_object, { key }) => {
      if (runningKeys.has(key)) overlapped = true;
      runningKeys.add(key);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      runningKeys.delete(key);
      return done();
    };
    const objects = ['a', 'b', 'c', 'd', 'e'].map((n) => widget(n));
    const { clock, store } = await harness(reconcile, { workers: 2 }, objects);
    // While a and b run, a changes: it must wait for its running reconcile.
    store.upsert(widget('a', 2, '2'));
    for (let round = 0; round < 10; round++) {
      await clock.advance(0);
      for (const release of releases.splice(0)) release();
    }
    expect(maxRunning).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('keeps working when an event handler mapping throws', async () => {
    const { calls, reconcile } = scripted();
    const clock = new FakeClock();
    const store = new ObjectStore<Widget>(silentLogger());
    store.markSynced();
    const related = new ObjectStore<KubernetesObject>(silentLogger());
    related.markSynced();
    const controller = new Controller<Widget>({
      name: 'widget',
      source: store,
      reconcile,
      logger: silentLogger(),
      clock,
    }).watches(related, () => {
      throw new Error('mapping bug');
    });
    started.push(controller);
    await controller.start();
    related.upsert({ metadata: { namespace: 'ns', name: 'x', resourceVersion: '1' } });
    store.upsert(widget('a'));
    await clock.advance(0);
    expect(calls).toEqual(['a@1']);
  });

  it('fails to start when caches never sync', async () => {
    const clock = new FakeClock();
    const store = new ObjectStore<Widget>(silentLogger());
    const controller = new Controller<Widget>({
      name: 'widget',
      source: store,
      reconcile: async () => done(),
      logger: silentLogger(),
      clock,
      cacheSyncTimeoutMs: 1_000,
    });
    const starting = controller.start();
    const outcome = expect(starting).rejects.toThrow(/did not sync within 1000 ms/);
    await clock.advance(1_000);
    await outcome;
  });

  it('reports each outcome to its observer', async () => {
    const outcomes: string[] = [];
    const { reconcile } = scripted([
      () => {
        throw new TerminalError('InvalidSpec', 'x');
      },
    ]);
    await harness(
      reconcile,
      { observer: { reconciled: (key, outcome) => outcomes.push(`${key} ${outcome}`) } },
      [widget('a')],
    );
    expect(outcomes).toEqual(['ns/a terminal']);
  });

  it('stops: waits for a running reconcile, then hands out nothing more', async () => {
    let release: () => void = () => {};
    const calls: string[] = [];
    const { clock, controller, store } = await harness(
      async (object) => {
        calls.push(object.metadata?.name ?? '');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return done();
      },
      {},
      [widget('a')],
    );
    let stopped = false;
    const stopping = controller.stop().then(() => {
      stopped = true;
    });
    await clock.advance(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    store.upsert(widget('b'));
    await clock.advance(60 * 60_000);
    expect(calls).toEqual(['a']);
  });
});
