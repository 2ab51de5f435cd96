import { describe, expect, it } from 'vitest';
import { ConfigError, helpText, loadConfig, OPTIONS, parseDuration } from '../../src/config.ts';

const SECRET_ENV = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'not-a-real-secret' };

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig([], SECRET_ENV);
    expect(config.azure.armEndpoint).toBe('https://management.azure.com');
    expect(config.azure.credential).toEqual({
      kind: 'clientSecret',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 'not-a-real-secret',
    });
    expect(config.resyncPeriodMs).toBe(600_000);
    expect(config.namespaces).toEqual([]);
    expect(config.namespacePolicy).toBe(true);
    expect(config.leaderElection).toMatchObject({
      enabled: false,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
    });
    expect(config.quota.accessPoliciesPerVault).toBe(1024);
  });

  it('reads run status every third resync period by default; --run-status-period sets it, 0s turns it off', () => {
    expect(loadConfig([], SECRET_ENV).runStatusPeriodMs).toBe(1_800_000);
    expect(loadConfig(['--resync-period', '2m'], SECRET_ENV).runStatusPeriodMs).toBe(360_000);
    expect(loadConfig(['--run-status-period', '30m'], SECRET_ENV).runStatusPeriodMs).toBe(1_800_000);
    expect(loadConfig([], { ...SECRET_ENV, LOGICOPS_RUN_STATUS_PERIOD: '0s' }).runStatusPeriodMs).toBe(0);
    expect(() => loadConfig(['--run-status-period', 'often'], SECRET_ENV)).toThrow(
      '--run-status-period (env LOGICOPS_RUN_STATUS_PERIOD) must be a duration',
    );
  });

  it('gives each ARM request attempt 100 s by default, at least 1 s when set', () => {
    expect(loadConfig([], SECRET_ENV).azure.requestTimeoutMs).toBe(100_000);
    expect(loadConfig(['--azure-request-timeout', '5s'], SECRET_ENV).azure.requestTimeoutMs).toBe(5000);
    expect(
      loadConfig([], { ...SECRET_ENV, LOGICOPS_AZURE_REQUEST_TIMEOUT: '2m' }).azure.requestTimeoutMs,
    ).toBe(120_000);
    expect(() => loadConfig(['--azure-request-timeout', '500ms'], SECRET_ENV)).toThrow(ConfigError);
  });

  it('budgets ARM per subscription like ARM does, leaving 10 % to others by default', () => {
    expect(loadConfig([], SECRET_ENV).azure.budget).toEqual({
      read: { burst: 250, perSecond: 25 },
      write: { burst: 200, perSecond: 10 },
      delete: { burst: 200, perSecond: 10 },
      headroom: 0.1,
    });
    const tuned = loadConfig(['--arm-write-budget', '100+2.5/s', '--arm-budget-headroom', '0.5'], SECRET_ENV);
    expect(tuned.azure.budget.write).toEqual({ burst: 100, perSecond: 2.5 });
    expect(tuned.azure.budget.headroom).toBe(0.5);
  });

  it("confirms revokes with Terraform's 3 vault reads 5 s apart by default; 0x0s turns it off", () => {
    expect(loadConfig([], SECRET_ENV).consistentVaultReads).toEqual({ reads: 3, intervalMs: 5_000 });
    expect(loadConfig(['--consistent-vault-reads', '5x2s'], SECRET_ENV).consistentVaultReads).toEqual({
      reads: 5,
      intervalMs: 2_000,
    });
    expect(
      loadConfig([], { ...SECRET_ENV, LOGICOPS_CONSISTENT_VAULT_READS: '0x0s' }).consistentVaultReads,
    ).toEqual({ reads: 0, intervalMs: 0 });
  });

  it.each([
    ['--consistent-vault-reads', '3'],
    ['--consistent-vault-reads', '3x'],
    ['--consistent-vault-reads', '3x10ms'],
    ['--consistent-vault-reads', '11x5s'],
    ['--arm-read-budget', '250/s'],
    ['--arm-read-budget', '0+25/s'],
    ['--arm-delete-budget', '10+0/s'],
    ['--arm-budget-headroom', '1'],
    ['--arm-budget-headroom', ''],
  ])('refuses %s %j', (flag, value) => {
    expect(() => loadConfig([flag, value], SECRET_ENV)).toThrow(ConfigError);
  });

  it('takes a flag over its environment variable', () => {
    const config = loadConfig(['--workers', '8', '--namespaces', 'a,b'], {
      ...SECRET_ENV,
      LOGICOPS_WORKERS: '2',
    });
    expect(config.workers).toBe(8);
    expect(config.namespaces).toEqual(['a', 'b']);
  });

  it.each([
    [['--workers', '0'], '--workers (env LOGICOPS_WORKERS) must be a whole number from 1 to 64'],
    [['--resync-period', 'soon'], '--resync-period (env LOGICOPS_RESYNC_PERIOD) must be a duration'],
    [['--arm-endpoint', 'http://plain'], '--arm-endpoint (env LOGICOPS_ARM_ENDPOINT) must be an https URL'],
    [['--namespace-policy', 'maybe'], 'must be one of enabled, disabled'],
    [['--namespaces', 'Bad_NS'], "'Bad_NS' is not a valid namespace name"],
    [['--lease-duration', '5s', '--renew-deadline', '10s'], 'lease-duration > renew-deadline'],
    [['--no-such-flag'], 'see logicops run --help'],
  ])('rejects %j with a message that says what to fix', (argv, message) => {
    expect(() => loadConfig(argv, SECRET_ENV)).toThrow(ConfigError);
    expect(() => loadConfig(argv, SECRET_ENV)).toThrow(message);
  });
  it('never puts the client secret in an error or the help', () => {
    const error = (() => {
      try {
        loadConfig(['--workers', 'x'], SECRET_ENV);
      } catch (e) {
        return String(e);
      }
      return '';
    })();
    expect(error).not.toContain('not-a-real-secret');
    expect(helpText()).not.toContain('not-a-real-secret');
    expect(Object.keys(OPTIONS)).not.toContain('azure-client-secret');
  });

  it('documents every option with its environment variable', () => {
    const help = helpText();
    for (const [flag, spec] of Object.entries(OPTIONS)) {
      expect(help).toContain(`--${flag}`);
      expect(help).toContain(spec.env);
    }
  });
});

