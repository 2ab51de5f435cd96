import {
  createConfiguration,
  KubeConfig,
  RequestContext,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeConnections, verifyRequestsUseTheirDispatcher } from '../../../src/runtime/kube-connections.ts';
import { FenceUnavailableError, OPEN_FENCE } from '../../../src/runtime/leadership/fence.ts';

function kubeConfig(caText: string, cluster: Record<string, unknown> = {}): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: 'https://127.0.0.1:6443',
        caData: Buffer.from(caText).toString('base64'),
        skipTLSVerify: false,
        ...cluster,
      },
    ],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config;
}

async function authenticated(config: KubeConfig) {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', 'GET' as never);
  await config.applySecurityAuthentication(context);
  return context;
}

async function dispatcherOf(config: KubeConfig) {
  return (await authenticated(config)).getDispatcher();
}

describe('KubeConnections: one shared pool per TLS setting', () => {
  it('is needed: client-node alone builds a new connection pool for every request', async () => {
    const config = kubeConfig('ca-1');
    const first = await dispatcherOf(config);
    expect(first).toBeDefined();
    expect(await dispatcherOf(config)).not.toBe(first);
  });

  it('hands every request of its KubeConfig the same pool, and leaves the given KubeConfig alone', async () => {
    const given = kubeConfig('ca-1');
    const shared = new KubeConnections(given).kubeConfig;
    const first = await dispatcherOf(shared);
    expect(first).toBeDefined();
    expect(await dispatcherOf(shared)).toBe(first);
    expect(await dispatcherOf(given)).not.toBe(first);
  });

  it('sets the headers client-node sets (the bearer token), as client-node does', async () => {
    const given = kubeConfig('ca-1');
    const ours = await authenticated(new KubeConnections(given).kubeConfig);
    const theirs = await authenticated(given);
    expect(ours.getHeaders()).toEqual(theirs.getHeaders());
    expect(ours.getHeaders().Authorization).toBe('Bearer not-a-real-token');
  });

  it('starts a new pool, and closes the old one, when the TLS settings change', async () => {
    const config = kubeConfig('ca-1');
    const shared = new KubeConnections(config).kubeConfig;
    const first = await dispatcherOf(shared);
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
    const second = await dispatcherOf(shared);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(closed).toBe(true);
  });
});

describe('KubeConnections.verify: the start-up check', () => {
  it('passes with the installed client-node, with and without a fence', async () => {
    await expect(new KubeConnections(kubeConfig('ca-1')).verify()).resolves.toBeUndefined();
    await expect(
      new KubeConnections(kubeConfig('ca-1'), { fence: OPEN_FENCE }).verify(),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['an HTTP proxy', { proxyUrl: 'http://proxy.example:3128' }, /proxy-url/],
    ['a SOCKS proxy', { proxyUrl: 'socks5://proxy.example:1080' }, /proxy-url/],
    ['plain HTTP', { server: 'http://127.0.0.1:8080', skipTLSVerify: true }, /plain HTTP/],
  ])('refuses a fence it cannot install: %s', async (_, cluster, reason) => {
    const connections = new KubeConnections(kubeConfig('ca-1', cluster), { fence: OPEN_FENCE });
    const error = await connections.verify().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FenceUnavailableError);
    expect(String(error)).toMatch(reason);
    expect(String(error)).toContain('--leader-elect=false');
  });

  it('accepts those clusters when no fence is asked for (one replica)', async () => {
    await expect(
      new KubeConnections(kubeConfig('ca-1', { proxyUrl: 'http://proxy.example:3128' })).verify(),
    ).resolves.toBeUndefined();
  });

  it('fails when client-node stops sending requests through the dispatcher it was given', async () => {
    // A changed client-node whose generated APIs send with an HTTP layer of their own, not through
    // the dispatcher the KubeConfig's authentication sets. It sends nothing anywhere.
    const changed = kubeConfig('ca-1');
    changed.makeApiClient = (Api) =>
      new Api(
        createConfiguration({
          baseServer: new ServerConfiguration('https://127.0.0.1:6443', {}),
          httpApi: {
            send: () => {
              throw new Error('sent elsewhere');
            },
          } as never,
        }),
      );
    await expect(verifyRequestsUseTheirDispatcher(changed)).rejects.toThrow(
      /\(1 of 2 probe requests arrived\).* Install the exact @kubernetes\/client-node version/,
    );
    await expect(new KubeConnections(changed, { fence: OPEN_FENCE }).verify()).rejects.toThrow(
      /did not send a request through the connection pool/,
    );
  });
});
