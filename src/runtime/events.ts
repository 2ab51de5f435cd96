// Kubernetes Events (events.k8s.io/v1) about the objects logicops reconciles, aggregated so a
// failing loop does not flood the API server or `kubectl describe`.
//
// Aggregation follows the events API's own model: the first occurrence of (object, type,
// reason) creates an Event; repeats within the series window update that Event's `series`
// (count, lastObservedTime) instead of creating new ones, and at most once per
// `seriesUpdateIntervalMs` — occurrences in between are counted locally and folded into the
// next update. After the window a new Event starts. Recording never throws: an Event is a
// courtesy to humans, never a reason for a reconcile to fail.
import {
  ApiException,
  EventsV1Api,
  type EventsV1Event,
  type KubeConfig,
  type KubernetesObject,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.ts';
import { type Clock, systemClock } from './clock.ts';

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
}

interface Series {
  event: EventsV1Event;
  startedMs: number;
  lastSentMs: number;
  count: number;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly api: EventsV1Api;
  private readonly series = new Map<string, Series>();
  private sequence = 0;
  private readonly windowMs: number;
  private readonly updateIntervalMs: number;

  constructor(
    kubeConfig: KubeConfig,
    private readonly settings: EventRecorderSettings,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.api = kubeConfig.makeApiClient(EventsV1Api);
    this.windowMs = settings.seriesWindowMs ?? 6 * 60_000;
    this.updateIntervalMs = settings.seriesUpdateIntervalMs ?? 30_000;
  }

  async record(
    object: KubernetesObject,
    type: EventType,
    reason: string,
    action: string,
    note: string,
  ): Promise<void> {
    const namespace = object.metadata?.namespace ?? 'default';
    const key = `${object.metadata?.uid}/${type}/${reason}`;
    const now = this.clock.now();
    const existing = this.series.get(key);
    try {
      if (existing && now - existing.startedMs < this.windowMs) {
        existing.count++;
        if (now - existing.lastSentMs < this.updateIntervalMs) return;
        existing.event = await this.api.replaceNamespacedEvent({
          namespace,
          name: existing.event.metadata?.name ?? '',
          body: {
            // The API server keeps an Event's note immutable: a series repeats the first one.
            ...existing.event,
            series: { count: existing.count, lastObservedTime: new V1MicroTime(now) },
          },
        });
        existing.lastSentMs = now;
        return;
      }
      this.forgetExpired(now);
      const event = await this.api.createNamespacedEvent({
        namespace,
        body: {
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
        },
      });
      this.series.set(key, { event, startedMs: now, lastSentMs: now, count: 1 });
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
