// Issue 20, chaos widened: tokens that expire every 60 s, and really run out. With a working token
// endpoint the SDK replaces a 60 s token within seconds (its refresh-ahead windows, 2 min in the
// pipeline and 5 min in MSAL, are longer than the token lives: packages/azure-emulator/README.md, "Token lifetime
// and refresh"), so the tokens that reach ARM are young. Here, once the objects converged, the
// token endpoint goes down for longer than a token lives: the operator keeps using its last token,
// its refreshes fail, and every object is deleted as that token runs out. The deletion must
// finish once the endpoint is back, with nothing Stalled, after-commit faults striking all along,
// and Azure (judged from the emulator's state) holding nothing of logicops' and every foreign
// thing as it was.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultConfig } from '@logicops/azure-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import type { OperatorProcess } from '../support/operator-process.ts';
import { scanMaterial } from './security/collect.ts';
import { recordArmWrites } from './support/arm-write-log.ts';
import { describeVerdict, waitForConvergence } from './support/converge.ts';
import { printFigures } from './support/figures.ts';
import { createAll, deleteAll } from './support/kube.ts';
import { chaosScale, chaosSeed } from './support/scale.ts';
import { type ChaosSuite, startChaosSuite } from './support/suite.ts';
import { recordTokenAges } from './support/token-ages.ts';
import type { Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-token-expiry';
const TOKEN_LIFETIME_SECONDS = 60;
/** Longer than a token lives, so the last one issued before it expires inside it. */
const OUTAGE_SECONDS = 70;
/**
 * Deletions come in three waves around the moment the operator's last token expires: while it is
 * still good, in its last second (the SDK then waits for a refresh that cannot come), and after.
 */
const DELETION_WAVES_MS = [-8_000, -500, 3_000];

function faults(seed: number, tokenOutage: boolean): FaultConfig {
  return {
    seed,
    tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    afterCommit: [
      // Certain to strike: the first workflow create, and the first workflow delete (the outage's
      // configuration starts the counts afresh).
      { operation: 'Microsoft.Logic/workflows/write', next: 1, fault: 'serverError' },
      { operation: 'Microsoft.Logic/workflows/delete', next: 1, fault: 'dropConnection' },
      { operation: '*', rate: 0.05, fault: 'serverError' },
      { operation: '*', rate: 0.05, fault: 'dropConnection' },
    ],
    ...(tokenOutage
      ? {
          errors: [
            {
              operation: 'Entra/token',
              // Down now, then up for far longer than the rest of the run.
              outage: { downSeconds: OUTAGE_SECONDS, upSeconds: 3600 },
              status: 503,
              code: 'temporarily_unavailable',
              message: 'AADSTS50196: The server is temporarily unavailable (injected outage).',
            },
          ],
        }
      : {}),
  };
}

describe('tokens that expire', () => {
  const scale = chaosScale();
  const seed = chaosSeed();
  let suite: ChaosSuite | undefined;
  let operator: OperatorProcess | undefined;

  afterAll(async () => {
    await suite?.close();
  });

  it('every object is deleted across a token that ran out while its endpoint was down, nothing Stalled', async () => {
    const started = Date.now();
    suite = await startChaosSuite({
      clusterId: CLUSTER_ID,
      namespacePrefix: 'chaos-token-expiry',
      worldNamespace: `chaos-token-expiry-${seed}`,
      workflows: scale.tokenExpiryWorkflows,
      foreign: true,
      faults: faults(seed, false),
    });
    const { world, azure, emulator, namespace, logFile, intruders } = suite;
    const tokens = recordTokenAges(emulator);
    const writes = recordArmWrites(emulator);
    const judgeOptions = {
      namespace,
      clusterId: CLUSTER_ID,
      state: () => emulator.state,
      baseline: azure.baseline,
      intruders,
    };
    const intruderManifests = intruders.map((i) => i.manifest);
    const all = [...world.workflows, ...world.bindings, ...intruderManifests];

    operator = await suite.startOperator();
    await operator.ready(60_000);
    await createAll(all);
    const converged = await waitForConvergence({
      ...judgeOptions,
      expected: all,
      timeoutMs: scale.convergeTimeoutMs,
    });
    expect(converged.converged, describeVerdict(converged)).toBe(true);
    // Status and records are scanned while the objects live (the end scan has none left).
    const liveScan = await scanMaterial([...world.secretNeedles, ...azure.credentialNeedles()], {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [],
      emulators: [emulator],
    });
    const beforeOutage = tokens.figures();

    // The token endpoint goes down; the operator's last token is the one it holds now.
    emulator.setFaults(faults(seed, true));
    const outageEnds = Date.now() + OUTAGE_SECONDS * 1000;
    await sleep(1000); // a token request that passed the gate just before the outage is answered
    const lastExpiryMs = tokens.lastExpirySeconds() * 1000;
    const pairs = world.workflows.map((w, i) => [w, world.bindings[i] as Manifest]);
    const third = Math.ceil(pairs.length / 3);
    const waves = [
      [...intruderManifests, ...pairs.slice(0, third).flat()],
      pairs.slice(third, 2 * third).flat(),
      pairs.slice(2 * third).flat(),
    ];
    let deletionStarted = 0;
    for (const [k, offsetMs] of DELETION_WAVES_MS.entries()) {
      await sleep(Math.max(0, lastExpiryMs + offsetMs - Date.now()));
      if (k === 0) deletionStarted = Date.now();
      await deleteAll(waves[k] ?? []);
    }
    const final = await waitForConvergence({
      ...judgeOptions,
      expected: [],
      timeoutMs: OUTAGE_SECONDS * 1000 + scale.convergeTimeoutMs,
    });
    const deletedAt = Date.now();

    const metrics = await operator.scrapeMetrics();
    await operator.stop();
    writes.collect();
    writes.stop();
    tokens.stop();
    const figures = tokens.figures();
    const counters = emulator.counters();
    const log = await readFile(logFile, 'utf8');
    const stalled = stalledReconciles(log, new Set(intruderManifests.map((m) => m.metadata.name)));
    const writesAfterOutage = writes.entries.filter((e) => Date.parse(e.at) >= outageEnds).length;
    const writesBeforeExpiry = writes.entries.filter(
      (e) => Date.parse(e.at) >= deletionStarted && Date.parse(e.at) < lastExpiryMs,
    ).length;
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
    printFigures({
      suite: 'tokens that expire (60 s tokens, token endpoint down 70 s)',
      scale: scale.name,
      seed,
      objects: all.length,
      intruders: intruders.length,
      convergedMs: converged.waitedMs,
      tokensBeforeOutage: beforeOutage,
      tokens: figures,
      deletionStartedBeforeExpiryMs: lastExpiryMs - deletionStarted,
      deletedAfterOutageEndedMs: deletedAt - outageEnds,
      writesBeforeExpiry,
      writesAfterOutage,
      tokenRequestsRefused: counters.faults.injected.temporarily_unavailable ?? 0,
      afterCommit: counters.faults.afterCommit,
      stalledReconciles: stalled,
      discrepancies: final.discrepancies.length,
      foreignChanges: final.discrepancies.filter((d) => d.kind === 'foreign').length,
      leaks: scan.leaks.length,
      haystacks: scan.haystacks.length,
      durationMs: Date.now() - started,
    });
    expect(final.converged, describeVerdict(final)).toBe(true);
    // With the endpoint up, refresh-ahead always had a valid token at hand; during the outage the
    // last one was used until its last seconds, and then there was none.
    expect(beforeOutage.gaps).toBe(0);
    expect(figures.lateRequests).toBeGreaterThan(0);
    expect(figures.gaps).toBeGreaterThan(0);
    expect(counters.faults.injected.temporarily_unavailable ?? 0).toBeGreaterThan(0);
    expect(counters.faults.afterCommit.serverError).toBeGreaterThan(0);
    expect(counters.faults.afterCommit.dropConnection).toBeGreaterThan(0);
    // The deletion ran on both sides of the gap.
    expect(writesBeforeExpiry).toBeGreaterThan(0);
    expect(writesAfterOutage).toBeGreaterThan(0);
    expect(stalled).toBe(0);
    expect(log).not.toContain('[object Object]');
    expect(scan.leaks).toEqual([]);
  });
});

/** Reconciles the operator logged as Stalled, except the intruders' (AlreadyOwned is their answer). */
function stalledReconciles(log: string, intruders: ReadonlySet<string>): number {
  return log
    .split('\n')
    .filter((line) => line.includes('Reconcile stalled'))
    .filter((line) => {
      // pino writes the logger's name, then the object's: the last `name` is the object.
      const entry = JSON.parse(line) as { name?: string };
      return !intruders.has(entry.name ?? '');
    }).length;
}
