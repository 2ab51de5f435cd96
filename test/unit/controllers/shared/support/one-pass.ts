// One reconcile pass the way a controller's worker runs it, for tests that call a kind's
// reconciler directly: the context a worker hands over, and (for worlds that compare outcomes)
// the error a pass threw returned as its answer instead of failing the test.
import { silentLogger } from '../../../../../src/observability/logger.ts';
import type { Clock, ReconcileContext, ReconcileResult } from '../../../../../src/runtime/index.ts';

export function reconcileContext(key: string, clock: Clock, reconcileId = 'test'): ReconcileContext {
  return { key, logger: silentLogger(), clock, signal: new AbortController().signal, reconcileId };
}

/** What one pass said: its result, or the error it threw (building the reconciler or reading the object included). */
export async function onePass(
  key: string,
  clock: Clock,
  pass: (context: ReconcileContext) => Promise<ReconcileResult>,
): Promise<ReconcileResult | Error> {
  try {
    return await pass(reconcileContext(key, clock));
  } catch (error) {
    return error as Error;
  }
}
