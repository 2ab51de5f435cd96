// The operator's configuration: one typed, validated object, read once from flags and
// environment variables (a flag wins over its variable). Every bad value fails start-up with
// a message naming the flag, the variable and what is expected. Secrets (AZURE_CLIENT_SECRET)
// are read from the environment only — a flag would show in `ps` — and never printed.
import { parseArgs } from 'node:util';
import type { ArmBucketSettings, ArmBudget } from './azure/arm-rate-limiter.ts';
import { AZURE_CLOUD_NAMES, type AzureCloudName } from './azure/clouds.ts';
import type { CredentialConfig } from './azure/credentials.ts';
import { MAX_CLUSTER_ID_LENGTH } from './controllers/shared/owner-tag.ts';

/** The run report's default period, in resync periods. */
export const RUN_STATUS_RESYNCS = 3;
export interface OperatorConfig {
  kubeconfig?: string;
  /** Empty: every namespace. */
  namespaces: string[];
  labelSelector?: string;
  clusterId?: string;
  namespacePolicy: boolean;
  azure: {
    armEndpoint: string;
    authorityHost: string;
    credential: CredentialConfig;
    maxRetries: number;
    /** Each attempt of an ARM request fails after this long without an answer. */
    requestTimeoutMs: number;
    /** The client-side ARM limiter's buckets per (identity, subscription). */
    budget: ArmBudget;
    /** Namespace → the name of its credential Secret there (issue 23): the namespace acts in Azure as that identity. */
    namespaceCredentials: Map<string, string>;
    /** Whether a namespace without its own credential acts as the operator's identity (true) or is refused. */
    operatorIdentityForOthers: boolean;
    /** The cloud --arm-endpoint and --authority-host belong to; a namespace credential of another cloud uses that cloud's endpoints. */
    cloud: AzureCloudName;
  };
  workers: number;
  resyncPeriodMs: number;
  /** How often a workflow's runs and triggers are read into status, at least the resync period; 0: never. */
  runStatusPeriodMs: number;
  /** Ready waits this long after a workflow's principal was first recorded; 0: off. */
  principalPropagationMs: number;
  /** Vault reads that must agree before a revoke right after an access-policy write is done; 0 reads: off. */
  consistentVaultReads: { reads: number; intervalMs: number };
  quota: {
    workflowsPerRegion: number;
    managedIdentityWorkflowsPerSubscriptionRegion: number;
    accessPoliciesPerVault: number;
    roleAssignmentsPerSubscription: number;
  };
  /** Where the operator keeps its own records (grant ledgers, vouched identities): its own namespace. */
  recordsNamespace: string;
  leaderElection: {
    enabled: boolean;
    namespace: string;
    leaseName: string;
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  healthPort: number;
  metricsPort: number;
  /** Label metrics with tenants' Azure scopes (vault ids, subscriptions and regions). */
  metricsIdentifyingLabels: boolean;
  shutdownGraceMs: number;
  logLevel: string;
}

interface OptionSpec {
  env: string;
  help: string;
  default?: string;
  type?: 'boolean';
}

/** Every flag with its environment variable, default and help; `--help` prints this table. */
export const OPTIONS = {
  kubeconfig: { env: 'KUBECONFIG', help: 'kubeconfig file; in-cluster config when unset' },
  namespaces: {
    env: 'LOGICOPS_NAMESPACES',
    help: 'comma-separated namespaces to watch; all when empty',
    default: '',
  },
  'label-selector': {
    env: 'LOGICOPS_LABEL_SELECTOR',
    help: 'only reconcile objects matching this label selector (sharding)',
  },
  'cluster-id': {
    env: 'LOGICOPS_CLUSTER_ID',
    help: "owner-tag cluster id, at most 120 characters; default: the kube-system namespace's uid",
  },
  'namespace-policy': {
    env: 'LOGICOPS_NAMESPACE_POLICY',
    help: 'enforce the logicops.io/allowed-* namespace annotations (enabled|disabled)',
    default: 'enabled',
  },
  'arm-endpoint': {
    env: 'LOGICOPS_ARM_ENDPOINT',
    help: 'Azure Resource Manager URL',
    default: 'https://management.azure.com',
  },
  'authority-host': {
    env: 'AZURE_AUTHORITY_HOST',
    help: 'Entra ID authority host',
    default: 'https://login.microsoftonline.com',
  },
  'azure-credential': {
    env: 'LOGICOPS_AZURE_CREDENTIAL',
    help: 'workload-identity | client-secret | managed-identity | auto (workload identity when AZURE_FEDERATED_TOKEN_FILE is set, client secret when AZURE_CLIENT_SECRET is set, else refuse to start: managed identity only when chosen by name)',
    default: 'auto',
  },
  'azure-tenant-id': { env: 'AZURE_TENANT_ID', help: 'Entra tenant of the operator identity' },
  'azure-client-id': { env: 'AZURE_CLIENT_ID', help: 'client id of the operator identity' },
  'azure-max-retries': {
    env: 'LOGICOPS_AZURE_MAX_RETRIES',
    help: 'SDK-level retries before the reconcile backoff takes over',
    default: '2',
  },
  'azure-request-timeout': {
    env: 'LOGICOPS_AZURE_REQUEST_TIMEOUT',
    help: 'an ARM request attempt without an answer after this long fails and is retried by the reconcile, e.g. 100s',
    default: '100s',
  },
  'arm-read-budget': {
    env: 'LOGICOPS_ARM_READ_BUDGET',
    help: "client-side ARM read bucket per subscription, BURST+RATE/s (ARM's own: 250+25/s)",
    default: '250+25/s',
  },
  'arm-write-budget': {
    env: 'LOGICOPS_ARM_WRITE_BUDGET',
    help: "client-side ARM write bucket per subscription, BURST+RATE/s (ARM's own: 200+10/s)",
    default: '200+10/s',
  },
  'arm-delete-budget': {
    env: 'LOGICOPS_ARM_DELETE_BUDGET',
    help: "client-side ARM delete bucket per subscription, BURST+RATE/s (ARM's own: 200+10/s)",
    default: '200+10/s',
  },
  'arm-budget-headroom': {
    env: 'LOGICOPS_ARM_BUDGET_HEADROOM',
    help: 'share of each ARM bucket left to other users of the subscription, 0 to 0.9',
    default: '0.1',
  },
  workers: { env: 'LOGICOPS_WORKERS', help: 'concurrent reconciles per kind', default: '16' },
  'resync-period': {
    env: 'LOGICOPS_RESYNC_PERIOD',
    help: 'drift check period (+-10% jitter), e.g. 10m',
    default: '10m',
  },
  'run-status-period': {
    env: 'LOGICOPS_RUN_STATUS_PERIOD',
    help: "how often each workflow's last run and triggers are read into status (1-2 ARM reads per workflow each time), e.g. 30m; never more often than --resync-period; empty: three resync periods; 0s: off",
    default: '',
  },
  'quota-workflows-per-region': {
    env: 'LOGICOPS_QUOTA_WORKFLOWS_PER_REGION',
    help: 'workflows per subscription and region',
    default: '1000',
  },
  'quota-identity-workflows-per-region': {
    env: 'LOGICOPS_QUOTA_IDENTITY_WORKFLOWS_PER_REGION',
    help: 'workflows with a managed identity per subscription and region (Azure: 5,000 for Consumption)',
    default: '5000',
  },
  'quota-access-policies-per-vault': {
    env: 'LOGICOPS_QUOTA_ACCESS_POLICIES_PER_VAULT',
    help: 'access-policy entries per vault',
    default: '1024',
  },
  'quota-role-assignments-per-subscription': {
    env: 'LOGICOPS_QUOTA_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION',
    help: 'role assignments per subscription',
    default: '4000',
  },
  'principal-propagation-hold': {
    env: 'LOGICOPS_PRINCIPAL_PROPAGATION_HOLD',
    help: 'bindings stay WaitingForPrincipal until the workflow principal is this old (Entra ID replication); 0s: off (dev mode and tests only)',
    default: '60s',
  },
  'consistent-vault-reads': {
    env: 'LOGICOPS_CONSISTENT_VAULT_READS',
    help: "within this span of an access-policy write, a revoke is done only when this many vault reads, this far apart, agree (Key Vault's read-after-write lag; Terraform's azurerm waits 3x5s), READSxINTERVAL; 0x0s: off",
    default: '3x5s',
  },
  'namespace-credentials': {
    env: 'LOGICOPS_NAMESPACE_CREDENTIALS',
    help: 'namespaces that act in Azure as their own identity, NAMESPACE=SECRET,...: the Secret in that namespace holds clientId, tenantId and clientSecret, or serviceAccount for workload identity; the chart renders this from azure.namespaceCredentials with the Role that lets the operator read exactly those Secrets',
  },
  'azure-cloud': {
    env: 'LOGICOPS_AZURE_CLOUD',
    help: "the Azure cloud of --arm-endpoint and --authority-host (AzurePublicCloud, AzureUSGovernment, AzureChinaCloud); a namespace credential Secret naming another cloud in data.cloud uses that cloud's endpoints",
    default: 'AzurePublicCloud',
  },
  'namespaces-without-credential': {
    env: 'LOGICOPS_NAMESPACES_WITHOUT_CREDENTIAL',
    help: "what a namespace without its own credential acts as in Azure: operator (the operator's identity, as before) or refuse (its objects are Stalled CredentialUnavailable)",
    default: 'operator',
  },
  'leader-elect': {
    env: 'LOGICOPS_LEADER_ELECT',
    help: 'use leader election (run several replicas)',
    type: 'boolean',
  },
  'leader-election-namespace': {
    env: 'POD_NAMESPACE',
    help: 'namespace of the leader-election Lease',
    default: 'default',
  },
  'records-namespace': {
    env: 'LOGICOPS_RECORDS_NAMESPACE',
    help: "namespace of the operator's records (grant ledgers, vouched identities); teams must have no write access there; default: the leader-election namespace",
  },
  'lease-name': {
    env: 'LOGICOPS_LEASE_NAME',
    help: 'name of the leader-election Lease',
    default: 'logicops-leader',
  },
  'lease-duration': {
    env: 'LOGICOPS_LEASE_DURATION',
    help: 'leader-election lease duration',
    default: '15s',
  },
  'renew-deadline': {
    env: 'LOGICOPS_RENEW_DEADLINE',
    help: 'leader-election renew deadline',
    default: '10s',
  },
  'retry-period': { env: 'LOGICOPS_RETRY_PERIOD', help: 'leader-election retry period', default: '2s' },
  'health-port': { env: 'LOGICOPS_HEALTH_PORT', help: '/healthz and /readyz port', default: '8081' },
  'metrics-port': {
    env: 'LOGICOPS_METRICS_PORT',
    help: '/metrics port (same as health port to share)',
    default: '8080',
  },
  'metrics-identifying-labels': {
    env: 'LOGICOPS_METRICS_IDENTIFYING_LABELS',
    help: 'label the quota and ARM budget metrics with the Azure scope (vault ids, subscriptions and regions: one series per scope); /metrics has no authentication, so off by default',
    type: 'boolean',
  },
  'shutdown-grace': {
    env: 'LOGICOPS_SHUTDOWN_GRACE',
    help: 'time in-flight reconciles get on SIGTERM',
    default: '25s',
  },
  'log-level': { env: 'LOGICOPS_LOG_LEVEL', help: 'trace | debug | info | warn | error', default: 'info' },
} satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function helpText(): string {
  const rows = Object.entries(OPTIONS as Record<string, OptionSpec>).map(([flag, spec]) => {
    const value = spec.type === 'boolean' ? '' : ' <value>';
    const fallback = spec.default !== undefined && spec.default !== '' ? ` (default ${spec.default})` : '';
    return `  --${flag}${value}\n      ${spec.help}${fallback}; env ${spec.env}`;
  });
  return `usage: logicops run [options]\n\noptions:\n${rows.join('\n')}\n\nsecrets from the environment only: AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE`;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const { values } = parseFlags(argv);
  const raw = (name: OptionName): string | undefined => {
    const spec: OptionSpec = OPTIONS[name];
    const flag = values[name];
    if (flag !== undefined) return String(flag);
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return spec.default;
  };
  const where = (name: OptionName) => `--${name} (env ${OPTIONS[name].env})`;
  const int = (name: OptionName, min: number, max: number): number => {
    const text = raw(name) ?? '';
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${where(name)} must be a whole number from ${min} to ${max}, got '${text}'`);
    }
    return value;
  };
  const duration = (name: OptionName, minMs: number): number => {
    const text = raw(name) ?? '';
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) {
      throw new ConfigError(
        `${where(name)} must be a duration of at least ${minMs} ms such as 30s, 10m or 1500ms, got '${text}'`,
      );
    }
    return ms;
  };
  const readsTimesInterval = (name: OptionName): { reads: number; intervalMs: number } => {
    const text = raw(name) ?? '';
    const match = /^(\d+)x(.+)$/.exec(text);
    const reads = Number(match?.[1]);
    const intervalMs = match ? parseDuration(match[2] ?? '') : undefined;
    if (!match || reads > 10 || intervalMs === undefined || (reads > 0 && intervalMs < 100)) {
      throw new ConfigError(
        `${where(name)} must look like 3x5s (0 to 10 reads, at least 100ms apart; 0x0s: off), got '${text}'`,
      );
    }
    return { reads, intervalMs };
  };
  const url = (name: OptionName): string => {
    const text = raw(name) ?? '';
    try {
      const parsed = new URL(text);
      if (parsed.protocol !== 'https:') throw new Error('not https');
      return text.replace(/\/+$/, '');
    } catch {
      throw new ConfigError(`${where(name)} must be an https URL, got '${text}'`);
    }
  };
  const bucket = (name: OptionName): ArmBucketSettings => {
    const text = raw(name) ?? '';
    const match = /^(\d+)\+(\d+(?:\.\d+)?)\/s$/.exec(text);
    const burst = Number(match?.[1]);
    const perSecond = Number(match?.[2]);
    if (!match || burst < 1 || !(perSecond > 0)) {
      throw new ConfigError(`${where(name)} must look like 250+25/s (burst ≥ 1, rate > 0), got '${text}'`);
    }
    return { burst, perSecond };
  };
  const fraction = (name: OptionName, max: number): number => {
    const text = raw(name) ?? '';
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new ConfigError(`${where(name)} must be a number from 0 to ${max}, got '${text}'`);
    }
    return value;
  };
  const dnsLabel = (name: OptionName): string | undefined => {
    const text = raw(name);
    if (text !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(text)) {
      throw new ConfigError(`${where(name)} must be a namespace name (a DNS label), got '${text}'`);
    }
    return text;
  };
  const clusterId = (name: OptionName): string | undefined => {
    const text = raw(name);
    if (text !== undefined && (text.length > MAX_CLUSTER_ID_LENGTH || text.trim() === '')) {
      throw new ConfigError(
        `${where(name)} must be 1 to ${MAX_CLUSTER_ID_LENGTH} characters (it starts every owner tag, and an Azure tag value holds 256), got ${text.length}`,
      );
    }
    return text;
  };
  const oneOf = <T extends string>(name: OptionName, choices: readonly T[]): T => {
    const text = raw(name) ?? '';
    if (!(choices as readonly string[]).includes(text)) {
      throw new ConfigError(`${where(name)} must be one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
  };
  const bool = (name: OptionName): boolean => {
    const flag = values[name];
    if (flag !== undefined) return flag === true;
    const text = env[OPTIONS[name].env];
    if (text === undefined || text === '') return false;
    if (['true', '1', 'yes'].includes(text.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(text.toLowerCase())) return false;
    throw new ConfigError(`${where(name)} must be true or false, got '${text}'`);
  };

  const namespaces = (raw('namespaces') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const namespace of namespaces) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new ConfigError(`${where('namespaces')}: '${namespace}' is not a valid namespace name`);
    }
  }

