// The reconcile frame every kind runs in (issue 22). A kind brings its steps, its status
// projection and its per-pass state; the frame owns the rest, the same for every kind:
//
//   deleting without our finalizer        → released: nothing of ours is left
//   a spec problem found before Azure     → invalid: no finalizer, no Azure call
//   deleting                              → cleanup steps; when they all pass (or one says
//                                           released), `onReleased`, then the finalizer goes
//   otherwise                             → finalizer first (no Azure write without it), apply steps;
//                                           when they all pass, ready
//   a thrown error                        → outcomeOfError (the one mapping)
//   then, unless released: one status write (outcome as conditions + the kind's projection),
//   with the kind's announcements alongside it; a Warning Event when stalled or invalid; the
//   outcome as a queue result (queue-result.ts).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventRecorder } from '../../../runtime/events.ts';
import {
  type Clock,
  done,
  hasFinalizer,
  isBeingDeleted,
  isNotFound,
  type KubeClient,
  type ReconcileContext,
  type ReconcileFn,
  type ReconcileResult,
  type ResourceKind,
  requeueAfter,
  type StatusPatcher,
  withFinalizer,
} from '../../../runtime/index.ts';
import { LOGICOPS_FINALIZER } from '../../../vocabulary.ts';
import { applyOutcome } from './conditions.ts';
import type { Outcome } from './outcome.ts';
import { type ErrorFacts, outcomeOfError } from './outcome-of-error.ts';
import { queueResult } from './queue-result.ts';
import { runSteps, type Step } from './steps.ts';

/** What the frame needs of a kind's per-pass state. */
export interface PassState<K extends KubernetesObject> {
  /** The object as last stored by this pass (adding the finalizer moves its resourceVersion). */
  object: K;
}

export interface KindFrame<
  K extends KubernetesObject & { status?: S },
  S extends object,
  Run extends PassState<K>,
> {
  resource: ResourceKind;
  kube: KubeClient;
  patcher: StatusPatcher;
  events: EventRecorder;
  clock: Clock;
  /** The per-pass state of one reconcile. */
  startPass(object: K, context: ReconcileContext): Run;
  /** A spec Azure would refuse, found before any Azure call (and before the finalizer). */
  specProblem(object: K, deleting: boolean): string | undefined;
  /** The object as the frame should hold it once the finalizer was added (the cache's shape, say). */
  stored?(object: K): K;
  apply: readonly Step<Run>[];
  cleanup: readonly Step<Run>[];
  /** After cleanup, before the finalizer goes; a throw keeps the finalizer. */
  onReleased?(run: Run): Promise<void>;
  /** What only the kind knows about an error (see ErrorFacts). */
  errorFacts?(run: Run): Omit<ErrorFacts, 'deleting'>;
  /** Writes the pass must make before the status write that reports them (a deferred record). */
  beforeStatus?(run: Run): Promise<void>;
  /** The kind's fields of status; conditions are the frame's. */
  project(status: S, run: Run, outcome: Outcome): void;
  /** Events announcing what the status write records, sent alongside it. */
  announce?(run: Run): Promise<void>;
}

export function reconcileWithFrame<
  K extends KubernetesObject & { status?: S },
  S extends object,
  Run extends PassState<K>,
>(kind: KindFrame<K, S, Run>): ReconcileFn<K> {
  return async (object, context) => {
    const run = kind.startPass(object, context);
    const deleting = isBeingDeleted(object);
    let outcome: Outcome;
    try {
      outcome = await decide(kind, run, deleting);
    } catch (error) {
      outcome = outcomeOfError(error, { deleting, ...kind.errorFacts?.(run) });
    }
    if (outcome.kind === 'released') {
      await kind.announce?.(run);
      return queueResult(outcome);
    }
    await kind.beforeStatus?.(run);
    await Promise.all([writeStatus(kind, run, outcome), kind.announce?.(run)]);
    if (outcome.kind === 'stalled' || outcome.kind === 'invalid') {
      const reason = outcome.kind === 'stalled' ? outcome.reason : 'InvalidSpec';
      await kind.events.record(run.object, 'Warning', reason, 'Reconcile', outcome.message);
    }
    return queueResult(outcome);
  };
}

async function decide<
  K extends KubernetesObject & { status?: S },
  S extends object,
  Run extends PassState<K>,
>(kind: KindFrame<K, S, Run>, run: Run, deleting: boolean): Promise<Outcome> {
  if (deleting && !hasFinalizer(run.object, LOGICOPS_FINALIZER)) return { kind: 'released' };
  const problem = kind.specProblem(run.object, deleting);
  if (problem) return { kind: 'invalid', message: problem };
  let outcome: Outcome = { kind: 'ready' };
  await withFinalizer(kind.kube, kind.resource, run.object, LOGICOPS_FINALIZER, {
    apply: async (stored) => {
      if (stored !== run.object) run.object = kind.stored ? kind.stored(stored) : stored;
      outcome = (await runSteps(run, kind.apply)) ?? { kind: 'ready' };
      return done();
    },
    cleanup: async () => {
      outcome = (await runSteps(run, kind.cleanup)) ?? { kind: 'released' };
      if (outcome.kind === 'released') await kind.onReleased?.(run);
      return finalizerMayGo(outcome);
    },
  });
  return outcome;
}

/**
 * withFinalizer removes the finalizer when cleanup answers done, and only then; the queue's
 * answer is the frame's own (queueResult), so this answer says nothing else.
 */
function finalizerMayGo(outcome: Outcome): ReconcileResult {
  return outcome.kind === 'released' ? done() : requeueAfter(0);
}

async function writeStatus<
  K extends KubernetesObject & { status?: S },
  S extends object,
  Run extends PassState<K>,
>(kind: KindFrame<K, S, Run>, run: Run, outcome: Outcome): Promise<void> {
  const generation = run.object.metadata?.generation ?? 0;
  try {
    await kind.patcher.patch<S, K>(kind.resource, run.object, (status) => {
      applyOutcome(status, outcome, generation, kind.clock);
      kind.project(status, run, outcome);
    });
  } catch (error) {
    // Gone is done; anything else is retried like any failure of the pass.
    if (!isNotFound(error)) throw error;
  }
}
