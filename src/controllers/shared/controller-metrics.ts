// How a controller reports to the operator's metrics: controller-runtime's reconcile and
// workqueue series. Optional, so unit tests and tools can build a controller without them.
import type { OperatorMetrics } from '../../observability/metrics.ts';
import type { ControllerOptions } from '../../runtime/controller.ts';

type Observers = Pick<ControllerOptions<never>, 'observer' | 'queueObserver'>;

/** `depth` is read lazily: the queue exists only once the controller does. */
export function controllerObservers(
  metrics: OperatorMetrics | undefined,
  name: string,
  depth: () => number,
): Observers {
  if (!metrics) return {};
  return { observer: metrics.reconcileObserver(name), queueObserver: metrics.queueObserver(name, depth) };
}
