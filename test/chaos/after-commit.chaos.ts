// Issue 20, chaos widened: faults AFTER Azure applied a write (its answer lost: a 5xx, a dropped
// connection, an answer that comes after the caller gave up), next to the usual ones before it,
// while the objects converge and while every one of them is deleted — 200 objects at full scale —
// with kill -9s of the operator all along, tokens that live 60 s, and foreign things in Azure that
// must come through untouched: a workflow tagged for another owner, an untagged one, their grants,
// and pre-existing permissions of the very principal logicops grants. Intruder objects point at
// the foreign workflows. Azure is judged from the emulator's state alone: 0 orphans, 0 lost or
// extra grants, 0 foreign changes.

import type { FaultConfig, RequestLogEntry } from '@logicops/azure-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/seeded-random.ts';
import { scanMaterial } from './security/collect.ts';
import { recordArmWrites } from './support/arm-write-log.ts';
import { describeVerdict, waitForConvergence } from './support/converge.ts';
import { CrashLoop } from './support/crash-loop.ts';
import { printFigures } from './support/figures.ts';
import { createAll, deleteAll } from './support/kube.ts';
import { chaosScale, chaosSeed } from './support/scale.ts';
import { type ChaosSuite, startChaosSuite } from './support/suite.ts';
import { recordTokenAges } from './support/token-ages.ts';
import type { Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-after-commit';
const TOKEN_LIFETIME_SECONDS = 60;
/** The operator's per-attempt deadline (--azure-request-timeout; 100 s by default, shorter to keep the run short). */
const REQUEST_TIMEOUT = '5s';
/** How long a late `timeout` holds an applied write's answer: past the operator's deadline. */
const LATE_ANSWER_MS = 8_000;

/** Every ARM operation logicops sends (checked after the run, so a new one cannot slip past the faults). */
const ARM_READS = [
  'Microsoft.Logic/workflows/read',
  'Microsoft.KeyVault/vaults/read',
  'Microsoft.KeyVault/vaults/secrets/read',
  'Microsoft.Authorization/roleAssignments/read',
  'Microsoft.ManagedIdentity/userAssignedIdentities/read',
  'Microsoft.Resources/subscriptions/resources/read',
  // The run report (issue 25): the newest runs, and the triggers when a run or the version moved.
  'Microsoft.Logic/workflows/runs/read',
  'Microsoft.Logic/workflows/triggers/read',
];
const ARM_WRITES = [
  'Microsoft.Logic/workflows/write',
  'Microsoft.Logic/workflows/delete',
  'Microsoft.KeyVault/vaults/accessPolicies/write',
  'Microsoft.Authorization/roleAssignments/write',
  'Microsoft.Authorization/roleAssignments/delete',
  // spec.callbackUrl (issue 25): POST actions, metered and fenced as writes.
  'Microsoft.Logic/workflows/triggers/listCallbackUrl/action',
  'Microsoft.Logic/workflows/regenerateAccessKey/action',
];

/**
 * Before the write, on every ARM call: 5 % 500, 2 % dropped. After it, on every write that
 * succeeded: 4 % 5xx, 3 % dropped, 2 % answered after the operator gave up, 2 % never answered —
 * and, so that each kind is certain to strike in each phase, the first write of each kind of
 * grant and workflow, and the first deletes, are struck outright.
 */
function faultConfig(seed: number): FaultConfig {
  return {
    seed,
    tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    latency: {
      write: { type: 'uniform', minMs: 5, maxMs: 60 },
      delete: { type: 'uniform', minMs: 5, maxMs: 60 },
    },
    errors: [...ARM_READS, ...ARM_WRITES].flatMap((operation) => [
      { operation, rate: 0.05, status: 500, code: 'InternalServerError' },
      { operation, rate: 0.02 / 0.95, dropConnection: true },
    ]),
    afterCommit: [
      { operation: 'Microsoft.KeyVault/vaults/accessPolicies/write', next: 1, fault: 'dropConnection' },
      { operation: 'Microsoft.Logic/workflows/write', next: 1, fault: 'timeout', holdMs: LATE_ANSWER_MS },
      { operation: 'Microsoft.Authorization/roleAssignments/write', next: 1, fault: 'serverError' },
      { operation: 'Microsoft.Logic/workflows/delete', next: 1, fault: 'timeout' },
      { operation: 'Microsoft.Authorization/roleAssignments/delete', next: 1, fault: 'dropConnection' },
      { operation: '*', rate: 0.04, fault: 'serverError', status: 503, code: 'ServiceUnavailable' },
      { operation: '*', rate: 0.03, fault: 'dropConnection' },
      { operation: '*', rate: 0.02, fault: 'timeout', holdMs: LATE_ANSWER_MS },
      { operation: '*', rate: 0.02, fault: 'timeout' },
    ],
  };
}

/** The k-th of `waves` nearly equal slices of `items`. */
function wave<T>(items: readonly T[], k: number, waves: number): T[] {
  const size = Math.ceil(items.length / waves);
  return items.slice(k * size, (k + 1) * size);
}

/** After-commit faults per kind among `entries`. */
function struck(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.afterCommit) counts[entry.afterCommit] = (counts[entry.afterCommit] ?? 0) + 1;
  }
  return counts;
}

