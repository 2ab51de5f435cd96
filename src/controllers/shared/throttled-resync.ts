// A 429 (or a 503 with a retry hint) while looking at an object that was already Ready for its
// current generation says nothing about the object: ARM was busy. Flipping Ready to False would
// make every dashboard, `kubectl wait` and Argo CD health check report an outage that is not
// there — at resync all objects come due together, so a burst of throttling would flip
// hundreds. So such an object keeps its conditions as they are and the pass is simply retried
// after Retry-After. Anything that was not Ready (first grant, changed spec) still reports
// Reconciling/Throttled.
import type { KstatusFields } from '../../runtime/index.ts';

export function keepsReadyWhileThrottled(
  status: Readonly<KstatusFields> | undefined,
  generation: number,
): boolean {
  if (!status || status.observedGeneration !== generation) return false;
  const ready = status.conditions?.find((condition) => condition.type === 'Ready');
  return ready?.status === 'True' && (ready.observedGeneration ?? generation) === generation;
}