  const healthPort = int('health-port', 0, 65535);
  const metricsPort = int('metrics-port', 0, 65535);
  const leaseDurationMs = duration('lease-duration', 1000);
  const renewDeadlineMs = duration('renew-deadline', 500);
  const retryPeriodMs = duration('retry-period', 100);
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * 1.2)) {
    throw new ConfigError(
      'leader election needs lease-duration > renew-deadline > 1.2 x retry-period (e.g. 15s, 10s, 2s): a cut-off leader must stop before another may lead',
    );
  }

  return {
    kubeconfig: raw('kubeconfig'),
    namespaces,
    labelSelector: raw('label-selector'),
    clusterId: clusterId('cluster-id'),
    namespacePolicy: oneOf('namespace-policy', ['enabled', 'disabled'] as const) === 'enabled',
    azure: {
      armEndpoint: url('arm-endpoint'),
      authorityHost: url('authority-host'),
      credential: credentialConfig(
        oneOf('azure-credential', [
          'auto',
          'workload-identity',
          'client-secret',
          'managed-identity',
        ] as const),
        raw('azure-tenant-id'),
        raw('azure-client-id'),
        env,
      ),
      maxRetries: int('azure-max-retries', 0, 10),
      requestTimeoutMs: duration('azure-request-timeout', 1000),
      namespaceCredentials: namespaceCredentials(
        raw('namespace-credentials'),
        where('namespace-credentials'),
      ),
      cloud: oneOf('azure-cloud', AZURE_CLOUD_NAMES),
      operatorIdentityForOthers:
        oneOf('namespaces-without-credential', ['operator', 'refuse'] as const) === 'operator',
      budget: {
        read: bucket('arm-read-budget'),
        write: bucket('arm-write-budget'),
        delete: bucket('arm-delete-budget'),
        headroom: fraction('arm-budget-headroom', 0.9),
      },
    },
    workers: int('workers', 1, 64),
    resyncPeriodMs: duration('resync-period', 1000),
    // Default three resync periods: at one, an idle workflow's run read doubles the steady-state
    // reads (docs/benchmark.md, "Run visibility in the steady state": 1.3 per object per resync).
    runStatusPeriodMs: raw('run-status-period')
      ? duration('run-status-period', 0)
      : RUN_STATUS_RESYNCS * duration('resync-period', 1000),
    principalPropagationMs: duration('principal-propagation-hold', 0),
    consistentVaultReads: readsTimesInterval('consistent-vault-reads'),
    quota: {
      workflowsPerRegion: int('quota-workflows-per-region', 1, 1_000_000),
      managedIdentityWorkflowsPerSubscriptionRegion: int('quota-identity-workflows-per-region', 1, 1_000_000),
      accessPoliciesPerVault: int('quota-access-policies-per-vault', 1, 1024),
      roleAssignmentsPerSubscription: int('quota-role-assignments-per-subscription', 1, 1_000_000),
    },
    recordsNamespace: dnsLabel('records-namespace') ?? raw('leader-election-namespace') ?? 'default',
    leaderElection: {
      enabled: bool('leader-elect'),
      namespace: raw('leader-election-namespace') ?? 'default',
      leaseName: raw('lease-name') ?? 'logicops-leader',
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    },
    healthPort,
    metricsPort,
    metricsIdentifyingLabels: bool('metrics-identifying-labels'),
    shutdownGraceMs: duration('shutdown-grace', 0),
    logLevel: oneOf('log-level', ['trace', 'debug', 'info', 'warn', 'error'] as const),
  };
}

