// "Converged" for a chaos suite: exactly the expected objects exist (deleted ones are gone), every
// one is Ready for its current generation, and the oracle finds Azure exactly as the live specs
// call for. Readiness comes from Kubernetes; the Azure verdict never does.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorState } from '@logicops/azure-emulator';
import { type Discrepancy, judgeAzure } from '../oracle/azure-oracle.ts';
import type { Intruder } from './foreign.ts';
import { isReady, type KubeObject, listObjects, liveBindings, liveWorkflows, readyReason } from './kube.ts';
import type { Manifest } from './world.ts';

export interface Verdict {
  converged: boolean;
  /** Objects that should be gone but are still there, and expected ones that are missing. */
  unexpected: string[];
  missing: string[];
  notReady: string[];
  discrepancies: Discrepancy[];
  objects: KubeObject[];
}

export interface JudgeOptions {
  namespace: string;
  clusterId: string;
  expected: readonly Manifest[];
  state: () => EmulatorState;
  baseline: EmulatorState;
  /**
   * Objects pointed at what is not theirs (support/foreign.ts): never Ready, one of their reasons
   * instead, and left out of the oracle's live objects, so anything they caused in Azure shows.
   */
  intruders?: readonly Intruder[];
}

export async function judge(options: JudgeOptions): Promise<Verdict> {
  const [workflows, bindings] = await Promise.all([
    listObjects(options.namespace, 'LogicAppWorkflow'),
    listObjects(options.namespace, 'VaultSecretBinding'),
  ]);
  const objects = [...workflows, ...bindings];
  const key = (kind: string, name: string) => `${kind}/${name}`;
  const want = new Set(options.expected.map((m) => key(m.kind, m.metadata.name)));
  const have = new Set([
    ...workflows.map((o) => key('LogicAppWorkflow', o.metadata.name)),
    ...bindings.map((o) => key('VaultSecretBinding', o.metadata.name)),
  ]);
  const unexpected = [...have].filter((k) => !want.has(k));
  const missing = [...want].filter((k) => !have.has(k));
  const intruders = new Map(
    (options.intruders ?? []).map((i) => [key(i.manifest.kind, i.manifest.metadata.name), i.reasons]),
  );
  const isIntruder = (kind: Manifest['kind']) => (o: KubeObject) => intruders.has(key(kind, o.metadata.name));
  const notReady = [
    ...workflows.filter((o) => !isIntruder('LogicAppWorkflow')(o) && !isReady(o)),
    ...bindings.filter((o) => !isIntruder('VaultSecretBinding')(o) && !isReady(o)),
  ].map((o) => `${o.metadata.name} (${readyReason(o)})`);
  // An intruder being deleted has no claim left to refuse; until then it shows why it does nothing.
  for (const [kind, list] of [
    ['LogicAppWorkflow', workflows],
    ['VaultSecretBinding', bindings],
  ] as const) {
    for (const o of list.filter(isIntruder(kind))) {
      const reasons = intruders.get(key(kind, o.metadata.name)) ?? [];
      const reason = o.status?.conditions?.find((c) => c.type === 'Ready')?.reason ?? '';
      if (!o.metadata.deletionTimestamp && (isReady(o) || !reasons.includes(reason))) {
        notReady.push(
          `intruder ${o.metadata.name} (${readyReason(o)}, expected one of ${reasons.join('/')})`,
        );
      }
    }
  }
  const discrepancies = judgeAzure({
    clusterId: options.clusterId,
    workflows: liveWorkflows(workflows.filter((o) => !isIntruder('LogicAppWorkflow')(o))),
    bindings: liveBindings(bindings.filter((o) => !isIntruder('VaultSecretBinding')(o))),
    state: structuredClone(options.state()),
    baseline: options.baseline,
  });
  return {
    converged: !unexpected.length && !missing.length && !notReady.length && !discrepancies.length,
    unexpected,
    missing,
    notReady,
    discrepancies,
    objects,
  };
}

/** Polls until converged or the timeout; returns the last verdict either way, for the report. */
export async function waitForConvergence(
  options: JudgeOptions & { timeoutMs: number },
): Promise<Verdict & { waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const verdict = await judge(options);
    const waitedMs = Date.now() - started;
    if (verdict.converged || waitedMs > options.timeoutMs) return { ...verdict, waitedMs };
    await sleep(1000);
  }
}

/** A short, secret-free account of a verdict that is not converged. */
export function describeVerdict(verdict: Verdict): string {
  const first = (items: readonly string[]) =>
    items.slice(0, 10).join('; ') + (items.length > 10 ? ` … (+${items.length - 10})` : '');
  return [
    `unexpected: ${first(verdict.unexpected)}`,
    `missing: ${first(verdict.missing)}`,
    `not ready: ${first(verdict.notReady)}`,
    `Azure: ${first(verdict.discrepancies.map((d) => `${d.kind} ${d.thing}: ${d.detail}`))}`,
  ].join('\n');
}
