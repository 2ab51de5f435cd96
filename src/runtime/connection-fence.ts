// The leadership fence at the wire, for every Kubernetes write of the process (status and
// finalizer patches, Events). A request can wait after the early check (FencedKubeClient, the
// Event recorder) — for a connection, a TLS handshake, an HTTP/2 flush, its body — and a process
// frozen during that wait would send it on resume: the failover suite saw Events and status
// patches reach the API server 3–112 ms after SIGCONT. So writes are checked twice more:
//
// - when undici puts the request on a connection (`onRequestStart`);
// - and on each write of bytes to the socket: writes travel on an HTTP/1.1 pool of their own
//   whose sockets refuse to write (and close) once the fence has closed. Bytes already handed to
//   the kernel before a freeze are sent during it, so nothing started before the freeze reaches
//   the API server after it, and nothing starts after it.
//
// Reads (lists, watches) stay on the shared HTTP/2 pool, unfenced, and so do the election's own
// Lease requests (a candidate must be able to take a lease). Left open: a freeze inside one
// synchronous socket write; Kubernetes has no way to make a write conditional on a Lease.
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { NotLeaderError, type WriteFence } from './leadership-fence.ts';

/** Lease reads and writes are the election itself. */
const UNFENCED_PATH = /^\/apis\/coordination\.k8s\.io\//;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Every callback an undici handler may have, new style (undici ≥ 7) and legacy. */
const HANDLER_METHODS = [
  'onRequestStart',
  'onRequestUpgrade',
  'onResponseStart',
  'onResponseData',
  'onResponseEnd',
  'onResponseError',
  'onConnect',
  'onError',
  'onUpgrade',
  'onResponseStarted',
  'onHeaders',
  'onData',
  'onComplete',
  'onBodySent',
  'onRequestSent',
] as const;

