// Every `logicops` command: its flags, help text and exit codes. Only light imports (the option
// table of config.ts), so `logicops <command> --help` loads nothing else.
import { OPTIONS } from '../config.ts';
import { type CommandSpec, type FlagSpec, USAGE_EXIT_CODE } from './command-line.ts';

const USAGE_ERROR = [USAGE_EXIT_CODE, 'usage or configuration error (the message says what to fix)'] as const;

/** The operator's flags (config.ts), shared by `run` and `doctor`. */
const OPERATOR_FLAGS: Record<string, FlagSpec> = Object.fromEntries(
  Object.entries(
    OPTIONS as Record<string, { env: string; help: string; default?: string; type?: 'boolean' }>,
  ).map(([name, option]) => [
    name,
    { type: option.type ?? 'string', help: option.help, default: option.default, env: option.env },
  ]),
);

const SECRETS_NOTE = 'secrets from the environment only: AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE';

export const RUN: CommandSpec = {
  name: 'run',
  summary: 'run the operator',
  description:
    'Runs the operator: watches LogicAppWorkflows and VaultSecretBindings and reconciles them with Azure\nuntil SIGTERM or SIGINT. Each flag can also come from the environment variable named next to it.',
  flags: OPERATOR_FLAGS,
  notes: SECRETS_NOTE,
  exitCodes: [
    [0, 'stopped gracefully after SIGTERM or SIGINT'],
    [1, 'lost leadership, or failed (the log says why)'],
    USAGE_ERROR,
  ],
};

export const DOCTOR: CommandSpec = {
  name: 'doctor',
  summary: 'check what the operator needs (Kubernetes, CRDs, RBAC, Azure) and print a table',
  description: [
    'Checks, with the same flags and environment as `logicops run`, what the operator needs and prints',
    'one row per check: Kubernetes reachable; the CRDs installed, Established and at the version this',
    "binary serves; the operator's Kubernetes RBAC (a SelfSubjectAccessReview per need, so run it with",
    "the operator's own kubeconfig or ServiceAccount token); an Azure token for the configured",
    "credential; ARM reachable; the identity's Azure permissions on the resource groups and vaults the",
    'namespaces allow and the objects use (ARM Microsoft.Authorization/permissions); namespaces with',
    'objects but no policy annotations; quota headroom. It only reads: nothing is created or changed.',
  ].join('\n'),
  flags: {
    ...OPERATOR_FLAGS,
    json: { type: 'boolean', help: 'print the result as JSON (for scripts) instead of a table' },
  },
  notes: SECRETS_NOTE,
  exitCodes: [
    [0, 'every check passed (warnings are printed but do not fail)'],
    [1, 'at least one check failed (the row says what to do)'],
    USAGE_ERROR,
  ],
};

export const DEV: CommandSpec = {
  name: 'dev',
  summary:
    'the embedded default: a local control plane, the Azure emulator, the operator and the samples, with live progress, until Ctrl-C',
  description: [
    'Starts a local kube-apiserver and etcd (built from Go modules on the first run), the Azure emulator',
    'over HTTPS, installs the CRDs and a demo namespace, runs the operator, applies config/samples and',
    'shows their conditions until all are Ready; then prints the KUBECONFIG to use and runs until Ctrl-C,',
    'which stops everything it started. Needs no cluster and no Azure subscription.',
    'A development command: it runs from a checkout of logicops (npm run dev), not from the image.',
  ].join('\n'),
  flags: {
    'exit-when-ready': {
      type: 'boolean',
      help: 'stop everything and exit once every sample is Ready (or after 10 minutes)',
    },
  },
  exitCodes: [
    [0, 'stopped by Ctrl-C, or every sample Ready with --exit-when-ready'],
    [1, 'failed to start, not every sample Ready with --exit-when-ready, or not run from a checkout'],
    USAGE_ERROR,
  ],
};

export const CRDS: CommandSpec = {
  name: 'crds',
  summary: 'print the CustomResourceDefinitions as YAML',
  description:
    'Prints the CustomResourceDefinitions as one YAML stream, e.g. for\n`logicops crds | kubectl apply --server-side -f -`.',
  flags: {},
  exitCodes: [[0, 'printed'], USAGE_ERROR],
};

export const VERSION: CommandSpec = {
  name: 'version',
  summary: 'print the version',
  description: 'Prints the version of logicops (also `logicops --version`).',
  flags: {},
  exitCodes: [[0, 'printed'], USAGE_ERROR],
};

export const HELP: CommandSpec = {
  name: 'help',
  summary: "show the list of commands, or one command's help: logicops help <command>",
  description: "Prints the list of commands; `logicops help <command>` prints that command's help.",
  flags: {},
  exitCodes: [
    [0, 'printed'],
    [USAGE_EXIT_CODE, 'unknown command'],
  ],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, DOCTOR, DEV, CRDS, VERSION, HELP];

export function commandNamed(name: string | undefined): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'usage: logicops <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    "logicops <command> --help (or -h) prints a command's options and exit codes and does nothing else.",
    `Every command exits ${USAGE_EXIT_CODE} on a usage or configuration error.`,
  ].join('\n');
}
