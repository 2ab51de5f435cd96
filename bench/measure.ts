// The bench's instruments: Ready counts over time (the convergence curve), the operator's
// process samples alongside them, and a steady-state window that simply waits whole resync
// periods while the counters run. Counters are snapshotted by the caller around each phase.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadySample } from './chart.ts';
import { type ProcessSample, sampleProcess } from './process-stats.ts';
import type { ReadyCount, ReadySource } from './ready-watch.ts';

export type { ReadyCount } from './ready-watch.ts';

/** The counts of several namespaces as one (a run over several subscriptions). */
export function sumReadyCounts(counts: readonly ReadyCount[]): ReadyCount {
  const sum: ReadyCount = { ready: 0, total: 0, notReadyReasons: {} };
  for (const count of counts) {
    sum.ready += count.ready;
    sum.total += count.total;
    for (const [reason, n] of Object.entries(count.notReadyReasons)) {
      sum.notReadyReasons[reason] = (sum.notReadyReasons[reason] ?? 0) + n;
    }
  }
  return sum;
}

export interface ProcessFigures {
  peakRssBytes: number;
  lastRssBytes: number;
  cpuSeconds: number;
}

/** Tracks the operator's peak RSS and CPU between `start()` and each `figures()`. */
export class ProcessMonitor {
  private first: ProcessSample | undefined;
  private last: ProcessSample | undefined;
  private peak = 0;

  constructor(private readonly pid: number) {}

  async sample(): Promise<void> {
    const sample = await sampleProcess(this.pid);
    if (!sample) return;
    this.first ??= sample;
    this.last = sample;
    this.peak = Math.max(this.peak, sample.rssBytes);
  }

  /** Starts a new phase: peak and CPU count from here. */
  async restart(): Promise<void> {
    this.first = undefined;
    this.peak = 0;
    await this.sample();
  }

  figures(): ProcessFigures {
    return {
      peakRssBytes: this.peak,
      lastRssBytes: this.last?.rssBytes ?? 0,
      cpuSeconds: (this.last?.cpuSeconds ?? 0) - (this.first?.cpuSeconds ?? 0),
    };
  }

  /** The kernel's high-water mark over the process's whole life. */
  lifetimePeakRssBytes(): number {
    return this.last?.peakRssBytes ?? 0;
  }
}

export interface ConvergenceResult {
  samples: ReadySample[];
  /** Time from the first create until every object was Ready; undefined at the timeout. */
  convergedMs: number | undefined;
  /** The same, per namespace (each subscription's share converges on its own). */
  convergedMsByNamespace: Record<string, number | undefined>;
  /** First create → the last WorkflowRoleAssignment Ready, per namespace with grants (issue 24). */
  roleGrantsReadyMsByNamespace: Record<string, number | undefined>;
  lastWorkflows: ReadyCount;
  lastBindings: ReadyCount;
  lastRoleGrants: ReadyCount;
}

/** A namespace the run creates objects in, and how many of each kind. */
export interface WatchedNamespace {
  namespace: string;
  workflows: number;
  bindings: number;
  /** WorkflowRoleAssignments (issue 24); default 0. */
  roleGrants?: number;
}

export interface ConvergenceSettings {
  /** Ready counts and times, kept by a watch (ready-watch.ts). */
  ready: ReadySource;
  namespaces: readonly WatchedNamespace[];
  /** performance.now() when the first create was sent. */
  startedAt: number;
  pollIntervalMs: number;
  timeoutMs: number;
  monitor: ProcessMonitor;
  /** Stops recording (Ctrl-C): the result is what was seen so far. */
  signal?: AbortSignal;
  onSample?: (sample: ReadySample) => void;
}

/**
 * Samples the watched Ready counts every `pollIntervalMs` (the convergence curve, the process
 * figures) until every object is Ready or the timeout passes. A namespace's time to Ready is when
 * its last object turned Ready, as the watch saw it, not the sample after.
 */
