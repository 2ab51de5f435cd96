// The logicops command line. `--help`/`-h` is answered before anything else is loaded or started;
// every command checks its flags (an unknown one is an error listing the valid ones) before it
// imports its module, so `version`, `crds` and every `--help` need none of the operator.
import { ConfigError } from '../config.ts';
import { commandHelp, parseCommandLine, USAGE_EXIT_CODE, UsageError, wantsHelp } from './command-line.ts';
import { CRDS, commandNamed, DEV, DOCTOR, HELP, RUN, usage, VERSION } from './commands.ts';
import { printCrds } from './crds.ts';
import { logicopsVersion } from './version.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return help([]);
  if (command === 'help') {
    if (wantsHelp(rest)) {
      console.log(commandHelp(HELP));
      return 0;
    }
    return help(rest);
  }
  if (command === '--version') return main(['version', ...rest]);
  const spec = commandNamed(command);
  if (!spec) {
    console.error(`logicops: unknown command '${command}'\n\n${usage()}`);
    return USAGE_EXIT_CODE;
  }
  if (wantsHelp(rest)) {
    console.log(commandHelp(spec));
    return 0;
  }
  const values = parseCommandLine(spec, rest);
  switch (spec) {
    case RUN:
      return (await import('./run.ts')).runOperator(rest);
    case DOCTOR:
      return (await import('./doctor.ts')).runDoctorCommand(rest, values.json === true);
    case DEV: {
      const { DEV_NEEDS_CHECKOUT, loadDevTooling } = await import('./dev-launcher.ts');
      const dev = await loadDevTooling();
      if (!dev) {
        console.error(`logicops: ${DEV_NEEDS_CHECKOUT}`);
        return 1;
      }
      return dev.runDev({ exitWhenReady: values['exit-when-ready'] === true });
    }
    case CRDS:
      return printCrds();
    case VERSION:
      console.log(logicopsVersion());
      return 0;
    default:
      throw new Error(`logicops: command '${spec.name}' has no handler`);
  }
}

function help(args: string[]): number {
  const [topic, ...extra] = args;
  if (topic === undefined) {
    console.log(usage());
    return 0;
  }
  const spec = commandNamed(topic);
  if (!spec || extra.length > 0) {
    console.error(`logicops help: unknown command '${[topic, ...extra].join(' ')}'\n\n${usage()}`);
    return USAGE_EXIT_CODE;
  }
  console.log(commandHelp(spec));
  return 0;
}

/**
 * Exits once stdout and stderr have handed over everything written to them. Writes to a pipe
 * are asynchronous on POSIX (Node.js, "A note on process I/O"), so exiting at once cuts off what
 * is still queued beyond the pipe's 64 KiB: `logicops crds | kubectl apply -f -` then applied a
 * truncated CRD when kubectl read slowly. An empty write's callback runs after every earlier
 * write, even on a closed pipe.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`logicops: ${error.message}`);
      process.exit(USAGE_EXIT_CODE);
    }
    if (error instanceof ConfigError) {
      console.error(`logicops: configuration error: ${error.message}`);
      process.exit(USAGE_EXIT_CODE);
    }
    console.error(`logicops: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
