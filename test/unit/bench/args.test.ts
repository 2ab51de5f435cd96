import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from '../../../bench/args.ts';

describe('parseBenchArgs', () => {
  it('has the defaults the issue names', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({
      workflows: 50,
      vaults: 10,
      bindingsPerWorkflow: 1,
      model: 'access-policy',
      readLatencyMs: 50,
      writeLatencyMs: 150,
      throttling: true,
      steadyPeriods: 2,
    });
  });

  it('reads every flag', () => {
    const options = parseBenchArgs([
      '--workflows',
      '1000',
      '--vaults',
      '10',
      '--bindings-per-workflow',
      '2',
      '--model',
      'rbac',
      '--json',
      'out.json',
      '--resync-period',
      '1m30s',
      '--steady-periods',
      '3',
      '--no-throttling',
      '--kubeconfig',
      '/tmp/kc',
    ]);
    expect(options).toMatchObject({
      workflows: 1000,
      bindingsPerWorkflow: 2,
      model: 'rbac',
      jsonPath: 'out.json',
      resyncPeriodMs: 90_000,
      steadyPeriods: 3,
      throttling: false,
      kubeconfig: '/tmp/kc',
    });
  });

  it('answers help', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--workflows', '0'], /--workflows must be a whole number from 1/],
    [['--workflows', '2.5'], /--workflows must be a whole number/],
    [['--workflows', ''], /--workflows must be a whole number/],
    [['--vaults', 'ten'], /--vaults must be a whole number/],
    [['--model', 'acl'], /--model must be access-policy or rbac, got 'acl'/],
    [['--steady-periods', '1'], /--steady-periods must be a whole number from 2/],
    [['--resync-period', '10'], /--resync-period must be a duration/],
    [['--resync-period', '500ms'], /at least 1000 ms/],
    [['--operator-log-level', 'loud'], /--operator-log-level must be/],
    [['--json', ''], /--json needs a file name/],
    [['--wrokflows', '3'], /Unknown option '--wrokflows'/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('makes no role grants unless asked (issue 24), and reads --role-grants', () => {
    expect(parseBenchArgs([])).toMatchObject({ roleGrantsPerWorkflow: 0 });
    expect(parseBenchArgs(['--role-grants', '2', '--model', 'rbac'])).toMatchObject({
      roleGrantsPerWorkflow: 2,
      model: 'rbac',
    });
  });

  it.each([
    [['--role-grants=-1'], /--role-grants must be a whole number from 0 to 20/],
    [['--role-grants', '21'], /--role-grants must be a whole number from 0 to 20/],
    [['--role-grants', '2', '--subscriptions', '2'], /--role-grants runs in one subscription/],
  ])('refuses %j for role grants', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('refuses more principals per access-policy vault than Key Vault holds', () => {
    expect(() => parseBenchArgs(['--workflows', '2000', '--vaults', '1'])).toThrow(
      /1,024 access-policy entries/,
    );
    expect(parseBenchArgs(['--workflows', '2000', '--vaults', '1', '--model', 'rbac'])).toMatchObject({
      workflows: 2000,
    });
    expect(parseBenchArgs(['--workflows', '1024', '--vaults', '1'])).toMatchObject({ workflows: 1024 });
  });

  it('runs one subscription as the operator by default; several act each as its own identity', () => {
    expect(parseBenchArgs([])).toMatchObject({
      subscriptions: 1,
      namespaceIdentities: false,
      baseline: false,
    });
    expect(parseBenchArgs(['--subscriptions', '3', '--workflows', '1000', '--baseline'])).toMatchObject({
      subscriptions: 3,
      namespaceIdentities: true,
      baseline: true,
      // --workflows and --vaults are each subscription's share.
      workflows: 1000,
      vaults: 10,
    });
    expect(parseBenchArgs(['--subscriptions', '1'])).toMatchObject({ namespaceIdentities: false });
  });

  it.each([
    [['--subscriptions', '0'], /--subscriptions must be a whole number from 1 to 20, got '0'/],
    [['--subscriptions', '21'], /--subscriptions must be a whole number from 1 to 20/],
    [['--subscriptions', 'three'], /--subscriptions must be a whole number/],
    [['--baseline'], /--baseline compares with one subscription: give --subscriptions 2 or more/],
    [['--baseline', '--subscriptions', '1'], /--baseline compares with one subscription/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('checks the access-policy entries per vault within one subscription (each has its own vaults)', () => {
    expect(() => parseBenchArgs(['--workflows', '2000', '--vaults', '1', '--subscriptions', '3'])).toThrow(
      /1,024 access-policy entries/,
    );
    expect(parseBenchArgs(['--workflows', '1000', '--vaults', '1', '--subscriptions', '3'])).toMatchObject({
      workflows: 1000,
    });
  });

  it('splits --node-options into flags for the operator and refuses a stray value', () => {
    expect(parseBenchArgs(['--node-options=--max-semi-space-size=1  --optimize-for-size'])).toMatchObject({
      nodeOptions: ['--max-semi-space-size=1', '--optimize-for-size'],
      nodeOptionsGiven: true,
    });
    expect(parseBenchArgs(['--node-options='])).toMatchObject({ nodeOptions: [], nodeOptionsGiven: true });
    expect(parseBenchArgs([])).toMatchObject({ nodeOptions: [], nodeOptionsGiven: false });
    expect(() => parseBenchArgs(['--node-options=--inspect oops'])).toThrow(BenchArgsError);
  });
});