export async function recordConvergence(settings: ConvergenceSettings): Promise<ConvergenceResult> {
  const samples: ReadySample[] = [];
  const empty: ReadyCount = { ready: 0, total: 0, notReadyReasons: {} };
  const watched = settings.namespaces;
  let workflowCounts = watched.map(() => empty);
  let bindingCounts = watched.map(() => empty);
  let grantCounts = watched.map(() => empty);
  const convergedMsByNamespace: Record<string, number | undefined> = Object.fromEntries(
    watched.map((w) => [w.namespace, undefined]),
  );
  const roleGrantsReadyMsByNamespace: Record<string, number | undefined> = Object.fromEntries(
    watched.filter((w) => (w.roleGrants ?? 0) > 0).map((w) => [w.namespace, undefined]),
  );
  const deadline = settings.startedAt + settings.timeoutMs;
  const result = (convergedMs: number | undefined): ConvergenceResult => ({
    samples,
    convergedMs,
    convergedMsByNamespace,
    roleGrantsReadyMsByNamespace,
    lastWorkflows: sumReadyCounts(workflowCounts),
    lastBindings: sumReadyCounts(bindingCounts),
    lastRoleGrants: sumReadyCounts(grantCounts),
  });
  for (;;) {
    const tick = performance.now();
    workflowCounts = watched.map((w) => settings.ready.count(w.namespace, 'logicappworkflows'));
    bindingCounts = watched.map((w) =>
      w.bindings > 0 ? settings.ready.count(w.namespace, 'vaultsecretbindings') : empty,
    );
    grantCounts = watched.map((w) =>
      (w.roleGrants ?? 0) > 0 ? settings.ready.count(w.namespace, 'workflowroleassignments') : empty,
    );
    await settings.monitor.sample();
    const tMs = tick - settings.startedAt;
    watched.forEach((w, k) => {
      const grants = w.roleGrants ?? 0;
      const grantsDone = (grantCounts[k]?.ready ?? 0) >= grants;
      if (grants > 0 && grantsDone && roleGrantsReadyMsByNamespace[w.namespace] === undefined) {
        const readyAt = settings.ready.lastBecameReadyAt(w.namespace, 'workflowroleassignments') ?? tick;
        roleGrantsReadyMsByNamespace[w.namespace] = readyAt - settings.startedAt;
      }
      const done =
        (workflowCounts[k]?.ready ?? 0) >= w.workflows &&
        (bindingCounts[k]?.ready ?? 0) >= w.bindings &&
        grantsDone;
      if (done && convergedMsByNamespace[w.namespace] === undefined) {
        const readyAt = settings.ready.lastBecameReadyAt(w.namespace) ?? tick;
        convergedMsByNamespace[w.namespace] = readyAt - settings.startedAt;
      }
    });
    const grantsWatched = watched.some((w) => (w.roleGrants ?? 0) > 0);
    const sample: ReadySample = {
      tMs,
      workflowsReady: sumReadyCounts(workflowCounts).ready,
      bindingsReady: sumReadyCounts(bindingCounts).ready,
      ...(grantsWatched ? { roleGrantsReady: sumReadyCounts(grantCounts).ready } : {}),
    };
    samples.push(sample);
    settings.onSample?.(sample);
    if (watched.every((w) => convergedMsByNamespace[w.namespace] !== undefined)) {
      return result(Math.max(...watched.map((w) => convergedMsByNamespace[w.namespace] ?? tMs)));
    }
    if (performance.now() > deadline || settings.signal?.aborted) return result(undefined);
    await sleep(Math.max(0, settings.pollIntervalMs - (performance.now() - tick)));
  }
}

/** Waits out a window while sampling the operator process every `sampleEveryMs`. */
export async function observeWindow(
  windowMs: number,
  monitor: ProcessMonitor,
  sampleEveryMs = 1000,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < windowMs && !signal?.aborted) {
    await sleep(Math.min(sampleEveryMs, windowMs - (performance.now() - started)));
    await monitor.sample();
  }
  return performance.now() - started;
}

export async function scrapeMetrics(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}
