// Issue 13, crash: kill -9 the operator at random moments while the objects converge and while
// half of them are deleted, restarting it each time. The end state is judged from Kubernetes
// (every live object Ready, every deleted one gone) and from the emulator's state by the oracle
// (exactly the workflows, identities, access-policy entries and role assignments the live specs
// call for) — never from the operator's status.
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/seeded-random.ts';
import { scanMaterial } from './security/collect.ts';
import { describeVerdict, waitForConvergence } from './support/converge.ts';
import { CrashLoop } from './support/crash-loop.ts';
import { printFigures } from './support/figures.ts';
import { createAll, deleteAll } from './support/kube.ts';
import { chaosScale, chaosSeed } from './support/scale.ts';
import { type ChaosSuite, startChaosSuite } from './support/suite.ts';
import type { Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-crash';

/** The k-th of `waves` nearly equal slices of `items`. */
function wave<T>(items: readonly T[], k: number, waves: number): T[] {
  const size = Math.ceil(items.length / waves);
  return items.slice(k * size, (k + 1) * size);
}

describe('crash: kill -9 while converging and while deleting', () => {
  const scale = chaosScale();
  const seed = chaosSeed();
  let suite: ChaosSuite | undefined;
  let loop: CrashLoop | undefined;

  afterAll(async () => {
    await loop?.stop();
    await suite?.close();
  });

  it('loses nothing: live objects Ready, deleted ones gone, Azure exactly as the specs call for', async () => {
    const started = Date.now();
    suite = await startChaosSuite({
      clusterId: CLUSTER_ID,
      namespacePrefix: 'chaos-crash',
      worldNamespace: `chaos-crash-${seed}`,
      workflows: scale.workflows,
    });
    const { world, azure, emulator, namespace, logFile } = suite;
    loop = new CrashLoop(suite.operatorSettings, seededRandom(seed), scale.killDelayMs);
    const all = [...world.workflows, ...world.bindings];
    const judgeOptions = {
      namespace,
      clusterId: CLUSTER_ID,
      state: () => emulator.state,
      baseline: azure.baseline,
    };

    await loop.start();
    // Objects arrive in waves, one before each kill, workflows with their bindings.
    const pairs = world.workflows.flatMap((w, i) => [w, world.bindings[i] as Manifest]);
    await loop.kill(scale.killsWhileConverging, (k) => createAll(wave(pairs, k, scale.killsWhileConverging)));
    const converged = await waitForConvergence({
      ...judgeOptions,
      expected: all,
      timeoutMs: scale.convergeTimeoutMs,
    });
    const convergeKills = loop.kills;
    expect(converged.converged, describeVerdict(converged)).toBe(true);

    const remaining = all.filter((m) => !world.toDelete.includes(m));
    await loop.kill(scale.killsWhileDeleting, (k) =>
      deleteAll(wave(world.toDelete, k, scale.killsWhileDeleting)),
    );
    const final = await waitForConvergence({
      ...judgeOptions,
      expected: remaining,
      timeoutMs: scale.convergeTimeoutMs,
    });

    await loop.operator.ready(30_000);
    const metrics = await loop.operator.scrapeMetrics();
    await loop.stop();
    const scan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [metrics],
      emulators: [emulator],
    });
    printFigures({
      suite: 'crash (kill -9)',
      scale: scale.name,
      seed,
      objects: all.length,
      deleted: world.toDelete.length,
      kills: loop.kills,
      killsWhileConverging: convergeKills,
      killsWhileDeleting: loop.kills - convergeKills,
      killsDuringStartup: loop.killsDuringStartup,
      unexpectedExits: loop.unexpectedExits,
      convergedAfterLastKillMs: converged.waitedMs,
      deletedAfterLastKillMs: final.waitedMs,
      discrepancies: final.discrepancies.length,
      armRequests: emulator.counters().total,
      needlesScanned: scan.needles,
      haystacks: scan.haystacks.length,
      bytesScanned: scan.haystackBytes,
      leaks: scan.leaks.length,
      durationMs: Date.now() - started,
    });
    expect(final.converged, describeVerdict(final)).toBe(true);
    expect(loop.unexpectedExits).toBe(0);
    expect(scan.leaks).toEqual([]);
  });
});
