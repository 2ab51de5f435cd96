// What became of one generated object. Issue 13 allows three ends: refused at admission with a
// message naming the field, Stalled with a reason, or Ready. A fourth is accepted and reported
// apart: Reconciling on a documented wait for something that may yet appear (a secret, a
// principal, a ConfigMap, a binding that fills a parameter) — docs/design.md guarantee 8 calls
// that in flight, not broken. Anything else (no Ready condition, or Reconciling on an error
// retried forever) is a violation.
import type { KubeObject } from '../support/kube.ts';

export type Outcome =
  | { kind: 'rejected'; message: string }
  | { kind: 'ready' }
  | { kind: 'stalled'; reason: string }
  | { kind: 'waiting'; reason: string }
  | { kind: 'violation'; why: string };

const WAITING_REASONS = new Set([
  'WaitingForPrincipal',
  'WaitingForSecret',
  'WaitingForConfigMap',
  'WaitingForWorkflow',
  // A declared parameter without a default has no value yet (no binding fills it): the workflow
  // waits for one instead of sending Azure what it refuses (issue 21, item 3).
  'WaitingForBindings',
]);

/** The admission message names the offending field (`spec.x`, `.spec.x`, `metadata.name`). */
export function namesAField(message: string): boolean {
  return /(^|[\s.:"'[])(spec|metadata\.name|metadata\.annotations)(\.|\[|:|\b)/.test(message);
}

export function admissionOutcome(message: string): Outcome {
  return namesAField(message)
    ? { kind: 'rejected', message }
    : { kind: 'violation', why: `refused without naming a field: ${message.slice(0, 200)}` };
}

export function objectOutcome(object: KubeObject): Outcome {
  const conditions = object.status?.conditions ?? [];
  const find = (type: string) => conditions.find((c) => c.type === type);
  const ready = find('Ready');
  const stalled = find('Stalled');
  const reconciling = find('Reconciling');
  if (!ready) return { kind: 'violation', why: 'no Ready condition' };
  if (ready.status === 'True') return { kind: 'ready' };
  if (stalled?.status === 'True' && stalled.reason) return { kind: 'stalled', reason: stalled.reason };
  if (reconciling?.status === 'True' && reconciling.reason && WAITING_REASONS.has(reconciling.reason)) {
    return { kind: 'waiting', reason: reconciling.reason };
  }
  return {
    kind: 'violation',
    why: `Ready=${ready.status} ${ready.reason ?? ''}, Reconciling=${reconciling?.status ?? '-'} ${reconciling?.reason ?? ''}: ${(ready.message ?? '').slice(0, 200)}`,
  };
}