/** `team-a=logicops-azure,team-b=azure`: a namespace and a Secret name each, both DNS names. */
function namespaceCredentials(text: string | undefined, where: string): Map<string, string> {
  const credentials = new Map<string, string>();
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [namespace = '', secret = '', ...rest] = entry.split('=').map((part) => part.trim());
    if (
      rest.length > 0 ||
      !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace) ||
      !/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/.test(secret)
    ) {
      throw new ConfigError(
        `${where}: '${entry}' must be NAMESPACE=SECRET (a namespace name and a Secret name), e.g. team-a=logicops-azure`,
      );
    }
    if (credentials.has(namespace)) {
      throw new ConfigError(
        `${where}: namespace '${namespace}' is listed twice; give each namespace one credential Secret`,
      );
    }
    credentials.set(namespace, secret);
  }
  return credentials;
}

function credentialConfig(
  mode: 'auto' | 'workload-identity' | 'client-secret' | 'managed-identity',
  tenantId: string | undefined,
  clientId: string | undefined,
  env: NodeJS.ProcessEnv,
): CredentialConfig {
  const tokenFile = env.AZURE_FEDERATED_TOKEN_FILE;
  const secret = env.AZURE_CLIENT_SECRET;
  const chosen =
    mode !== 'auto' ? mode : tokenFile ? 'workload-identity' : secret ? 'client-secret' : undefined;
  // No silent fallback to a managed identity: in a pod that is whatever identity the node
  // carries (on AKS the kubelet's), shared by every pod on the node, not one meant for logicops.
  if (!chosen) throw new ConfigError(AUTO_FOUND_NOTHING);
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new ConfigError(`the ${chosen} Azure credential needs ${what}`);
    return value;
  };
  switch (chosen) {
    case 'workload-identity':
      return {
        kind: 'workloadIdentity',
        tenantId: need(tenantId, '--azure-tenant-id (env AZURE_TENANT_ID)'),
        clientId: need(clientId, '--azure-client-id (env AZURE_CLIENT_ID)'),
        tokenFilePath: need(tokenFile, 'env AZURE_FEDERATED_TOKEN_FILE'),
      };
    case 'client-secret':
      return {
        kind: 'clientSecret',
        tenantId: need(tenantId, '--azure-tenant-id (env AZURE_TENANT_ID)'),
        clientId: need(clientId, '--azure-client-id (env AZURE_CLIENT_ID)'),
        clientSecret: need(secret, 'env AZURE_CLIENT_SECRET'),
      };
    case 'managed-identity':
      return { kind: 'managedIdentity', clientId };
  }
}

const AUTO_FOUND_NOTHING = [
  '--azure-credential auto (env LOGICOPS_AZURE_CREDENTIAL) found no credential to use.',
  'For workload identity set AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID',
  '(the AKS webhook sets them for a pod labelled azure.workload.identity/use=true; chart: azure.workloadIdentity.enabled=true);',
  'for a client secret set AZURE_CLIENT_SECRET, AZURE_CLIENT_ID and AZURE_TENANT_ID',
  '(chart: azure.clientSecret.existingSecret);',
  "or choose --azure-credential managed-identity to use the host's managed identity on purpose",
  "(in a pod that is the node's identity, shared by every pod on the node; add --azure-client-id for a user-assigned one).",
].join(' ');

function parseFlags(argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(OPTIONS as Record<string, OptionSpec>)) {
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new ConfigError(
      `${error instanceof Error ? error.message : String(error)}; see logicops run --help`,
    );
  }
}

/** `1500ms`, `30s`, `10m`, `1h`, or combinations like `1m30s`. */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((total, [, value, unit]) => total + Number(value) * (units[unit ?? ''] ?? 0), 0);
}