describe('loadConfig: which Azure credential', () => {
  const TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token';
  // What a pod on AKS may see without any credential meant for logicops: the kubelet's
  // managed identity is reachable through IMDS with no variable at all, and these are set by
  // App Service-style hosts. None of them may select a credential on its own.
  const HOST_IDENTITY_ENV = { IDENTITY_ENDPOINT: 'http://169.254.169.254', MSI_ENDPOINT: 'http://x' };

  it('auto: workload identity when AZURE_FEDERATED_TOKEN_FILE is set', () => {
    const config = loadConfig([], {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE,
    });
    expect(config.azure.credential).toEqual({
      kind: 'workloadIdentity',
      tenantId: 't',
      clientId: 'c',
      tokenFilePath: TOKEN_FILE,
    });
  });

  it('auto: workload identity wins when a client secret is set too', () => {
    const config = loadConfig([], { ...SECRET_ENV, AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE });
    expect(config.azure.credential.kind).toBe('workloadIdentity');
  });

  it('auto: a client secret when AZURE_CLIENT_SECRET is set', () => {
    expect(loadConfig([], SECRET_ENV).azure.credential).toEqual({
      kind: 'clientSecret',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 'not-a-real-secret',
    });
  });

  it.each([
    ['nothing set', {}],
    ['a tenant and client id only', { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }],
    ['a host managed-identity endpoint', { ...HOST_IDENTITY_ENV, AZURE_CLIENT_ID: 'c' }],
    ['empty token file and secret variables', { AZURE_FEDERATED_TOKEN_FILE: '', AZURE_CLIENT_SECRET: '' }],
  ])('auto with %s refuses to start instead of using the node identity', (_case, env) => {
    for (const argv of [[], ['--azure-credential', 'auto']]) {
      expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    }
    const message = (() => {
      try {
        loadConfig([], env);
      } catch (error) {
        return String(error);
      }
      return 'no error';
    })();
    // It says which variables to set, or how to choose the managed identity on purpose.
    for (const words of [
      'AZURE_FEDERATED_TOKEN_FILE',
      'AZURE_CLIENT_SECRET',
      'AZURE_CLIENT_ID',
      'AZURE_TENANT_ID',
      'azure.workloadIdentity.enabled',
      '--azure-credential managed-identity',
    ]) {
      expect(message).toContain(words);
    }
  });

  it('managed identity when chosen by name: the host identity, or a user-assigned one by client id', () => {
    const system = loadConfig(['--azure-credential', 'managed-identity'], HOST_IDENTITY_ENV);
    expect(system.azure.credential).toEqual({ kind: 'managedIdentity', clientId: undefined });
    const user = loadConfig([], { LOGICOPS_AZURE_CREDENTIAL: 'managed-identity', AZURE_CLIENT_ID: 'c' });
    expect(user.azure.credential).toEqual({ kind: 'managedIdentity', clientId: 'c' });
  });

  it.each([
    [
      ['--azure-credential', 'client-secret'],
      {},
      'the client-secret Azure credential needs --azure-tenant-id',
    ],
    [
      ['--azure-credential', 'client-secret'],
      { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' },
      'needs env AZURE_CLIENT_SECRET',
    ],
    [
      ['--azure-credential', 'workload-identity'],
      { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' },
      'the workload-identity Azure credential needs env AZURE_FEDERATED_TOKEN_FILE',
    ],
    [['--azure-credential', 'node'], SECRET_ENV, 'must be one of auto, workload-identity'],
  ])('a named credential %j with %j says what it lacks', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });

  it('--help says auto never falls back to a managed identity', () => {
    expect(helpText()).toContain('else refuse to start: managed identity only when chosen by name');
  });
});

describe('parseDuration', () => {
  it.each([
    ['1500ms', 1500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['', undefined],
    ['10', undefined],
    ['10x', undefined],
    ['-5s', undefined],
  ])('%s -> %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads the namespaces that bring their own Azure credential, and what the others act as', () => {
    const defaults = loadConfig([], SECRET_ENV).azure;
    expect(defaults.namespaceCredentials.size).toBe(0);
    expect(defaults.operatorIdentityForOthers).toBe(true);
    const listed = loadConfig(
      [
        '--namespace-credentials',
        'team-a=logicops-azure, team-b=creds.v2',
        '--namespaces-without-credential',
        'refuse',
      ],
      SECRET_ENV,
    ).azure;
    expect([...listed.namespaceCredentials]).toEqual([
      ['team-a', 'logicops-azure'],
      ['team-b', 'creds.v2'],
    ]);
    expect(listed.operatorIdentityForOthers).toBe(false);
    expect(
      loadConfig([], {
        ...SECRET_ENV,
        LOGICOPS_NAMESPACE_CREDENTIALS: 'team-c=x',
      }).azure.namespaceCredentials.get('team-c'),
    ).toBe('x');
  });

  it.each([
    ['team-a', 'NAMESPACE=SECRET'],
    ['Team-A=x', 'NAMESPACE=SECRET'],
    ['team-a=x=y', 'NAMESPACE=SECRET'],
    ['team-a=x,team-a=y', 'listed twice'],
  ])('refuses --namespace-credentials %s, saying what is expected', (value, expected) => {
    expect(() => loadConfig(['--namespace-credentials', value], SECRET_ENV)).toThrow(expected);
  });

  it('refuses an unknown --namespaces-without-credential', () => {
    expect(() => loadConfig(['--namespaces-without-credential', 'allow'], SECRET_ENV)).toThrow(
      'operator, refuse',
    );
  });
});
