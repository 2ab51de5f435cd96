// `npm run bench -- [flags]`: parses the flags, runs the benchmark, prints the table and
// writes --json. Exit 0 when the run completed (issue 12's targets are reported, not enforced),
// 1 when it failed or missed an enforced target (issue 24's grant targets), 2 on bad flags.
import { writeFile } from 'node:fs/promises';
import { BENCH_USAGE, BenchArgsError, type BenchOptions, parseBenchArgs } from './args.ts';
import { type BenchReport, formatReport, missedEnforcedTargets, withBaseline } from './report.ts';
import { runBench } from './run.ts';

async function main(argv: string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  if (options === 'help') {
    console.log(BENCH_USAGE);
    return 0;
  }
  // Ctrl-C ends the current phase; runBench then stops the operator, emulator and control plane.
  // A second one exits at once (the operator process is killed on exit, test/support/operator-process.ts).
  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) return stop.abort();
    console.error('[bench] second signal: exiting now (child processes are killed; temp files stay)');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const command = ['npm run bench --', ...argv].join(' ');
  const say = (line: string) => console.error(`[bench] ${line}`);
  // --baseline: one subscription alone first, set up the same way (its own namespace identity),
  // each run with its own control plane and emulator, so neither warms the other.
  let baseline: BenchReport | undefined;
  if (options.baseline) {
    say(`baseline: one subscription alone (${options.workflows} workflows), then ${options.subscriptions}`);
    baseline = await runBench(baselineOptions(options), {
      signal: stop.signal,
      say: (line) => say(`[one subscription] ${line}`),
      command: `${command} (its one-subscription baseline)`,
    });
    if (stop.signal.aborted) {
      console.log(formatReport(baseline));
      return 1;
    }
  }
  const measured = await runBench(options, { signal: stop.signal, say, command });
  const report = baseline ? withBaseline(measured, baseline) : measured;
  console.log(formatReport(report));
  if (options.jsonPath) {
    await writeFile(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nJSON report: ${options.jsonPath}`);
  }
  if (!report.convergence.converged) return 1;
  const missed = missedEnforcedTargets(report.targets);
  for (const line of missed) {
    console.error(
      `bench: target missed: ${line} (the request log tells which writes: see docs/benchmark.md)`,
    );
  }
  return missed.length > 0 ? 1 : 0;
}

/** The one-subscription run of --baseline: the same flags, one subscription, its own chart. */
function baselineOptions(options: BenchOptions): BenchOptions {
  const { jsonPath: _json, chartPath: _chart, ...rest } = options;
  const chart =
    options.chartPath ?? (options.jsonPath ? `${options.jsonPath.replace(/\.json$/i, '')}.svg` : undefined);
  return {
    ...rest,
    subscriptions: 1,
    namespaceIdentities: true,
    baseline: false,
    ...(chart ? { chartPath: chart.replace(/(\.svg)?$/i, '-one-subscription.svg') } : {}),
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchArgsError) {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    }
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
