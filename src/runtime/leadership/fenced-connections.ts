// Fence layers 2 and 3 for Kubernetes writes (the story: fence.ts), built only from documented
// extension points: undici's `Dispatcher.compose` interceptors and handler callbacks, its
// `connect` option (a custom connector), and `tls.connect`'s `socket` option, which runs TLS over
// any Duplex stream.
//
// - fencedDispatcher: reads (and the Lease) go to the shared pool untouched; every other request
//   goes to a pool of its own, and is aborted, unsent, if the fence refuses when undici puts it
//   on a connection (`onRequestStart`).
// - fencedConnector: that pool's connections speak HTTP/1.1 only (one request per connection at
//   a time, so refusing a write never stalls a read) over a FencedTransport, which asks the fence
//   before each write of bytes to the TCP socket and closes the connection, unsent, on refusal.
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Agent, type buildConnector, type Dispatcher } from 'undici';
import { isFencedRequest, NotLeaderError, notLeader, type WriteFence } from './fence.ts';

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
const CLOSED: WriteFence = { mayWrite: () => false };
type Dispatch = (options: Dispatcher.DispatchOptions, handler: Handler) => boolean;

/**
 * Wraps an undici handler so the request is aborted, unsent, when the fence refuses at send time
 * (with `refusal`, by default NotLeaderError naming `write`).
 */
export function fencedHandler(
  handler: Handler,
  fence: WriteFence,
  write: string,
  refusal: () => Error = () => notLeader(write, 'at send'),
): Handler {
  const wrapped: Handler = {};
  for (const name of HANDLER_METHODS) {
    const method = handler[name];
    if (typeof method === 'function') wrapped[name] = (...args: unknown[]) => method.apply(handler, args);
  }
  const refuse = (abort: (reason: Error) => void): boolean => {
    if (fence.mayWrite()) return false;
    abort(refusal());
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
 * `reads` with every fenced request (isFencedRequest) sent through `writes` behind the fence
 * instead. Without `writes` (no fenced pool could be built) such a request fails, unsent: the
 * fence fails closed.
 */
export function fencedDispatcher(
  reads: Dispatcher,
  writes: Dispatcher | undefined,
  fence: WriteFence,
  unavailable: () => Error,
): Dispatcher {
  return reads.compose((dispatch) => {
    const route: Dispatch = (options, handler) => {
      if (!isFencedRequest(options.method, options.path)) return dispatch(options, handler as never);
      const write = `${options.method} ${options.path}`;
      if (!writes) return dispatch(options, fencedHandler(handler, CLOSED, write, unavailable) as never);
      return writes.dispatch(options, fencedHandler(handler, fence, write) as never);
    };
    return route as Dispatcher['dispatch'];
  });
}

/** An HTTP/1.1 pool for fenced writes, with the TLS settings client-node chose (`tlsOptions`). */
export function fencedWritePool(tlsOptions: tls.ConnectionOptions & KeepAlive, fence: WriteFence): Agent {
  return new Agent({ connect: fencedConnector(tlsOptions, fence), allowH2: false });
}

interface KeepAlive {
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
}

/** undici's connector contract: a TLS socket (HTTP/1.1 only) over a FencedTransport. */
export function fencedConnector(
  tlsOptions: tls.ConnectionOptions & KeepAlive,
  fence: WriteFence,
): buildConnector.connector {
  const { keepAlive, keepAliveInitialDelay, ...secure } = tlsOptions;
  return (options: buildConnector.Options, callback: buildConnector.Callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const tcp = net.connect({ host, port: Number(options.port) || 443 });
    tcp.setNoDelay(true);
    if (keepAlive) tcp.setKeepAlive(true, Number(keepAliveInitialDelay ?? 30_000));
    const socket = tls.connect({
      ...secure,
      socket: new FencedTransport(tcp, fence),
      servername: secure.servername ?? options.servername ?? (net.isIP(host) ? undefined : host),
      ALPNProtocols: ['http/1.1'],
    });
    const onError = (error: Error) => callback(error, null);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      callback(null, socket);
    });
    // Returned so undici can cancel an attempt no request waits for any more (Connector docs).
    return socket;
  };
}

/**
 * A Duplex over `socket` (the TCP connection under TLS) that asks the fence before every write:
 * on refusal nothing is written and the connection is destroyed with NotLeaderError. Reads pass.
 */
export class FencedTransport extends Duplex {
  constructor(
    private readonly socket: Duplex,
    private readonly fence: WriteFence,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.fence.mayWrite()) {
      callback(
        new NotLeaderError(
          'dropped Kubernetes write at the socket: this instance is not the leader (or its lease is stale)',
        ),
      );
      return;
    }
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy(error ?? undefined);
    callback(error);
  }
}
