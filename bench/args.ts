// The bench's command line: `npm run bench -- [--workflows N] [--vaults V] ...`. Every value is
// checked here, once, so a typo fails before a control plane is started, with a message
// naming the flag and what it accepts.
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config.ts';
import { IMAGE_NODE_FLAGS } from './compiled-operator.ts';

export type GrantModel = 'access-policy' | 'rbac';
/** sample: the end-to-end sample's definition; max: definition and parameters at logicops' size limits. */
export type DefinitionSize = 'sample' | 'max';

export interface BenchOptions {
  /** Workflows per subscription (N × this in all). */
  workflows: number;
  /** Vaults per subscription (each subscription has its own). */
  vaults: number;
  bindingsPerWorkflow: number;
  /**
   * WorkflowRoleAssignments per workflow (issue 24): each grants a Service Bus data role on a queue
   * of the run's Service Bus namespace. 0 (the default): none, the run is the one before issue 24.
   */
  roleGrantsPerWorkflow: number;
  /**
   * Subscriptions, each with its own namespace, app registration and credential Secret (issue 23);
   * the workflows, bindings and vaults above are each subscription's share.
   */
  subscriptions: number;
  /**
   * Each subscription's namespace acts as its own identity (--namespace-credentials). On with
   * --subscriptions ≥ 2 and for the one-subscription baseline; off: today's run, one namespace
   * acting as the operator's identity in the demo subscription.
   */
  namespaceIdentities: boolean;
  /** With --subscriptions ≥ 2: first run one subscription's share alone, set up the same way. */
  baseline: boolean;
  model: GrantModel;
  definitionSize: DefinitionSize;
  /** 1 MiB ConfigMaps no workflow references, created in each bench namespace before the workflows. */
  unreferencedConfigMaps: number;
  /** Write the full report as JSON here. */
  jsonPath?: string;
  /** Write the convergence chart (SVG) here; default next to the JSON, else a temp file. */
  chartPath?: string;
  /** The operator's --resync-period; the steady-state window lasts `steadyPeriods` of these. */
  resyncPeriodMs: number;
  steadyPeriods: number;
  /** The operator's --workers (concurrent reconciles per kind). */
  workers: number;
  readLatencyMs: number;
  writeLatencyMs: number;
  throttling: boolean;
  /** Parallel creates against the API server. */
  createConcurrency: number;
  /** Give up waiting for Ready after this long. */
  timeoutMs: number;
  /** Ready-count sampling interval. */
  pollIntervalMs: number;
  /** Use this cluster instead of starting a control plane (the integration test passes its own). */
  kubeconfig?: string;
  /** The operator's --log-level. */
  operatorLogLevel: string;
  /** Run the operator compiled (tsc output under Node, as the image does) instead of from source via tsx. */
  compiled: boolean;
  /** Node/V8 flags for the operator process only (e.g. --max-semi-space-size=2), split on spaces. */
  nodeOptions: string[];
  /** False: --compiled runs with the image's flags (IMAGE_NODE_FLAGS) instead of `nodeOptions`. */
  nodeOptionsGiven: boolean;
}

export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

export const BENCH_USAGE = `usage: npm run bench -- [options]

  --workflows N                LogicAppWorkflows to create, per subscription (default 50)
  --vaults V                   Key Vaults the bindings spread over, per subscription (default 10)
  --bindings-per-workflow B    VaultSecretBindings per workflow (default 1)
  --model access-policy|rbac   how vaults grant access (default access-policy)
  --role-grants G              WorkflowRoleAssignments per workflow, each a Service Bus data role on
                               one of G queues the bench creates (default 0: none; issue 24); their
                               role assignments count in one budget with RBAC bindings'. One
                               subscription only. Issue 24's targets fail the run when missed
  --subscriptions S            subscriptions, each with its own namespace and Azure identity (a
                               credential Secret, --namespace-credentials); N workflows in each
                               (default 1: one namespace acting as the operator's identity)
  --baseline                   with --subscriptions S >= 2: first run one subscription alone, set up
                               the same way, and report the ratio of the two times to Ready
  --definition-size sample|max each workflow's definition: the end-to-end sample's, or definition
                               and parameters at logicops' size limits (default sample)
  --unreferenced-config-maps K 1 MiB ConfigMaps no workflow references, in each bench namespace (default 0)
  --json out.json              also write the report as JSON
  --chart out.svg              where to write the convergence chart (default: next to --json, else a temp file)
  --resync-period D            operator drift-check period, e.g. 20s (default 20s)
  --steady-periods K           steady-state window in resync periods, >= 2 (default 2)
  --workers W                  operator workers per kind (default 16, the operator's default)
  --read-latency MS            emulator ARM read latency (default 50)
  --write-latency MS           emulator ARM write latency (default 150)
  --no-throttling              turn the emulator's ARM token buckets off (default on)
  --create-concurrency C       parallel creates against the API server (default 16)
  --timeout D                  give up waiting for Ready after D (default 30m)
  --poll-interval D            Ready-count sampling interval (default 1s)
  --kubeconfig FILE            use this cluster instead of starting a local control plane
  --operator-log-level L       the operator's --log-level (default info)
  --compiled                   run the operator bundled (as the image does) instead of from source via tsx
  --node-options="F ..."       Node/V8 flags for the operator process only (default: none; with
                               --compiled, the image's: ${IMAGE_NODE_FLAGS.join(' ')}); "" for none`;

