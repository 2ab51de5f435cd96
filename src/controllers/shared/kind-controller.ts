// The controller every kind builds the same way: its name in logs and metrics, its cache, its
// reconcile, the operator's logger, clock and metrics, the configured workers and resync, and
// only updates beyond status waking it. A kind adds its own options (a resync delay, a terminal
// fingerprint) and then its watches.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Controller, type ControllerOptions } from '../../runtime/controller.ts';
import type { ResyncSettings } from '../../runtime/index.ts';
import { changedBeyondStatus } from './changed-beyond-status.ts';
import type { ControllerDeps } from './controller-deps.ts';
import { controllerObservers } from './controller-metrics.ts';

export interface KindControllerOptions<K extends KubernetesObject> {
  name: string;
  source: ControllerOptions<K>['source'];
  reconcile: ControllerOptions<K>['reconcile'];
  deps: Pick<ControllerDeps, 'logger' | 'metrics' | 'clock'>;
  settings: { workers?: number; resync?: ResyncSettings };
  /** The kind's own options on top (resyncDelay, terminalFingerprint, …). */
  extra?: Partial<ControllerOptions<K>>;
}

export function kindController<K extends KubernetesObject>(options: KindControllerOptions<K>): Controller<K> {
  const { name, source, reconcile, deps, settings } = options;
  const controller: Controller<K> = new Controller<K>({
    name,
    ...controllerObservers(deps.metrics, name, () => controller.queue.depth),
    source,
    reconcile,
    logger: deps.logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(settings.workers === undefined ? {} : { workers: settings.workers }),
    ...(settings.resync === undefined ? {} : { resync: settings.resync }),
    shouldEnqueueUpdate: changedBeyondStatus,
    ...options.extra,
  });
  return controller;
}
