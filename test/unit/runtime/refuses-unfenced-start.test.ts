// With leader election on, the operator refuses to start when it cannot fence its Kubernetes
// writes at the connection (runtime/leadership/fence.ts): a deposed leader could otherwise write
// after losing its lease. Before, it only logged a warning. The kubeconfig points at a port
// nothing listens on: the refusal must come before any request.
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/observability/logger.ts';
import { createOperator } from '../../../src/operator.ts';
import { FenceUnavailableError } from '../../../src/runtime/leadership/fence.ts';

function behindProxy(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: 'https://127.0.0.1:1',
        proxyUrl: 'http://127.0.0.1:1',
        caData: Buffer.from('unused').toString('base64'),
      },
    ],
    users: [{ name: 'u', token: 'unused' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const config = (...flags: string[]) =>
  loadConfig(['--cluster-id', 'c1', '--azure-credential', 'managed-identity', ...flags], {});

describe('createOperator and the leadership fence', () => {
  it('refuses to start with leader election on when writes cannot be fenced at the connection', async () => {
    const error = await createOperator({
      config: config('--leader-elect'),
      kubeConfig: behindProxy(),
      logger: silentLogger(),
      instance: 'test',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FenceUnavailableError);
    expect(String(error)).toMatch(/proxy-url http:\/\/127\.0\.0\.1:1/);
    expect(String(error)).toMatch(/--leader-elect=false/);
  });

  it('starts with the same kubeconfig when leader election is off (the test above can fail)', async () => {
    const operator = await createOperator({
      config: config(),
      kubeConfig: behindProxy(),
      logger: silentLogger(),
      instance: 'test',
    });
    expect(operator.manager.mayWrite()).toBe(false); // assembled, not running: nothing to stop
  });
});
