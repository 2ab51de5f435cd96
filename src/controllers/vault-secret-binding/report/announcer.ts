// Events about what a pass's closing status write records (a grant taking effect): sent
// alongside that write rather than before it. A granted binding's pass then waits for one API
// round trip instead of two; at the end of a bulk apply hundreds of them are recorded at once
// (issue 12). The frame sends them (reconcile.ts: `announce`).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventRecorder, EventType } from '../../../runtime/events.ts';

/** An Event a binding announces once it records Granted (a coalesced write keeps it until then). */
export interface GrantEvent {
  type: EventType;
  reason: string;
  note: string;
}

export class Announcer {
  private readonly pending: Array<GrantEvent & { action: string }> = [];

  constructor(
    private readonly events: EventRecorder,
    private readonly about: () => KubernetesObject,
  ) {}

  announce(type: EventType, reason: string, action: string, note: string): void {
    this.pending.push({ type, reason, action, note });
  }

  /** Sends the announced Events (each at most once). */
  async send(): Promise<void> {
    for (const { type, reason, action, note } of this.pending.splice(0)) {
      await this.events.record(this.about(), type, reason, action, note);
    }
  }
}
