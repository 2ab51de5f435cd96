import { describe, expect, it } from 'vitest';
import { ConfigError, helpText, loadConfig, OPTIONS, parseDuration } from '../../../src/config.ts';

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

  it.each([
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

  it('picks workload identity when a federated token file is present', () => {
    const config = loadConfig([], {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/token',
    });
    expect(config.azure.credential.kind).toBe('workloadIdentity');
  });

  it.each([
    [['--workers', '0'], '--workers (env LOGICOPS_WORKERS) must be a whole number from 1 to 64'],
    [['--resync-period', 'soon'], '--resync-period (env LOGICOPS_RESYNC_PERIOD) must be a duration'],
    [['--arm-endpoint', 'http://plain'], '--arm-endpoint (env LOGICOPS_ARM_ENDPOINT) must be an https URL'],
    [['--namespace-policy', 'maybe'], 'must be one of enabled, disabled'],
    [['--namespaces', 'Bad_NS'], "'Bad_NS' is not a valid namespace name"],
    [['--lease-duration', '5s', '--renew-deadline', '10s'], 'lease-duration > renew-deadline'],
    [['--no-such-flag'], 'see logicops run --help'],
    [['--azure-credential', 'client-secret'], 'needs --azure-tenant-id'],
  ])('rejects %j with a message that says what to fix', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
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
});