type Handler = Partial<Record<(typeof HANDLER_METHODS)[number], (...args: unknown[]) => unknown>>;
interface DispatchOptions {
  method?: string;
  path?: string;
}
type Dispatch = (options: DispatchOptions, handler: Handler) => boolean;
interface Dispatcher {
  dispatch: Dispatch;
  compose(interceptor: (dispatch: Dispatch) => Dispatch): unknown;
  close(): Promise<void>;
}
/** client-node 2.0.x's per-request dispatcher factory and its option mapping (see shared-dispatcher.ts). */
interface DispatcherFactories {
  createDispatcher?: (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;
  createDispatcherOptions?: (
    cluster: unknown,
    agentOptions: Record<string, unknown>,
  ) => { type: string; connect?: Record<string, unknown> };
}

const FENCED = Symbol('logicops.fencedConnections');

/** True when the request must pass the fence (any non-read request outside the Lease API). */
export function isFencedRequest(method: string | undefined, path: string | undefined): boolean {
  return !READ_METHODS.has((method ?? 'GET').toUpperCase()) && !UNFENCED_PATH.test(path ?? '');
}

/** Wraps an undici handler so the request is aborted, unsent, when the fence refuses at write time. */
export function fencedHandler(handler: Handler, fence: WriteFence, write: string): Handler {
  const wrapped: Handler = {};
  for (const name of HANDLER_METHODS) {
    const method = handler[name];
    if (typeof method === 'function') wrapped[name] = (...args: unknown[]) => method.apply(handler, args);
  }
  const refuse = (abort: (reason: Error) => void): boolean => {
    if (fence.mayWrite()) return false;
    abort(
      new NotLeaderError(
        `dropped Kubernetes write ${write} at send: this instance is not the leader (or its lease is stale)`,
      ),
    );
    return true;
  };
  const start = handler.onRequestStart;
  if (typeof start === 'function') {
    wrapped.onRequestStart = (controller: unknown, context: unknown) => {
      if (refuse((reason) => (controller as { abort(reason: Error): void }).abort(reason))) return;
      return start.call(handler, controller, context);
    };
  }
  const connect = handler.onConnect;
  if (typeof connect === 'function') {
    wrapped.onConnect = (abort: unknown, context: unknown) => {
      if (refuse(abort as (reason: Error) => void)) return;
      return connect.call(handler, abort, context);
    };
  }
  return wrapped;
}

/**
 * Makes every dispatcher `kubeConfig` hands out send writes through the fence (on an HTTP/1.1
 * pool of their own, when client-node's option mapping allows building one). Call after
 * shareDispatchers: it wraps whatever factory is there. Returns false, changing nothing, when
 * this client-node has no dispatcher factory or the KubeConfig is fenced already — a second
 * operator sharing it must not inherit the first one's leadership.
 */
export function fenceConnections(kubeConfig: KubeConfig, fence: WriteFence): boolean {
  const target = kubeConfig as unknown as DispatcherFactories & { [FENCED]?: true };
  const create = target.createDispatcher;
  if (typeof create !== 'function' || target[FENCED]) return false;
  target[FENCED] = true;
  const composed = new WeakMap<object, unknown>();
  let writePool: { for: object; pool: Dispatcher | undefined } | undefined;
  target.createDispatcher = (cluster, agentOptions) => {
    const dispatcher = create.call(kubeConfig, cluster, agentOptions) as Dispatcher | undefined;
    if (!dispatcher || typeof dispatcher.compose !== 'function') return dispatcher;
    let fenced = composed.get(dispatcher);
    if (!fenced) {
      // A new shared dispatcher means new connection settings (a rotated certificate): follow it.
      if (writePool?.for !== dispatcher) {
        writePool?.pool?.close().catch(() => undefined);
        writePool = {
          for: dispatcher,
          pool: http1PoolLike(dispatcher, target, cluster, agentOptions, fence),
        };
      }
      const writes = writePool.pool;
      fenced = dispatcher.compose((dispatch) => (options, handler) => {
        if (!isFencedRequest(options.method, options.path)) return dispatch(options, handler);
        const guarded = fencedHandler(handler, fence, `${options.method} ${options.path}`);
        return writes ? writes.dispatch(options, guarded) : dispatch(options, guarded);
      });
      composed.set(dispatcher, fenced);
    }
    return fenced;
  };
  return true;
}

/** An HTTP/1.1-only agent of the same class and TLS settings as `dispatcher`; none behind a proxy. */
function http1PoolLike(
  dispatcher: Dispatcher,
  factories: DispatcherFactories,
  cluster: unknown,
  agentOptions: Record<string, unknown>,
  fence: WriteFence,
): Dispatcher | undefined {
  const options = factories.createDispatcherOptions?.(cluster, agentOptions);
  if (options?.type !== 'agent' || !options.connect) return undefined;
  const AgentClass = dispatcher.constructor as new (options: Record<string, unknown>) => Dispatcher;
  return new AgentClass({ connect: fencedConnector(options.connect, fence), allowH2: false });
}

interface ConnectOptions {
  hostname: string;
  protocol: string;
  port: string;
  servername?: string;
}

/** undici's connector contract: a TLS socket (HTTP/1.1 only) whose writes ask the fence. */
export function fencedConnector(tlsOptions: Record<string, unknown>, fence: WriteFence) {
  const { keepAlive, keepAliveInitialDelay, ...secure } = tlsOptions;
  return (options: ConnectOptions, callback: (error: Error | null, socket: tls.TLSSocket | null) => void) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      ...secure,
      host,
      port: Number(options.port) || 443,
      servername:
        (secure.servername as string | undefined) ?? options.servername ?? (isIP(host) ? undefined : host),
      ALPNProtocols: ['http/1.1'],
    });
    socket.setNoDelay(true);
    if (keepAlive) socket.setKeepAlive(true, Number(keepAliveInitialDelay ?? 30_000));
    guardWrites(socket, fence);
    const onError = (error: Error) => callback(error, null);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      callback(null, socket);
    });
  };
}

/** Every write to the socket asks the fence first; a refusal closes the socket, unsent. */
export function guardWrites(socket: tls.TLSSocket, fence: WriteFence): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (!fence.mayWrite()) {
      socket.destroy(
        new NotLeaderError(
          'dropped Kubernetes write at the socket: this instance is not the leader (or its lease is stale)',
        ),
      );
      return false;
    }
    return write(...args);
  }) as typeof socket.write;
}
