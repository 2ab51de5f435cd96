// The runtime both controllers stand on. See docs/architecture.md § Runtime.

export { LOGICOPS_FINALIZER } from '../vocabulary.ts';
export { AZURE_BACKOFF, type BackoffPolicy, backoffDelay, jitter } from './backoff.ts';
export { CacheIndex, type IndexedLookup, indexOf } from './cache-index.ts';
export { type Clock, sleep, systemClock } from './clock.ts';
export {
  type Condition,
  type ConditionInput,
  type ConditionStatus,
  ConditionType,
  conditionsOf,
  findCondition,
  isConditionTrue,
  type KstatusFields,
  markReady,
  markReconciling,
  markStalled,
  removeCondition,
  setCondition,
} from './conditions.ts';
export {
  Controller,
  type ControllerOptions,
  DEFAULT_RESYNC,
  type ReconcileContext,
  type ReconcileFn,
  type ReconcileObserver,
  type ResyncSettings,
} from './controller.ts';
export {
  addFinalizer,
  type FinalizerHandlers,
  hasFinalizer,
  isBeingDeleted,
  removeFinalizer,
  withFinalizer,
} from './finalizers.ts';
export { Informer, type InformerObserver, type InformerOptions } from './informer.ts';
export { computeKstatus, type KstatusResult } from './kstatus.ts';
export {
  FIELD_MANAGER,
  KubeClient,
  type ListWatchClient,
  type ResourceKind,
  resourcePath,
} from './kube-client.ts';
export { httpStatusOf, isApiError, isConflict, isGone, isNotFound } from './kube-errors.ts';
export { keyOf, type ObjectRef, objectKey, parseKey } from './object-key.ts';
export { type CacheEvent, type CacheEventHandler, ObjectStore, type WatchedSource } from './object-store.ts';
export { logUnhandledRejections } from './process-guards.ts';
export { DEFAULT_RETRY_RATE, TokenBucket, type TokenBucketSettings } from './rate-limiter.ts';
export {
  done,
  type ReconcileResult,
  requeueAfter,
  StalledError,
  TerminalError,
} from './reconcile-result.ts';
export { StatusPatcher, type StatusPatchResult } from './status-patcher.ts';
export { WorkQueue, type WorkQueueObserver, type WorkQueueOptions } from './work-queue.ts';
