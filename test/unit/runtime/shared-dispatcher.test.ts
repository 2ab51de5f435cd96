import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { shareDispatchers } from '../../../src/runtime/shared-dispatcher.ts';

function kubeConfig(caText: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: 'https://127.0.0.1:6443',
        caData: Buffer.from(caText).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config;
}

async function dispatcherOf(config: KubeConfig) {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', 'GET' as never);
  await config.applySecurityAuthentication(context);
  return context.getDispatcher();
}

describe('shareDispatchers', () => {
  it('is needed: client-node alone builds a new connection pool for every request', async () => {
    const config = kubeConfig('ca-1');
    const first = await dispatcherOf(config);
    expect(first).toBeDefined();
    expect(await dispatcherOf(config)).not.toBe(first);
  });

  it('hands every request of a KubeConfig the same pool', async () => {
    const config = kubeConfig('ca-1');
    expect(shareDispatchers(config)).toBe(true);
    const first = await dispatcherOf(config);
    expect(first).toBeDefined();
    expect(await dispatcherOf(config)).toBe(first);
    expect(shareDispatchers(config)).toBe(true); // twice is once
    expect(await dispatcherOf(config)).toBe(first);
  });

  it('starts a new pool, and closes the old one, when the TLS settings change', async () => {
    const config = kubeConfig('ca-1');
    shareDispatchers(config);
    const first = await dispatcherOf(config);
    let closed = false;
    const close = first?.close.bind(first) as (...args: unknown[]) => unknown;
    Object.assign(first as object, {
      // undici's close() calls close(callback) on itself: pass arguments through.
      close: (...args: unknown[]) => {
        closed = true;
        return close(...args);
      },
    });
    const cluster = config.getCurrentCluster();
    Object.assign(cluster as object, { caData: Buffer.from('ca-2').toString('base64') });
    const second = await dispatcherOf(config);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(closed).toBe(true);
  });
});
