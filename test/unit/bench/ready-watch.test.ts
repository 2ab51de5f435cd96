import { describe, expect, it } from 'vitest';
import { ProcessMonitor, recordConvergence } from '../../../bench/measure.ts';
import {
  type BenchPlural,
  countReadyViews,
  type ReadyCount,
  type ReadySource,
  readyViewOf,
} from '../../../bench/ready-watch.ts';

const object = (conditions?: Array<{ type: string; status: string; reason?: string }>) => ({
  apiVersion: 'logicops.io/v1alpha1',
  kind: 'LogicAppWorkflow',
  metadata: { name: 'w1', namespace: 'team-a', managedFields: [{ manager: 'x' }] },
  spec: { definition: { big: 'x'.repeat(1000) } },
  ...(conditions ? { status: { conditions } } : {}),
});

describe('readyViewOf', () => {
  it('keeps the key and the Ready condition only (no spec, no managedFields)', () => {
    const view = readyViewOf(object([{ type: 'Ready', status: 'True', reason: 'Ready' }]));
    expect(view).toEqual({
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: { name: 'w1', namespace: 'team-a' },
      ready: true,
      reason: '',
    });
  });

  it("names Ready's reason while not Ready, and NoStatusYet before any status", () => {
    expect(readyViewOf(object([{ type: 'Ready', status: 'False', reason: 'Progressing' }]))).toMatchObject({
      ready: false,
      reason: 'Progressing',
    });
    expect(readyViewOf(object())).toMatchObject({ ready: false, reason: 'NoStatusYet' });
  });
});

describe('countReadyViews', () => {
  it('counts Ready and tallies the reasons of the rest', () => {
    expect(
      countReadyViews([
        { ready: true, reason: '' },
        { ready: false, reason: 'Progressing' },
        { ready: false, reason: 'Progressing' },
        { ready: false, reason: 'NoStatusYet' },
      ]),
    ).toEqual({ ready: 1, total: 4, notReadyReasons: { Progressing: 2, NoStatusYet: 1 } });
  });
});

/** A ReadySource whose counts and times the test sets. */
class ScriptedReady implements ReadySource {
  counts: Record<string, ReadyCount> = {};
  readyAt: Record<string, number> = {};
  count(namespace: string, plural: BenchPlural): ReadyCount {
    return this.counts[`${namespace}/${plural}`] ?? { ready: 0, total: 0, notReadyReasons: {} };
  }
  lastBecameReadyAt(namespace: string, plural?: BenchPlural): number | undefined {
    return this.readyAt[plural ? `${namespace}/${plural}` : namespace];
  }
}

describe('recordConvergence', () => {
  it("takes each namespace's time to Ready from when its last object turned Ready, not from the sample", async () => {
    const ready = new ScriptedReady();
    const startedAt = performance.now() - 10_000;
    // Both namespaces are done already; their last objects turned Ready 4 s and 7 s after the start.
    for (const ns of ['a', 'b']) {
      ready.counts[`${ns}/logicappworkflows`] = { ready: 2, total: 2, notReadyReasons: {} };
      ready.counts[`${ns}/vaultsecretbindings`] = { ready: 1, total: 1, notReadyReasons: {} };
    }
    ready.readyAt = { a: startedAt + 4_000, b: startedAt + 7_000 };
    const result = await recordConvergence({
      ready,
      namespaces: [
        { namespace: 'a', workflows: 2, bindings: 1 },
        { namespace: 'b', workflows: 2, bindings: 1 },
      ],
      startedAt,
      pollIntervalMs: 1,
      timeoutMs: 60_000,
      monitor: new ProcessMonitor(-1),
    });
    expect(result.convergedMsByNamespace).toEqual({ a: 4_000, b: 7_000 });
    expect(result.convergedMs).toBe(7_000);
    expect(result.lastWorkflows).toEqual({ ready: 4, total: 4, notReadyReasons: {} });
  });

  it('waits for the role grants too, and records when the last of them turned Ready (issue 24)', async () => {
    const ready = new ScriptedReady();
    const startedAt = performance.now() - 10_000;
    ready.counts['a/logicappworkflows'] = { ready: 2, total: 2, notReadyReasons: {} };
    ready.counts['a/workflowroleassignments'] = { ready: 3, total: 4, notReadyReasons: { Progressing: 1 } };
    ready.readyAt = { a: startedAt + 6_000, 'a/workflowroleassignments': startedAt + 5_000 };
    const settings = {
      ready,
      namespaces: [{ namespace: 'a', workflows: 2, bindings: 0, roleGrants: 4 }],
      startedAt,
      pollIntervalMs: 1,
      timeoutMs: 5,
      monitor: new ProcessMonitor(-1),
    };
    const waiting = await recordConvergence({ ...settings, startedAt: performance.now() });
    expect(waiting.convergedMs).toBeUndefined();
    expect(waiting.lastRoleGrants.notReadyReasons).toEqual({ Progressing: 1 });
    expect(waiting.samples.at(-1)?.roleGrantsReady).toBe(3);

    ready.counts['a/workflowroleassignments'] = { ready: 4, total: 4, notReadyReasons: {} };
    const done = await recordConvergence({ ...settings, timeoutMs: 60_000 });
    expect(done.convergedMs).toBe(6_000);
    expect(done.roleGrantsReadyMsByNamespace).toEqual({ a: 5_000 });
  });

  it('has no time to Ready while a namespace still waits, at the timeout', async () => {
    const ready = new ScriptedReady();
    ready.counts['a/logicappworkflows'] = { ready: 1, total: 2, notReadyReasons: { Progressing: 1 } };
    const result = await recordConvergence({
      ready,
      namespaces: [{ namespace: 'a', workflows: 2, bindings: 0 }],
      startedAt: performance.now(),
      pollIntervalMs: 1,
      timeoutMs: 5,
      monitor: new ProcessMonitor(-1),
    });
    expect(result.convergedMs).toBeUndefined();
    expect(result.lastWorkflows.notReadyReasons).toEqual({ Progressing: 1 });
  });
});
