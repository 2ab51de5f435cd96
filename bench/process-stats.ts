// The operator's memory and CPU, read from /proc as `ps` would, since it runs as a separate
// process (its own heap, its own event loop: the bench's work never counts against it).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ProcessSample {
  /** Resident set size now, and the kernel's high-water mark, in bytes. */
  rssBytes: number;
  peakRssBytes: number;
  /** User + system CPU time consumed so far, in seconds. */
  cpuSeconds: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status (kB lines). */
export function parseStatus(text: string): { rssBytes: number; peakRssBytes: number } {
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/**
 * utime + stime from /proc/<pid>/stat, in clock ticks. Field 2 (the command) may contain spaces
 * and parentheses, so fields are counted after its last ')'.
 */
export function parseStatTicks(text: string): number {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(rest[11] ?? 0) + Number(rest[12] ?? 0);
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // Linux's USER_HZ everywhere that matters
    }
  }
  return clockTicks;
}

export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const [status, stat] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    return { ...parseStatus(status), cpuSeconds: parseStatTicks(stat) / ticksPerSecond() };
  } catch {
    return undefined; // the process is gone
  }
}
