// Prometheus's own PromQL parser and engine for the tests: promqlcheck, built once from the
// committed Go module hack/promql by scripts/build-promql.sh into the user cache.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './packaging-tools.ts';

const execFileAsync = promisify(execFile);

let resolved: Promise<string> | undefined;

/** The promqlcheck binary; builds it on first use (minutes when cold). Fails with the build's output. */
export function promqlcheck(): Promise<string> {
  resolved ??= (async () => {
    try {
      const { stdout } = await execFileAsync('bash', [path.join(repoRoot, 'scripts/build-promql.sh')], {
        maxBuffer: 16 * 1024 * 1024,
      });
      return path.join(stdout.trim().split('\n').pop() ?? '', 'promqlcheck');
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`scripts/build-promql.sh failed; run it by hand to see why.\n${stderr.slice(-3000)}`);
    }
  })();
  return resolved;
}

async function run<T>(command: 'names' | 'eval', input: unknown): Promise<T> {
  const pending = execFileAsync(await promqlcheck(), [command], { maxBuffer: 32 * 1024 * 1024 });
  pending.child.stdin?.end(JSON.stringify(input));
  const { stdout } = await pending;
  return JSON.parse(stdout) as T;
}

export interface ParsedExpression {
  expr: string;
  /** The metric names the expression selects, sorted. */
  metrics: string[];
  /** The parser's error, when the expression does not parse (or a selector names no metric). */
  error?: string;
}

/** Parses each expression with Prometheus's parser. */
export function parsePromql(exprs: readonly string[]): Promise<ParsedExpression[]> {
  return run('names', exprs);
}

export interface Scrape {
  /** Milliseconds since the epoch. */
  atMs: number;
  /** Target labels Prometheus adds at scrape time (job, instance). */
  labels: Record<string, string>;
  /** The exposition text /metrics returned. */
  text: string;
}

export interface Sample {
  metric: Record<string, string>;
  /** null for NaN or ±Inf (e.g. a quantile of a histogram with nothing observed in the window). */
  value: number | null;
}

/** The instant vector `expr` gives at `atMs` over the scraped samples, by Prometheus's engine. */
export function evaluatePromql(expr: string, atMs: number, scrapes: readonly Scrape[]): Promise<Sample[]> {
  return run('eval', { expr, atMs, scrapes });
}
