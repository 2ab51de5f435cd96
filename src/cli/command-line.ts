// What every `logicops` command shares on its command line: `--help`/`-h` anywhere prints the
// command's help and does nothing else; a flag the command does not know (or a stray word) is a
// usage error that lists the flags it does know; exit codes are stated in each help text. This
// module imports nothing heavy, so `--help` loads no operator, emulator or client code.
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  default?: string;
  /** The environment variable read when the flag is absent. */
  env?: string;
}

export interface CommandSpec {
  name: string;
  /** One line for `logicops help`. */
  summary: string;
  /** Paragraphs printed between the usage line and the options. */
  description: string;
  flags: Readonly<Record<string, FlagSpec>>;
  /** Printed after the options (e.g. where secrets come from). */
  notes?: string;
  exitCodes: ReadonlyArray<readonly [code: number, meaning: string]>;
}

/** Exit code of a usage or configuration error, for every command. */
export const USAGE_EXIT_CODE = 2;

export const HELP_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', help: 'print this help and exit (also -h); does nothing else' },
};

/** A wrong command line: exit code 2, and the message names what is accepted. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` or `-h` before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Parses `argv` against the command's flags (strictly: unknown flags and stray words are errors
 * listing what the command accepts). Returns the given values only; defaults and environment
 * are the caller's business (config.ts for run and doctor).
 */
export function parseCommandLine(
  spec: CommandSpec,
  argv: readonly string[],
): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, flag] of Object.entries(spec.flags)) options[name] = { type: flag.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}\n${validFlags(spec)}`);
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `logicops ${spec.name} takes no arguments, got '${parsed.positionals.join(' ')}'\n${validFlags(spec)}`,
    );
  }
  return parsed.values as Record<string, string | boolean | undefined>;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  // Node's messages for a missing value or a value given to a boolean flag are clear enough.
  return message.replace(/\. To specify a positional argument.*$/s, '');
}

function validFlags(spec: CommandSpec): string {
  const names = Object.keys(spec.flags).map((name) => `--${name}`);
  return `valid options for logicops ${spec.name}: ${[...names, '--help (-h)'].join(', ')}; see logicops ${spec.name} --help`;
}

/** The help text of one command: usage, description, options with defaults and env, exit codes. */
export function commandHelp(spec: CommandSpec): string {
  const hasFlags = Object.keys(spec.flags).length > 0;
  const rows = Object.entries({ ...spec.flags, ...HELP_FLAGS }).map(([name, flag]) => {
    const value = flag.type === 'boolean' ? '' : ' <value>';
    const short = name === 'help' ? ', -h' : '';
    const fallback = flag.default !== undefined && flag.default !== '' ? ` (default ${flag.default})` : '';
    const env = flag.env ? `; env ${flag.env}` : '';
    return `  --${name}${value}${short}\n      ${flag.help}${fallback}${env}`;
  });
  const exits = spec.exitCodes.map(([code, meaning]) => `  ${code}  ${meaning}`);
  return [
    `usage: logicops ${spec.name}${hasFlags ? ' [options]' : ''}`,
    '',
    spec.description,
    '',
    'options:',
    ...rows,
    ...(spec.notes ? ['', spec.notes] : []),
    '',
    'exit codes:',
    ...exits,
  ].join('\n');
}
