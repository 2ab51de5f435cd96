// The logicops command line.
// Commands load their modules on demand: `version` and `crds` need none of the operator.
import { ConfigError, helpText } from '../config.ts';
import { printCrds } from './crds.ts';
import { logicopsVersion } from './version.ts';

const USAGE = `usage: logicops <command> [options]

commands:
  run       run the operator (see logicops run --help for every option)
  dev       the embedded default: a local control plane, the Azure emulator, the operator and
            the samples, with live progress, until Ctrl-C
  crds      print the CustomResourceDefinitions as YAML
  version   print the version
  help      show this text`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      if (rest.includes('--help') || rest.includes('-h')) {
        console.log(helpText());
        return 0;
      }
      return (await import('./run.ts')).runOperator(rest);
    case 'dev':
      return (await import('./dev.ts')).runDev(rest);
    case 'crds':
      return printCrds();
    case 'version':
    case '--version':
      console.log(logicopsVersion());
      return 0;
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      console.log(USAGE);
      return 0;
    default:
      console.error(`logicops: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`logicops: configuration error: ${error.message}`);
      process.exit(2);
    }
    console.error(`logicops: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
