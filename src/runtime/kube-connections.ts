// One connection pool per API server for the whole process (issue 12, memory), and the place
// where the leadership fence goes on the wire (leadership/fence.ts tells that story) — through
// public extension points of @kubernetes/client-node and undici only.
//
// client-node 2.0.1 builds a new undici Agent for every request it authenticates
// (`KubeConfig.applySecurityAuthentication`), and nothing closes it. Each Agent opens its own TLS
// connection — an HTTP/2 session with its own TLS context holding the cluster CA and client
// certificate — which stays open after the request. Measured with the bench: 278 open connections
// and 660 MiB RSS after ~750 objects; the heap itself held 85 MiB.
//
// KubeConnections hands out a KubeConfig (`kubeConfig`) that differs from the one it was given in
// one public method: `applySecurityAuthentication`, the SecurityAuthentication every client-node
// client calls on its KubeConfig (the generated APIs through makeApiClient, and Watch). It sets
// the headers client-node would set (from the public `applyToHTTPSOptions`) and, as the
// request's dispatcher (`RequestContext.setDispatcher`, which client-node hands to undici's
// `fetch`), one shared pool per distinct TLS setting (CA, client certificate, key, server name,
// verification) — the very pool client-node builds for that setting, asked for once. Every request
// of the process — lists, watches, status patches, events, leases — reuses the same few
// connections. When the setting changes (a rotated client certificate) a new pool opens and the
// old one is closed once its requests finish. With a fence, the pool also sends writes through
// fence layers 2 and 3 (leadership/fenced-connections.ts).
//
// What rests on client-node's behaviour rather than its types — that its HTTP layer and Watch
// send each request through the dispatcher the authentication set — is checked by `verify` at
// start-up, and the version is pinned exactly in package.json (docs/architecture.md,
// "Kubernetes connections", says what upstream change would let this module go).
import { createHash } from 'node:crypto';
import type https from 'node:https';
import {
  type Cluster,
  CoordinationV1Api,
  HttpMethod,
  type KubeConfig,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import { Agent, Dispatcher } from 'undici';
import { FenceUnavailableError, type WriteFence } from './leadership/fence.ts';
import { fencedDispatcher, fencedWritePool } from './leadership/fenced-connections.ts';

export interface KubeConnectionsOptions {
  /** Fence Kubernetes writes at the wire (leader election); omit to send them as they come. */
  fence?: WriteFence;
}

interface Pools {
  /** What requests are sent through; undefined: undici's global dispatcher (client-node's choice). */
  dispatcher: Dispatcher | undefined;
  close(): void;
}

type TlsSettings = https.AgentOptions;
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

export class KubeConnections {
  /** The KubeConfig every client of the process must be built from. */
  readonly kubeConfig: KubeConfig;
  private current: { key: string; pools: Promise<Pools> } | undefined;

  constructor(
    private readonly source: KubeConfig,
    private readonly options: KubeConnectionsOptions = {},
  ) {
    const view = Object.create(source) as KubeConfig;
    view.applySecurityAuthentication = (context) => this.authenticate(context);
    this.kubeConfig = view;
  }

  /**
   * The start-up check: throws, with what to do, when client-node does not send requests through
   * the dispatcher its authentication sets (the pool and the fence would silently not apply), or
   * when a fence was asked for and cannot be installed for the current cluster.
   */
  async verify(): Promise<void> {
    await verifyRequestsUseTheirDispatcher(this.source);
    if (!this.options.fence) return;
    const unavailable = fenceUnavailableReason(this.source, this.source.getCurrentCluster());
    if (unavailable) throw fenceUnavailable(unavailable);
  }

  /** Closes the current pool once its requests finish. */
  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    (await current?.pools.catch(() => undefined))?.close();
  }

  private async authenticate(context: RequestContext): Promise<void> {
    const options: https.RequestOptions = {};
    await this.source.applyToHTTPSOptions(options);
    // The headers client-node's own applySecurityAuthentication sets, in its order.
    if (options.auth)
      context.setHeaderParam('Authorization', `Basic ${Buffer.from(options.auth).toString('base64')}`);
    for (const [name, value] of Object.entries(options.headers ?? {}))
      if (value !== undefined) context.setHeaderParam(name, `${value}`);
    const { dispatcher } = await this.poolsFor(tlsSettingsOf(options));
    if (dispatcher) context.setDispatcher(dispatcher);
  }

  private poolsFor(tls: TlsSettings): Promise<Pools> {
    const cluster = this.source.getCurrentCluster();
    const key = settingsKey(cluster, tls);
    if (this.current?.key === key) return this.current.pools;
    // Requests already dispatched keep their connection; close() waits for them.
    const previous = this.current;
    const pools = this.open(cluster, tls);
    const current = { key, pools };
    this.current = current;
    // A failed open (an auth plugin erring) is not remembered: the next request tries again.
    pools.catch(() => {
      if (this.current === current) this.current = undefined;
    });
    previous?.pools.then((old) => old.close()).catch(() => undefined);
    return pools;
  }

  private async open(cluster: Cluster | null, tls: TlsSettings): Promise<Pools> {
    const own = await clientNodeDispatcher(this.source, cluster);
    const fence = this.options.fence;
    if (!fence) return { dispatcher: own, close: () => closeQuietly(own) };
    const reads = own ?? new Agent();
    const unavailable = fenceUnavailableReason(this.source, cluster);
    // The TLS options client-node would connect with ('none': no options of its own, Node's defaults).
    const plan = unavailable ? undefined : this.source.createDispatcherOptions(cluster, tls);
    const writes = plan && fencedWritePool(plan.type === 'agent' ? plan.connect : {}, fence);
    return {
      dispatcher: fencedDispatcher(reads, writes, fence, () => fenceUnavailable(unavailable ?? '')),
      close: () => {
        closeQuietly(reads);
        closeQuietly(writes);
      },
    };
  }
}

