// The write-class ARM requests of a run (PUT/PATCH, POST actions, DELETE), failed attempts and
// after-commit faults included, copied out of the emulator's request log as it grows.
import type { RequestLogEntry } from '@logicops/azure-emulator';

const WRITE_KINDS = new Set<RequestLogEntry['kind']>(['write', 'action', 'delete']);

export interface ArmWriteLog {
  entries: RequestLogEntry[];
  /** Reads what the log gained since the last look (also done every 250 ms). */
  collect(): void;
  stop(): void;
}

/**
 * Copies the write-class ARM entries out of the emulator's request log every 250 ms: the log
 * keeps only its last 2,000 entries (reads and tokens included), fewer than a full-scale run sends.
 */
export function recordArmWrites(emulator: { requests(sinceSeq?: number): RequestLogEntry[] }): ArmWriteLog {
  const entries: RequestLogEntry[] = [];
  let seen = 0;
  const collect = () => {
    for (const entry of emulator.requests(seen)) {
      seen = entry.seq;
      if (entry.plane === 'arm' && WRITE_KINDS.has(entry.kind)) entries.push(entry);
    }
  };
  const timer = setInterval(collect, 250);
  return { entries, collect, stop: () => clearInterval(timer) };
}
