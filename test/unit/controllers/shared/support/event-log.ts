// The Events a grant controller's unit world records, kept in an array its tests read (by object
// name, type, reason and note) instead of sent to an API server.
import type { EventRecorder } from '../../../../../src/runtime/events.ts';

export interface RecordedEvent {
  object: string;
  type: string;
  reason: string;
  note: string;
}

export function eventLog(events: RecordedEvent[]): EventRecorder {
  return {
    record: async (object, type, reason, _action, note) => {
      events.push({ object: object.metadata?.name ?? '', type, reason, note });
    },
  };
}
