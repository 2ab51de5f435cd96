// Kubernetes Events (events.k8s.io/v1) about the objects logicops reconciles, aggregated so a
// failing loop does not flood the API server or `kubectl describe`.
//
// Aggregation follows the events API's own model: the first occurrence of (object, type,
// reason) creates an Event; repeats within the series window update that Event's `series`
// (count, lastObservedTime) instead of creating new ones, and at most once per
// `seriesUpdateIntervalMs` — occurrences in between are counted locally and published by a
// timer at the end of the interval, so the count is right even when no occurrence follows. After
// the window a new Event starts. Recording never throws: an Event is a courtesy to humans, never
// a reason for a reconcile to fail.
//
// Every request first asks the leadership fence (the story: leadership/fence.ts): a deposed leader's
// reconciles and flush timers record nothing, so `kubectl describe` never shows a stale replica
// reporting over the new leader. A dropped occurrence is not queued for later.
import {
  ApiException,
  EventsV1Api,
  type EventsV1Event,
  type KubeConfig,
  type KubernetesObject,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { type Clock, systemClock, type TimerHandle } from './clock.ts';
import { OPEN_FENCE, type WriteFence } from './leadership/fence.ts';

export const REPORTING_CONTROLLER = 'logicops';
const NOTE_MAX_BYTES = 1024;

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** `action` is what logicops did or tried (e.g. `Reconcile`, `Revoke`); `note` is for humans. */
  record(
    object: KubernetesObject,
    type: EventType,
    reason: string,
    action: string,
    note: string,
  ): Promise<void>;
}

export interface EventRecorderSettings {
  /** The pod or process that reports (events' `reportingInstance`). */
  instance: string;
  seriesWindowMs?: number;
  seriesUpdateIntervalMs?: number;
  /** Asked right before every create or update; default: always open. */
  fence?: WriteFence;
}

interface Series {
  /**
   * What a series update replaces the Event with: the body we created it from, named as the
   * API server named it. Not the server's answer: that carries managedFields and its own copy of
   * every string, ~1.6 KiB per Event, and an operator at 5,000 objects keeps ~5,000 series for
   * the window (issue 12). The update is unconditional (no resourceVersion): the API server
   * allows that for Events, and only this series' owner writes them.
   */
  event: EventsV1Event;
  namespace: string;
  startedMs: number;
  lastSentMs: number;
  count: number;
  /** Count the API server has; below `count` while repeats wait for the flush timer. */
  sentCount: number;
  flushTimer?: TimerHandle;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly api: EventsV1Api;
  private readonly series = new Map<string, Series>();
  private sequence = 0;
  private readonly windowMs: number;
  private readonly updateIntervalMs: number;
  private readonly fence: WriteFence;

  constructor(
    kubeConfig: KubeConfig,
    private readonly settings: EventRecorderSettings,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.api = kubeConfig.makeApiClient(EventsV1Api);
    this.windowMs = settings.seriesWindowMs ?? 6 * 60_000;
    this.updateIntervalMs = settings.seriesUpdateIntervalMs ?? 30_000;
    this.fence = settings.fence ?? OPEN_FENCE;
  }

  async record(
    object: KubernetesObject,
    type: EventType,
    reason: string,
    action: string,
    note: string,
  ): Promise<void> {
    const namespace = object.metadata?.namespace ?? 'default';
    if (!this.fence.mayWrite()) {
      this.dropped(reason);
      return;
    }
    const key = `${object.metadata?.uid}/${type}/${reason}`;
    const now = this.clock.now();
    const existing = this.series.get(key);
    try {
      if (existing && now - existing.startedMs < this.windowMs) {
        existing.count++;
        if (now - existing.lastSentMs < this.updateIntervalMs) {
          this.scheduleFlush(key, existing);
          return;
        }
        await this.publishSeries(key, existing);
        return;
      }
      this.forgetExpired(now);
      const body: EventsV1Event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        // client-go's naming: the object's name and the time in hex, unique enough and readable.
        metadata: {
          name: `${object.metadata?.name ?? 'object'}.${(BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`,
          namespace,
        },
        eventTime: new V1MicroTime(now),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: this.settings.instance,
        type,
        reason,
        action,
        note: truncate(note),
        regarding: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata?.name,
          namespace: object.metadata?.namespace,
          uid: object.metadata?.uid,
          resourceVersion: object.metadata?.resourceVersion,
        },
      };
      const created = await this.api.createNamespacedEvent({ namespace, body });
      const name = created.metadata?.name ?? body.metadata?.name;
      const event = { ...body, metadata: { name, namespace } };
      this.series.set(key, { event, namespace, startedMs: now, lastSentMs: now, count: 1, sentCount: 1 });
    } catch (error) {
      // A replaced-away or deleted Event starts a new series next time.
      if (error instanceof ApiException && (error.code === 404 || error.code === 409))
        this.series.delete(key);
      this.logger.debug(
        {
          reason,
          object: `${namespace}/${object.metadata?.name}`,
          code: error instanceof ApiException ? error.code : undefined,
          err: error instanceof Error ? error.message.slice(0, 500) : String(error),
        },
        'Failed to record an event',
      );
    }
  }

  /** Publishes suppressed repeats at the end of the update interval (one timer per series). */
  private scheduleFlush(key: string, series: Series): void {
    if (series.flushTimer !== undefined) return;
    const dueIn = series.lastSentMs + this.updateIntervalMs - this.clock.now();
    series.flushTimer = this.clock.setTimeout(() => {
      series.flushTimer = undefined;
      if (series.count > series.sentCount) void this.publishSeries(key, series);
    }, dueIn);
  }

  private async publishSeries(key: string, series: Series): Promise<void> {
    if (!this.fence.mayWrite()) {
      this.dropped(series.event.reason ?? '');
      return;
    }
    const now = this.clock.now();
    try {
      const body: EventsV1Event = {
        // The API server keeps an Event's note immutable: a series repeats the first one.
        ...series.event,
        series: { count: series.count, lastObservedTime: new V1MicroTime(now) },
      };
      await this.api.replaceNamespacedEvent({
        namespace: series.namespace,
        name: series.event.metadata?.name ?? '',
        body,
      });
      series.event = body;
      series.lastSentMs = now;
      series.sentCount = series.count;
    } catch (error) {
      // A replaced-away or deleted Event starts a new series next time.
      if (error instanceof ApiException && (error.code === 404 || error.code === 409))
        this.series.delete(key);
      this.logger.debug(
        { code: error instanceof ApiException ? error.code : undefined },
        'Failed to update an event series',
      );
    }
  }

  private dropped(reason: string): void {
    this.logger.debug(
      { reason },
      'Dropped an event: this instance is not the leader (or its lease is stale)',
    );
  }

  private forgetExpired(now: number): void {
    for (const [key, entry] of this.series)
      if (now - entry.startedMs >= this.windowMs) this.series.delete(key);
  }
}

/** Events' `note` is limited to 1 kB by the API server. */
function truncate(note: string): string {
  if (Buffer.byteLength(note) <= NOTE_MAX_BYTES) return note;
  let cut = note.slice(0, NOTE_MAX_BYTES - 3);
  while (Buffer.byteLength(cut) > NOTE_MAX_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}
