// The logicops command line. Subcommands grow with the project: `dev` now; `run`,
// `crds` and `version` with the operator.
import { runDev } from './dev.ts';

const USAGE = `usage: logicops <command>

commands:
  dev       start the embedded default (local control plane) until Ctrl-C
  help      show this text`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'dev':
      await runDev();
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
    console.error(`logicops: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
