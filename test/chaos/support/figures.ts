// The figures each suite prints at its end (issue 13: "kills, faults injected, objects, leaks
// found"), one labelled block per suite, so a CI log shows them without digging.
import type { FaultCounters } from '@logicops/azure-emulator';

export interface SuiteFigures {
  suite: string;
  scale: string;
  seed?: number;
  objects?: number;
  deleted?: number;
  kills?: number;
  faults?: FaultCounters;
  discrepancies?: number;
  leaks?: number;
  /** Haystacks the leak scan read (one per log level, namespace, scrape, Azure operation). */
  haystacks?: number;
  durationMs: number;
  [extra: string]: unknown;
}

export function printFigures(figures: SuiteFigures): void {
  const { suite, faults, ...rest } = figures;
  const lines = [`[chaos] ===== ${suite} =====`];
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined)
      lines.push(`[chaos]   ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  if (faults) lines.push(`[chaos]   faults injected: ${JSON.stringify(faults)}`);
  // stderr: vitest passes it through unbuffered, also when the test fails.
  process.stderr.write(`${lines.join('\n')}\n`);
}