describe('after-commit faults', () => {
  const scale = chaosScale();
  const seed = chaosSeed();
  let suite: ChaosSuite | undefined;
  let loop: CrashLoop | undefined;

  afterAll(async () => {
    await loop?.stop();
    await suite?.close();
  });

  it('converge, then delete every object, through lost answers, kill -9s and 60 s tokens; foreign things untouched', async () => {
    const started = Date.now();
    suite = await startChaosSuite({
      clusterId: CLUSTER_ID,
      namespacePrefix: 'chaos-after-commit',
      worldNamespace: `chaos-after-commit-${seed}`,
      workflows: scale.afterCommitWorkflows,
      foreign: true,
      faults: faultConfig(seed),
      flags: ['--azure-request-timeout', REQUEST_TIMEOUT],
    });
    const { world, azure, emulator, namespace, logFile, intruders } = suite;
    const writes = recordArmWrites(emulator);
    const tokens = recordTokenAges(emulator);
    loop = new CrashLoop(suite.operatorSettings, seededRandom(seed), scale.killDelayMs);
    const judgeOptions = {
      namespace,
      clusterId: CLUSTER_ID,
      state: () => emulator.state,
      baseline: azure.baseline,
      intruders,
    };
    const intruderManifests = intruders.map((i) => i.manifest);
    const all = [...world.workflows, ...world.bindings, ...intruderManifests];

    await loop.start();
    const { converging, deleting } = scale.afterCommitKills;
    // Objects arrive in waves, one before each kill; the intruders come with the first.
    const pairs = [
      ...intruderManifests,
      ...world.workflows.flatMap((w, i) => [w, world.bindings[i] as Manifest]),
    ];
    await loop.kill(converging, (k) => createAll(wave(pairs, k, converging)));
    const converged = await waitForConvergence({
      ...judgeOptions,
      expected: all,
      timeoutMs: scale.convergeTimeoutMs,
    });
    writes.collect();
    const convergeWrites = writes.entries.length;
    const convergeKills = loop.kills;
    expect(converged.converged, describeVerdict(converged)).toBe(true);
    // Status and records are scanned while the objects live (the end scan has none left).
    const liveScan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [],
      emulators: [emulator],
    });

    // Every object goes, intruders too, in waves between kills.
    const everything = [...world.bindings, ...world.workflows, ...intruderManifests];
    await loop.kill(deleting, (k) => deleteAll(wave(everything, k, deleting)));
    const final = await waitForConvergence({
      ...judgeOptions,
      expected: [],
      timeoutMs: scale.convergeTimeoutMs,
    });

    await loop.operator.ready(60_000);
    const metrics = await loop.operator.scrapeMetrics();
    await loop.stop();
    writes.collect();
    writes.stop();
    tokens.stop();
    const counters = emulator.counters();
    // Every object is gone by now: status and records were scanned once converged (liveScan).
    const endScan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      objectsLive: false,
      metrics: [metrics],
      emulators: [emulator],
    });
    const scan = {
      leaks: [...liveScan.leaks, ...endScan.leaks],
      haystacks: [...liveScan.haystacks, ...endScan.haystacks],
    };
    const byKind = (kind: string) => final.discrepancies.filter((d) => d.kind === kind).length;
    const struckWhileConverging = struck(writes.entries.slice(0, convergeWrites));
    const struckWhileDeleting = struck(writes.entries.slice(convergeWrites));
    const unlisted = Object.keys(counters.byOperation).filter(
      (op) => op.startsWith('Microsoft.') && ![...ARM_READS, ...ARM_WRITES].includes(op),
    );
    printFigures({
      suite: 'after-commit faults (kill -9, 60 s tokens, foreign resources)',
      scale: scale.name,
      seed,
      objects: all.length,
      intruders: intruders.length,
      deleted: everything.length,
      kills: loop.kills,
      killsWhileConverging: convergeKills,
      killsWhileDeleting: loop.kills - convergeKills,
      unexpectedExits: loop.unexpectedExits,
      afterCommitWhileConverging: struckWhileConverging,
      afterCommitWhileDeleting: struckWhileDeleting,
      faults: counters.faults,
      armWrites: writes.entries.length,
      convergedAfterLastKillMs: converged.waitedMs,
      deletedAfterLastKillMs: final.waitedMs,
      tokens: tokens.figures(),
      orphans: byKind('orphan'),
      missing: byKind('missing'),
      foreignChanges: byKind('foreign'),
      discrepancies: final.discrepancies.length,
      leaks: scan.leaks.length,
      haystacks: scan.haystacks.length,
      durationMs: Date.now() - started,
    });
    expect(final.converged, describeVerdict(final)).toBe(true);
    expect(final.discrepancies).toEqual([]);
    expect(loop.unexpectedExits).toBe(0);
    // Each after-commit fault struck, and in both phases.
    for (const kind of ['serverError', 'dropConnection', 'timeout'] as const) {
      expect(counters.faults.afterCommit[kind], kind).toBeGreaterThan(0);
    }
    expect(Object.values(struckWhileConverging).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(struckWhileDeleting).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(unlisted).toEqual([]);
    expect(scan.leaks).toEqual([]);
  });
});
