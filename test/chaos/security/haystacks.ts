// Turns what a collector read into haystacks, and refuses to vouch for a source it could not read.
// A scan that finds nothing is only worth something if it looked: a source that failed to read,
// or came back empty where the operator must have written something (a wrong file, a wrong
// namespace, a scrape of a dead process, an emulator that kept no bodies), fails the whole scan
// instead of adding a silent zero. Pure: the Kubernetes and file reads live in collect.ts.
import type { CapturedRequestBodies } from '@logicops/azure-emulator';
import type { Haystack } from './leak-scanner.ts';

/** One place to read: a log file, a namespace's Events, ... It yields one or more haystacks. */
export interface HaystackSource {
  source: string;
  read(): Promise<Haystack[]>;
}

/** Reads every source; throws one error naming every source that failed or held nothing. */
export async function collectHaystacks(sources: readonly HaystackSource[]): Promise<Haystack[]> {
  if (sources.length === 0) throw new Error('The leak scan was given nothing to read.');
  const results = await Promise.allSettled(sources.map((s) => s.read()));
  const haystacks: Haystack[] = [];
  const problems: string[] = [];
  results.forEach((result, i) => {
    const { source } = sources[i] as HaystackSource;
    if (result.status === 'rejected') {
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      problems.push(`${source}: ${reason}`);
    } else if (result.value.every((h) => h.text.trim() === '')) {
      problems.push(`${source}: nothing to scan`);
    } else {
      haystacks.push(...result.value.filter((h) => h.text !== ''));
    }
  });
  if (problems.length > 0) {
    throw new Error(
      `The leak scan cannot vouch for sources it could not read (fix the collector, not the scan):\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }
  return haystacks;
}

const PINO_LEVELS: Record<string, string> = {
  '10': 'trace',
  '20': 'debug',
  '30': 'info',
  '40': 'warn',
  '50': 'error',
  '60': 'fatal',
};

/**
 * An operator log, one haystack per level (`[debug]`, `[info]`, ..., `[not JSON]` for whatever
 * else reached the file: a crash trace, a Node warning). Split so a finding says at which level
 * it leaked, and so the scan can tell that the debug lines are there: a log without any was
 * written at info, and the lines a debug log adds were never looked at.
 */
export function logHaystacks(source: string, text: string): Haystack[] {
  const groups = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // pino writes `level` first: no need to parse every line of a long log.
    const level = /^\{"level":(\d+)/.exec(line)?.[1];
    const name = level === undefined ? 'not JSON' : (PINO_LEVELS[level] ?? `level ${level}`);
    const lines = groups.get(name) ?? [];
    lines.push(line);
    groups.set(name, lines);
  }
  if (groups.size === 0) throw new Error('the log is empty (is this the file the operator wrote to?)');
  if (!groups.has('debug') && !groups.has('trace')) {
    throw new Error(
      'the log has no debug-level line: start the operator with --log-level debug (or trace), or the lines only a debug log holds go unscanned',
    );
  }
  return [...groups].map(([level, lines]) => ({ source: `${source} [${level}]`, text: lines.join('\n') }));
}

/** A namespace's Events as the API server lists them; an operator that did anything left some. */
export function eventHaystack(source: string, events: readonly unknown[]): Haystack {
  if (events.length === 0)
    throw new Error('no Events in the namespace (is it the namespace the operator worked in?)');
  return { source, text: JSON.stringify(events) };
}

interface ObjectWithStatus {
  kind?: string;
  metadata?: { name?: string };
  status?: unknown;
}

/** The status of every object in a namespace (status only: spec is what the team wrote). */
export function statusHaystack(source: string, objects: readonly ObjectWithStatus[]): Haystack {
  if (objects.length === 0)
    throw new Error('no objects in the namespace (is it the namespace the suite created them in?)');
  const written = objects.filter((o) => o.status && Object.keys(o.status).length > 0);
  if (written.length === 0) throw new Error(`none of ${objects.length} objects has a status`);
  return {
    source,
    text: JSON.stringify(
      objects.map((o) => ({ kind: o.kind, name: o.metadata?.name, status: o.status ?? {} })),
    ),
  };
}

/**
 * The operator's own records of a namespace's objects (ConfigMaps in the operator's namespace:
 * grant ledgers, vouched identities). Teams cannot read them, but the rule is the same: no
 * secret or token is stored. Any workflow that got an identity has one.
 */
export function recordHaystack(source: string, configMaps: readonly RecordLike[]): Haystack {
  if (configMaps.length === 0) {
    throw new Error(
      'no operator records for the namespace (did the operator write any, and are they where the collector looks?)',
    );
  }
  return {
    source,
    text: JSON.stringify(
      configMaps.map((c) => ({ name: c.metadata?.name, annotations: c.metadata?.annotations, data: c.data })),
    ),
  };
}

interface RecordLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

/** One /metrics scrape; anything but Prometheus text (an empty or failed scrape) is refused. */
export function metricsHaystack(source: string, text: string): Haystack {
  if (!/^# TYPE /m.test(text))
    throw new Error('not a Prometheus exposition (did the scrape fail, or was the operator gone?)');
  return { source, text };
}

/**
 * The bodies an emulator received, one haystack per Azure operation so a finding says what
 * carried it (`Microsoft.Logic/workflows/write`: a definition, parameters or tags). A capture that
 * overflowed saw only part of what was sent, which is no basis for a zero.
 */
export function requestBodyHaystacks(source: string, captured: CapturedRequestBodies): Haystack[] {
  if (captured.droppedBodies > 0) {
    throw new Error(
      `the emulator dropped ${captured.droppedBodies} request bodies (${captured.droppedBytes} bytes) past its capture bound: raise captureRequestBodies.maxBytes`,
    );
  }
  if (captured.bodies.length === 0) throw new Error('the emulator received no request bodies');
  const byOperation = new Map<string, string[]>();
  for (const { operation, body } of captured.bodies) {
    const bodies = byOperation.get(operation) ?? [];
    bodies.push(body);
    byOperation.set(operation, bodies);
  }
  return [...byOperation].map(([operation, bodies]) => ({
    source: `${source} (${operation})`,
    text: bodies.join('\n'),
  }));
}