/** The dispatcher client-node builds for the current settings, asked of one request it authenticates. */
async function clientNodeDispatcher(
  source: KubeConfig,
  cluster: Cluster | null,
): Promise<Dispatcher | undefined> {
  const probe = new RequestContext(cluster?.server ?? 'https://localhost', HttpMethod.GET);
  await source.applySecurityAuthentication(probe);
  return probe.getDispatcher();
}

/**
 * Why no fenced write pool can be built for `cluster`, or undefined when one can: fenced
 * connections are direct TLS connections, so a proxy or a plain-HTTP server leaves writes unfenced
 * at the wire.
 */
function fenceUnavailableReason(source: KubeConfig, cluster: Cluster | null): string | undefined {
  if (!cluster) return 'the kubeconfig has no current cluster';
  if (cluster.proxyUrl) return `cluster "${cluster.name}" is reached through proxy-url ${cluster.proxyUrl}`;
  if (!cluster.server.startsWith('https:')) return `cluster "${cluster.name}" is served over plain HTTP`;
  // What client-node would build for this cluster: anything but a direct connection cannot be fenced.
  const plan = source.createDispatcherOptions(cluster, {});
  if (plan.type !== 'agent' && plan.type !== 'none')
    return `client-node connects to "${cluster.name}" by ${plan.type}`;
  return undefined;
}

function fenceUnavailable(reason: string): FenceUnavailableError {
  return new FenceUnavailableError(
    `cannot fence Kubernetes writes at the connection with leader election on: ${reason}. ` +
      'A deposed leader could then write after losing its lease. Connect to the API server directly ' +
      'over HTTPS (remove proxy-url from the kubeconfig), or run a single replica without leader ' +
      'election (--leader-elect=false, env LOGICOPS_LEADER_ELECT=false).',
  );
}

function tlsSettingsOf(options: https.RequestOptions): TlsSettings {
  const tls: TlsSettings = {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
  };
  // As client-node: unset means "as NODE_TLS_REJECT_UNAUTHORIZED says", not false.
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized;
  if (options.servername !== undefined) tls.servername = options.servername;
  return tls;
}

/** A digest of what makes two connections interchangeable; secrets never leave this function. */
function settingsKey(cluster: Cluster | null, tls: TlsSettings): string {
  const hash = createHash('sha256');
  hash.update(`${cluster?.server ?? ''}\0${cluster?.proxyUrl ?? ''}\0`);
  for (const field of TLS_FIELDS) {
    const value = tls[field];
    hash.update(`${field}\0`);
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part === undefined) hash.update('-');
      else if (typeof part === 'string' || Buffer.isBuffer(part)) hash.update(part);
      else hash.update(JSON.stringify(part));
      hash.update('\0');
    }
  }
  return hash.digest('base64');
}

function closeQuietly(dispatcher: Dispatcher | undefined): void {
  dispatcher?.close().catch(() => undefined);
}

/** Records what it is asked to send, and sends nothing. */
class ProbeDispatcher extends Dispatcher {
  readonly sent: string[] = [];

  override dispatch(options: Dispatcher.DispatchOptions): boolean {
    this.sent.push(`${options.method} ${options.path}`);
    throw new Error('start-up probe: not sent');
  }
}

/**
 * Sends one request the way the generated APIs do (makeApiClient) and opens one Watch, each
 * authenticated to use a probe dispatcher that answers locally: both must reach it. Nothing goes
 * on the network.
 */
export async function verifyRequestsUseTheirDispatcher(source: KubeConfig): Promise<void> {
  const probe = new ProbeDispatcher();
  const view = Object.create(source) as KubeConfig;
  view.applySecurityAuthentication = async (context) => context.setDispatcher(probe);
  // A server of its own: fetch refuses some ports before any dispatcher is asked.
  view.getCurrentCluster = () => ({ name: 'probe', server: PROBE_SERVER, skipTLSVerify: false });
  await view
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace: 'probe', name: 'probe' })
    .catch(() => undefined);
  await new Watch(view).watch('/api/v1/namespaces', {}, ignore, ignore);
  if (probe.sent.length < 2) {
    throw new Error(
      '@kubernetes/client-node did not send a request through the connection pool logicops set for it ' +
        `(${probe.sent.length} of 2 probe requests arrived): shared connections and the leadership fence ` +
        'would not apply. Install the exact @kubernetes/client-node version package.json pins (npm ci), ' +
        'or adapt src/runtime/kube-connections.ts to the new version.',
    );
  }
}

const PROBE_SERVER = 'https://logicops-start-up-probe.invalid';

function ignore(): void {}