const FLAGS = {
  workflows: { type: 'string' },
  vaults: { type: 'string' },
  'bindings-per-workflow': { type: 'string' },
  'role-grants': { type: 'string' },
  model: { type: 'string' },
  subscriptions: { type: 'string' },
  baseline: { type: 'boolean' },
  'definition-size': { type: 'string' },
  'unreferenced-config-maps': { type: 'string' },
  json: { type: 'string' },
  chart: { type: 'string' },
  'resync-period': { type: 'string' },
  'steady-periods': { type: 'string' },
  workers: { type: 'string' },
  'read-latency': { type: 'string' },
  'write-latency': { type: 'string' },
  'no-throttling': { type: 'boolean' },
  'create-concurrency': { type: 'string' },
  timeout: { type: 'string' },
  'poll-interval': { type: 'string' },
  kubeconfig: { type: 'string' },
  'operator-log-level': { type: 'string' },
  compiled: { type: 'boolean' },
  'node-options': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the bench flags; `'help'` when --help was asked for. Throws BenchArgsError on bad input. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new BenchArgsError(`${error instanceof Error ? error.message : String(error)}\n\n${BENCH_USAGE}`);
  }
  if (values.help) return 'help';
  const text = (name: keyof typeof FLAGS): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const int = (name: keyof typeof FLAGS, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new BenchArgsError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
  const duration = (name: keyof typeof FLAGS, fallback: string, minMs: number): number => {
    const raw = text(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms < minMs) {
      throw new BenchArgsError(
        `--${name} must be a duration of at least ${minMs} ms such as 20s, 2m or 500ms, got '${raw}'`,
      );
    }
    return ms;
  };

  const model = text('model') ?? 'access-policy';
  if (model !== 'access-policy' && model !== 'rbac') {
    throw new BenchArgsError(`--model must be access-policy or rbac, got '${model}'`);
  }
  const definitionSize = text('definition-size') ?? 'sample';
  if (definitionSize !== 'sample' && definitionSize !== 'max') {
    throw new BenchArgsError(`--definition-size must be sample or max, got '${definitionSize}'`);
  }
  const logLevel = text('operator-log-level') ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new BenchArgsError(
      `--operator-log-level must be trace, debug, info, warn or error, got '${logLevel}'`,
    );
  }
  const emptyPath = (name: keyof typeof FLAGS): string | undefined => {
    const raw = text(name);
    if (raw !== undefined && raw.trim() === '') throw new BenchArgsError(`--${name} needs a file name`);
    return raw;
  };

  const options: BenchOptions = {
    workflows: int('workflows', 50, 1, 100_000),
    vaults: int('vaults', 10, 1, 1_000),
    bindingsPerWorkflow: int('bindings-per-workflow', 1, 0, 100),
    roleGrantsPerWorkflow: int('role-grants', 0, 0, 20),
    subscriptions: int('subscriptions', 1, 1, 20),
    namespaceIdentities: false,
    baseline: values.baseline === true,
    model,
    definitionSize,
    unreferencedConfigMaps: int('unreferenced-config-maps', 0, 0, 1_000),
    resyncPeriodMs: duration('resync-period', '20s', 1000),
    steadyPeriods: int('steady-periods', 2, 2, 100),
    workers: int('workers', 16, 1, 64),
    readLatencyMs: int('read-latency', 50, 0, 60_000),
    writeLatencyMs: int('write-latency', 150, 0, 60_000),
    throttling: values['no-throttling'] !== true,
    createConcurrency: int('create-concurrency', 16, 1, 256),
    timeoutMs: duration('timeout', '30m', 1000),
    pollIntervalMs: duration('poll-interval', '1s', 100),
    operatorLogLevel: logLevel,
    compiled: values.compiled === true,
    nodeOptions: nodeFlags(text('node-options')),
    nodeOptionsGiven: text('node-options') !== undefined,
  };
  const jsonPath = emptyPath('json');
  const chartPath = emptyPath('chart');
  const kubeconfig = emptyPath('kubeconfig');
  if (jsonPath !== undefined) options.jsonPath = jsonPath;
  if (chartPath !== undefined) options.chartPath = chartPath;
  if (kubeconfig !== undefined) options.kubeconfig = kubeconfig;
  options.namespaceIdentities = options.subscriptions > 1;
  // The grants' Service Bus namespace is made through ARM by the emulator's operator app, which
  // holds rights in the demo subscription only; the team apps of other subscriptions do not.
  if (options.roleGrantsPerWorkflow > 0 && options.subscriptions > 1) {
    throw new BenchArgsError(
      '--role-grants runs in one subscription (the demo one); drop --subscriptions or --role-grants',
    );
  }
  if (options.baseline && options.subscriptions < 2) {
    throw new BenchArgsError('--baseline compares with one subscription: give --subscriptions 2 or more');
  }

  // An access-policy vault holds at most 1,024 entries, one per principal: more workflows per
  // vault than that cannot all be granted, so the run could never converge.
  if (model === 'access-policy' && options.bindingsPerWorkflow > 0) {
    const principalsPerVault = Math.ceil(
      (options.workflows * Math.min(options.bindingsPerWorkflow, options.vaults)) / options.vaults,
    );
    if (principalsPerVault > 1024) {
      throw new BenchArgsError(
        `access-policy mode: about ${principalsPerVault} principals per vault exceed Key Vault's 1,024 access-policy entries; add --vaults`,
      );
    }
  }
  return options;
}

/** `--node-options` split into flags; each must look like a flag, so a stray value fails here. */
function nodeFlags(raw: string | undefined): string[] {
  const flags = (raw ?? '').split(/\s+/).filter((flag) => flag !== '');
  const bad = flags.find((flag) => !flag.startsWith('--'));
  if (bad !== undefined)
    throw new BenchArgsError(`--node-options takes flags such as --max-semi-space-size=2, got '${bad}'`);
  return flags;
}
